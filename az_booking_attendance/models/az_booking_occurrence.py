from odoo import fields, models
from odoo.exceptions import UserError

from .az_booking import EXPECTED_STATES


class AzBookingOccurrence(models.Model):
    _inherit = "az.booking.occurrence"

    attendance_session_id = fields.Many2one(
        "az.attendance.session",
        string="Attendance sheet",
        copy=False,
        index=True,
        readonly=True,
        ondelete="set null",
        help="The one attendance sheet of this workshop occurrence: every participant is on it.",
    )

    def _attendance_sheet_values(self):
        self.ensure_one()
        booking_type = self.type_id
        site = self.site_id or booking_type.site_ids[:1]
        return {
            "name": booking_type.name,
            "project_id": booking_type.project_id.id,
            "site_id": site.id,
            "start": self.start,
            "stop": self.stop,
            "trainer_ids": [fields.Command.set((self.user_ids | self.user_id).ids)],
            "booking_type_id": booking_type.id,
        }

    def _get_or_create_attendance_sheet(self):
        """The sheet of each occurrence, created when missing, with all its participants."""
        Sheet = self.env["az.attendance.session"].sudo()
        sheets = Sheet
        for occurrence in self.sudo():
            if occurrence.state == "cancelled":
                raise UserError(
                    self.env._(
                        "Occurrence %s is cancelled: it gets no attendance sheet.", occurrence.display_name
                    )
                )
            sheet = occurrence.attendance_session_id
            if not sheet or sheet.state == "cancelled":
                sheet = Sheet.create(occurrence._attendance_sheet_values())
                occurrence.attendance_session_id = sheet
            participants = occurrence.booking_ids.filtered(lambda b: b.state in EXPECTED_STATES)
            participants.filtered(lambda b, s=sheet: b.attendance_session_id != s).write(
                {"attendance_session_id": sheet.id}
            )
            participants._join_attendance_sheet()
            sheets |= sheet
        return sheets.with_env(self.env)

    def action_open_attendance_sheet(self):
        self.ensure_one()
        sheet = self._get_or_create_attendance_sheet()
        return {
            "type": "ir.actions.act_window",
            "res_model": "az.attendance.session",
            "res_id": sheet.id,
            "view_mode": "form",
        }

    def action_cancel(self, reason):
        """A cancelled occurrence's sheet is cancelled too, unless someone signed it."""
        result = super().action_cancel(reason)
        sheets = self.sudo().attendance_session_id.filtered(
            lambda s: s.state in ("draft", "open") and not s.line_ids.filtered("signed_at")
        )
        sheets.action_cancel()
        return result

    def write(self, vals):
        result = super().write(vals)
        if {"start", "stop", "site_id", "user_ids", "user_id"} & set(vals):
            for occurrence in self.sudo().filtered("attendance_session_id"):
                sheet = occurrence.attendance_session_id
                if sheet.state == "draft":
                    values = occurrence._attendance_sheet_values()
                    values.pop("name")
                    sheet.write(values)
        return result
