from odoo import api, fields, models

from .az_booking import BOOKING_STATE_FROM_LINE


class AzAttendanceSession(models.Model):
    _inherit = "az.attendance.session"

    booking_type_id = fields.Many2one(
        "az.booking.type",
        string="Booking type",
        index=True,
        readonly=True,
        ondelete="set null",
    )
    booking_ids = fields.One2many("az.booking", "attendance_session_id", string="Bookings")
    booking_count = fields.Integer(compute="_compute_booking_count")

    @api.depends("booking_ids")
    def _compute_booking_count(self):
        for session in self:
            session.booking_count = len(session.booking_ids)

    def action_validate(self):
        result = super().action_validate()
        self._close_bookings()
        return result

    def _close_bookings(self):
        """Once the sheet is validated, each confirmed booking on it takes the outcome the
        sheet records: present or late → done, absent → no-show, excused → excused."""
        for session in self.filtered(lambda s: s.state == "validated"):
            statuses = {line.partner_id: line.status for line in session.line_ids}
            for booking in session.booking_ids.filtered(lambda b: b.state == "confirmed"):
                new_state = BOOKING_STATE_FROM_LINE.get(statuses.get(booking.partner_id))
                if new_state:
                    booking.write({"state": new_state})

    def action_view_bookings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bookings"),
            "res_model": "az.booking",
            "view_mode": "list,form",
            "domain": [("attendance_session_id", "=", self.id)],
        }
