from odoo import fields, models


class AzBookingSessionCancelWizard(models.TransientModel):
    """Asks why workshop sessions are cancelled before cancelling them."""

    _name = "az.booking.session.cancel.wizard"
    _description = "Cancel workshop sessions"

    session_ids = fields.Many2many("az.booking.slot", string="Sessions", required=True)
    reason = fields.Text(required=True)

    def action_cancel(self):
        self.ensure_one()
        self.session_ids.action_cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}
