from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError


class AzAttendanceSessionDay(models.AbstractModel):
    """The trainer's day ("My sessions of the day"): today's sessions of the user, each with
    who has signed, and every action a trainer takes in the room (kiosk, QR code, signing
    on someone's behalf, arrival and departure, co-signature, validation), for the phone
    and tablet screen of the same name."""

    _name = "az.attendance.session.day"
    _description = "The trainer's day"

    @api.model
    def day_data(self):
        """Today's sessions of the current user (today in each session's site time zone),
        soonest first, with their participants, as the day screen shows them."""
        now = fields.Datetime.now()
        sessions = self.search(
            [
                ("trainer_ids", "in", self.env.uid),
                ("state", "!=", "cancelled"),
                ("start", ">", now - timedelta(days=2)),
                ("start", "<", now + timedelta(days=2)),
            ],
            order="start, id",
        )
        return [session._day_values() for session in sessions if session._is_today(now)]

    def _is_today(self, now):
        self.ensure_one()
        today = pytz.utc.localize(now).astimezone(pytz.timezone(self.tz or "UTC")).date()
        return self.date == today

    def _day_values(self):
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        is_trainer = self.env.user in self.trainer_ids
        return {
            "id": self.id,
            "name": self.name,
            "when": f"{self._format_local_time(self.start)} – {self._format_local_time(self.stop)}",
            "site": self.site_id.name or "",
            "state": self.state,
            "state_label": states[self.state],
            "open": self.state == "open",
            "signed_count": self.signed_count,
            "participant_count": self.participant_count,
            "trainer_signed": bool(self.trainer_signed_at),
            "trainer_signed_label": self.env._(
                "Co-signed at %(time)s", time=self._format_local_time(self.trainer_signed_at)
            )
            if self.trainer_signed_at
            else "",
            "can_validate": self.state == "open" and is_trainer,
            "lines": [line._day_values() for line in self.line_ids],
        }

    # ------------------------------------------------------------------ actions of the screen
    def action_day_open(self):
        """Open signing from the day screen (a draft session of the day)."""
        return self.action_open()

    def action_day_qr(self):
        self.ensure_one()
        return self._day_qr_action()

    def _day_qr_action(self):
        """The rotating QR code participants scan with their own phones, full screen."""
        return self.action_open_rotating_qr()

    def action_day_cosign(self):
        """The trainer's signature of the sheet, in a dialog."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("Only a sheet open for signing can be co-signed."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("az_attendance.az_attendance_session_view_form_cosign").id, "form")],
            "target": "new",
            "name": self.env._("Co-sign the sheet"),
        }

    def _day_mark(self, line, kind):
        """Record that the person of ``line`` arrived (``kind`` "arrived") or left ("left")
        now, held within the session's times, through the line's own arrival and departure
        rules (a person arriving after the start is late)."""
        self.ensure_one()
        if line.session_id != self or self.state != "open":
            raise UserError(self.env._("Arrivals and departures are recorded while signing is open."))
        when = min(
            max(fields.Datetime.now().replace(microsecond=0), self.start), self.actual_stop or self.stop
        )
        if kind == "arrived":
            return line.action_mark_arrived(when)
        if kind == "left":
            return line.action_mark_left(when)
        raise UserError(self.env._("Unknown mark."))
