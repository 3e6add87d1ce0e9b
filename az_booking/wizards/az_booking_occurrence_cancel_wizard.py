from odoo import fields, models


class AzBookingOccurrenceCancelWizard(models.TransientModel):
    """Asks why workshop occurrences are cancelled before cancelling them."""

    _name = "az.booking.occurrence.cancel.wizard"
    _description = "Cancel workshop occurrences"

    occurrence_ids = fields.Many2many("az.booking.occurrence", string="Occurrences", required=True)
    reason = fields.Text(required=True)

    def action_cancel(self):
        self.ensure_one()
        self.occurrence_ids.action_cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}
