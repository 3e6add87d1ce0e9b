from odoo import fields, models


class AzAttendanceLineDay(models.AbstractModel):
    """A participant as the trainer's day screen shows them, the arrival and departure it
    records (``az.attendance.session``'s ``_day_mark``), and whether they follow the session
    from elsewhere (the reminder job sends them their personal link)."""

    _name = "az.attendance.line.day"
    _description = "A participant in the trainer's day"

    attends_remotely = fields.Boolean(
        string="Remote",
        help="Follows the session from elsewhere: receives their personal signing link when "
        "they have not signed some minutes into the session.",
    )

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
            "arrived_label": self.env._(
                "Arrived at %(time)s", time=session._format_local_time(self.arrived_at)
            )
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
