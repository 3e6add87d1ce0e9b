from odoo import fields, models


class AzBookingCancelWizard(models.TransientModel):
    """Asks who cancels a booking and why before cancelling it."""

    _name = "az.booking.cancel.wizard"
    _description = "Cancel bookings"

    booking_ids = fields.Many2many("az.booking", string="Bookings", required=True)
    cancel_by = fields.Selection(
        [("person", "By the person"), ("service", "By the service")],
        string="Cancelled",
        required=True,
        default="person",
    )
    reason = fields.Text(required=True)

    def action_cancel(self):
        self.ensure_one()
        self.booking_ids.action_cancel(cancel_by=self.cancel_by, reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
