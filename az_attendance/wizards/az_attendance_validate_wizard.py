from odoo import fields, models
from odoo.exceptions import UserError


class AzAttendanceValidateWizard(models.TransientModel):
    """Validating a sheet before the session's end: the trainer says why. The reason is
    recorded on the sheet, sealed with it and printed on it."""

    _name = "az.attendance.validate.wizard"
    _description = "Validate a sheet before the end of its session"

    session_id = fields.Many2one("az.attendance.session", required=True, readonly=True)
    session_stop = fields.Datetime(related="session_id.stop", string="Session ends")
    reason = fields.Text(required=True, help="Printed on the sheet and sealed with it.")

    def action_confirm(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the sheet is validated before the end of the session."))
        session = self.session_id
        session.write({"early_validation_reason": reason})
        return session.action_validate()
