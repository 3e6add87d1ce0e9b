from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AzAttendanceSessionHours(models.Model):
    """The hours a sheet credits are the hours that happened.

    A session may end before its planned end (the group left early, the sheet is validated
    at 20:29 for a 19:00-22:00 workshop). The sheet records that actual end, sealed with it
    (seal version 4), and every line counts its hours from the session's start (or the
    person's arrival) to the actual end (or the person's departure). The hours the session
    held (``hours_held``) are what the funder addons read as the session's length: the
    excused absences' credit and the planned hours of completion rates. ``duration`` stays
    the planned length, as sealed by earlier versions."""

    _inherit = "az.attendance.session"

    actual_stop = fields.Datetime(
        string="Actual end",
        copy=False,
        tracking=True,
        help="When the session really ended, if before its planned end: hours are counted "
        "until then (sealed with the sheet).",
    )
    actual_stop_time = fields.Float(
        string="Actual end time",
        compute="_compute_actual_stop_time",
        inverse="_inverse_actual_stop_time",
        help="When the session really ended, in the site's time zone, if before its planned "
        "end. Empty: it ended as planned.",
    )
    hours_held = fields.Float(
        compute="_compute_hours_held",
        store=True,
        digits=(16, 2),
        help="Hours the session lasted: from its start to its actual end (or its planned end).",
    )

    @api.constrains("start", "stop", "actual_stop")
    def _check_actual_stop(self):
        for session in self:
            if session.actual_stop and session.start and session.stop:
                if not (session.start < session.actual_stop <= session.stop):
                    raise session._actual_stop_error()

    @api.depends("start", "stop", "actual_stop")
    def _compute_hours_held(self):
        for session in self:
            stop = session._effective_stop()
            if session.start and stop:
                session.hours_held = max((stop - session.start).total_seconds() / 3600.0, 0.0)
            else:
                session.hours_held = 0.0

    @api.depends("actual_stop", "site_id.tz", "seal_tz")
    def _compute_actual_stop_time(self):
        for session in self:
            if session.actual_stop:
                local = session._to_local(session.actual_stop)
                session.actual_stop_time = local.hour + local.minute / 60.0
            else:
                session.actual_stop_time = 0.0

    def _inverse_actual_stop_time(self):
        for session in self:
            session.actual_stop = session._actual_stop_from_time(session.actual_stop_time)

    def _effective_stop(self):
        """When the session's hours end: its actual end, or its planned end."""
        self.ensure_one()
        return self.actual_stop or self.stop

    def _actual_stop_from_time(self, hour):
        """The UTC end of the session at ``hour`` (hours in the site's time zone, 20.5 for
        20:30) on the session's day, or False for no hour (0) or the planned end itself.
        Checked: after the start, no later than the planned end."""
        self.ensure_one()
        if not hour or not (self.start and self.stop):
            return False
        minutes = round(hour * 60)
        local_start = self._to_local(self.start)
        local = datetime.combine(local_start.date(), time(0, 0)) + timedelta(minutes=minutes)
        if local <= local_start:
            # a session running past midnight: the hour is that of the next day
            local += timedelta(days=1)
        value = self._to_utc(local)
        if not (self.start < value <= self.stop):
            raise self._actual_stop_error()
        return False if value == self.stop else value

    def _actual_stop_error(self):
        self.ensure_one()
        return ValidationError(
            self.env._(
                "The actual end of '%(name)s' must fall after its start and no later than its "
                "planned end (%(start)s - %(stop)s).",
                name=self.name,
                start=self._format_local_time(self.start),
                stop=self._format_local_time(self.stop),
            )
        )

    def action_validate_with_end(self):
        """The form's Validate button: the validation wizard, where the trainer states the
        actual end (now by default before the planned end) and, when early, why."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("Only a session open for signing can be validated."))
        self._check_checklist_complete()
        return {
            "type": "ir.actions.act_window",
            "res_model": "az.attendance.validate.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Validate the sheet"),
            "context": {"default_session_id": self.id},
        }
