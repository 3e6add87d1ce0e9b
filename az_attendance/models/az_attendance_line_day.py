from odoo import fields, models


class AzAttendanceLine(models.Model):
    """A participant as the trainer's day screen shows them, and the arrival and departure
    it records (``az.attendance.session``'s ``_day_mark``)."""

    _inherit = "az.attendance.line"

    def _day_values(self):
        self.ensure_one()
        session = self.session_id
        statuses = dict(self._fields["status"]._description_selection(self.env))
        open_now = session.state == "open"
        return {
            "id": self.id,
            "name": self.partner_name,
            "signed": bool(self.signed_at),
            "signed_label": self.env._("Signed at %(time)s", time=session._format_local_time(self.signed_at))
            if self.signed_at
            else self.env._("Not signed"),
            "status_label": statuses[self.status],
            "remote": self.attends_remotely,
            "can_sign": self._can_sign(fields.Datetime.now()),
            "arrived_label": self.env._("Arrived at %(time)s", time=session._format_local_time(self.arrived_at))
            if self.arrived_at
            else "",
            "left_label": self.env._("Left at %(time)s", time=session._format_local_time(self.left_at))
            if self.left_at
            else "",
            "can_mark": open_now and self.status not in ("absent", "excused"),
        }

    def action_day_arrived(self):
        self.ensure_one()
        self.check_access("write")
        return self.session_id._day_mark(self, "arrived")

    def action_day_left(self):
        self.ensure_one()
        self.check_access("write")
        return self.session_id._day_mark(self, "left")
