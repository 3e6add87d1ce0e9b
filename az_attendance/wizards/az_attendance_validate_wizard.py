from odoo import api, fields, models
from odoo.exceptions import UserError


class AzAttendanceValidateWizard(models.TransientModel):
    """Validating a sheet: the session's actual end and, before the planned end, why.

    Before the planned end the wizard proposes now as the actual end (the hours are counted
    until it) and asks why the sheet is validated early; the reason is recorded on the sheet,
    sealed with it and printed on it. At any validation the trainer may state an earlier
    actual end (a session that ended early, validated the next day)."""

    _name = "az.attendance.validate.wizard"
    _description = "Validate a sheet"

    session_id = fields.Many2one("az.attendance.session", required=True, readonly=True)
    session_stop = fields.Datetime(related="session_id.stop", string="Session ends")
    planned_times = fields.Char(
        string="Planned times",
        compute="_compute_planned_times",
        help="The session's planned start and end, in the site's time zone.",
    )
    tz_label = fields.Char(related="session_id.tz_label")
    is_early = fields.Boolean(compute="_compute_is_early")
    actual_stop_time = fields.Float(
        string="Actual end",
        help="When the session really ended, in the site's time zone. The hours of every "
        "participant are counted until then. Empty: it ended as planned.",
    )
    reason = fields.Text(help="Printed on the sheet and sealed with it.")

    @api.depends("session_id")
    def _compute_planned_times(self):
        for wizard in self:
            session = wizard.session_id
            wizard.planned_times = (
                f"{session._format_local_time(session.start)} – {session._format_local_time(session.stop)}"
                if session.start and session.stop
                else False
            )

    @api.depends("session_id")
    def _compute_is_early(self):
        for wizard in self:
            wizard.is_early = bool(wizard.session_id) and wizard.session_id._is_early()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        session = self.env["az.attendance.session"].browse(values.get("session_id"))
        if session and "actual_stop_time" in fields_list:
            # before the planned end: now, to the minute; else the end already stated, if any
            stop = session.actual_stop
            if not stop and session._is_early():
                stop = max(fields.Datetime.now(), session.start) if session.start else False
            if stop:
                local = session._to_local(stop)
                values["actual_stop_time"] = local.hour + local.minute / 60.0
            if session.early_validation_reason and "reason" in fields_list:
                values["reason"] = session.early_validation_reason
        return values

    def action_confirm(self):
        self.ensure_one()
        session = self.session_id
        reason = (self.reason or "").strip()
        if session._is_early() and not reason:
            raise UserError(self.env._("Say why the sheet is validated before the end of the session."))
        actual_stop = session._actual_stop_from_time(self.actual_stop_time)
        session.write({"actual_stop": actual_stop, "early_validation_reason": reason or False})
        return session.action_validate()
