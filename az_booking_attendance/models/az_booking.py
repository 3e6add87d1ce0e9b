from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# Booking states whose person is expected on the attendance sheet.
EXPECTED_STATES = ("requested", "confirmed")
# What a validated sheet says of each person, as a booking state.
BOOKING_STATE_FROM_LINE = {
    "present": "done",
    "late": "done",
    "absent": "no_show",
    "excused": "excused",
}


class AzBooking(models.Model):
    _inherit = "az.booking"

    attendance_session_id = fields.Many2one(
        "az.attendance.session",
        string="Attendance sheet",
        copy=False,
        index=True,
        readonly=True,
        ondelete="set null",
    )
    attendance_line_id = fields.Many2one(
        "az.attendance.line",
        string="Attendance line",
        compute="_compute_attendance_line_id",
    )

    @api.depends("attendance_session_id.line_ids.partner_id", "partner_id")
    def _compute_attendance_line_id(self):
        for booking in self:
            booking.attendance_line_id = booking.attendance_session_id.line_ids.filtered(
                lambda line, b=booking: line.partner_id == b.partner_id
            )[:1]

    @api.model_create_multi
    def create(self, vals_list):
        bookings = super().create(vals_list)
        bookings._join_session_sheet()
        return bookings

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "cancelled":
            self._leave_attendance_sheet()
        elif vals.get("state") in EXPECTED_STATES:
            self._join_session_sheet()
            self.filtered("attendance_session_id")._join_attendance_sheet()
        return result

    def _join_session_sheet(self):
        """A seat taken (or given from the waiting list) in a session whose sheet exists
        puts its person on that sheet."""
        for booking in self.sudo().filtered(
            lambda b: (
                b.state in EXPECTED_STATES
                and b.occurrence_id.attendance_session_id
                and b.occurrence_id.attendance_session_id.state in ("draft", "open")
                and b.attendance_session_id != b.occurrence_id.attendance_session_id
            )
        ):
            booking.attendance_session_id = booking.occurrence_id.attendance_session_id
            booking._join_attendance_sheet()

    # ------------------------------------------------------------------------------------
    def _attendance_session_values(self):
        """Values of the sheet of this booking: a workshop's bookings share one sheet per
        time slot, an individual appointment has a sheet of its own."""
        self.ensure_one()
        booking_type = self.type_id
        if booking_type.is_collective:
            name = booking_type.name
        else:
            name = self.env._("%(type)s – %(person)s", type=booking_type.name, person=self.partner_id.name)
        site = self.site_id or booking_type.site_ids[:1]
        return {
            "name": name,
            "project_id": booking_type.project_id.id,
            "site_id": site.id,
            "start": self.start,
            "stop": self.stop,
            "trainer_ids": [(6, 0, self.user_id.ids)],
            "booking_type_id": booking_type.id,
        }

    def _find_occurrence_sheet(self):
        self.ensure_one()
        if self.occurrence_id:  # the one sheet of the workshop occurrence, with all its participants
            return self.occurrence_id._get_or_create_attendance_sheet()
        return self.env["az.attendance.session"].search(
            [
                ("booking_type_id", "=", self.type_id.id),
                ("start", "=", self.start),
                ("stop", "=", self.stop),
                ("state", "!=", "cancelled"),
            ],
            limit=1,
        )

    def _get_or_create_attendance_session(self):
        """The sheet this booking signs on, created when missing; its person added to it."""
        Session = self.env["az.attendance.session"]
        sessions = Session
        for booking in self:
            if booking.state not in EXPECTED_STATES:
                raise UserError(
                    self.env._(
                        "%(booking)s is not expected any more: it gets no attendance sheet.",
                        booking=booking.display_name,
                    )
                )
            session = booking.attendance_session_id
            if not session and booking.type_id.is_collective:
                session = booking._find_occurrence_sheet()
            if not session:
                session = Session.create(booking._attendance_session_values())
            elif booking.user_id and booking.user_id not in session.trainer_ids and session.state == "draft":
                session.trainer_ids = [(4, booking.user_id.id)]
            booking.attendance_session_id = session
            sessions |= session
        self._join_attendance_sheet()
        return sessions

    def _join_attendance_sheet(self):
        for booking in self:
            session = booking.attendance_session_id
            if session and session.state in ("draft", "open"):
                session._add_participants(booking.partner_id)

    def _leave_attendance_sheet(self):
        """A cancelled booking's person is no longer expected: their unsigned line goes;
        a signed one stays (nothing signed is ever deleted)."""
        for booking in self.filtered("attendance_session_id"):
            session = booking.attendance_session_id
            if session.state not in ("draft", "open"):
                continue
            other_bookings = session.booking_ids.filtered(
                lambda b, me=booking: b != me and b.partner_id == me.partner_id and b.state in EXPECTED_STATES
            )
            lines = session.line_ids.filtered(
                lambda line, b=booking: (
                    line.partner_id == b.partner_id and not line.signed_at and line.status == "expected"
                )
            )
            if lines and not other_bookings:
                lines.unlink()

    def action_open_attendance_session(self):
        self.ensure_one()
        session = self.attendance_session_id or self._get_or_create_attendance_session()
        return {
            "type": "ir.actions.act_window",
            "res_model": "az.attendance.session",
            "res_id": session.id,
            "view_mode": "form",
        }

    def action_prepare_attendance_sheets(self):
        """From a selection of bookings: the sheets of those still expected."""
        expected = self.filtered(lambda b: b.state in EXPECTED_STATES)
        sessions = expected._get_or_create_attendance_session()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Attendance sheets"),
            "res_model": "az.attendance.session",
            "view_mode": "list,form",
            "domain": [("id", "in", sessions.ids)],
        }

    @api.model
    def _cron_prepare_attendance_sheets(self, hours=24):
        """Sheets for the confirmed bookings of the coming hours, so that the kiosk and the
        QR code are ready when people arrive."""
        now = fields.Datetime.now()
        bookings = self.search(
            [
                ("state", "=", "confirmed"),
                ("attendance_session_id", "=", False),
                ("start", ">=", now),
                ("start", "<", now + timedelta(hours=hours)),
            ],
            order="start, id",
        )
        # the sheets and their messages are the company's, in its language (not the job's user's)
        for company in bookings.company_id:
            company_bookings = bookings.filtered(lambda b, c=company: b.company_id == c)
            company_bookings.with_context(lang=company._az_lang())._get_or_create_attendance_session()
        return bookings
