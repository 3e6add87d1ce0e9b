from odoo import fields, models
from odoo.exceptions import UserError

from .az_booking_availability_mixin import ACTIVE_STATES


class AzBookingSeries(models.Model):
    """Recurring follow-up appointments of one person: each occurrence is a normal booking;
    cancelling the series cancels the occurrences still to come."""

    _name = "az.booking.series"
    _description = "Series of follow-up appointments"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    type_id = fields.Many2one(
        "az.booking.type", required=True, index=True, check_company=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="type_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Person", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Staff member")
    booking_ids = fields.One2many("az.booking", "series_id", string="Appointments")
    state = fields.Selection(
        [("active", "Active"), ("cancelled", "Cancelled")], required=True, default="active", tracking=True
    )

    def action_cancel(self, reason=False):
        """Cancel the series: its occurrences still to come are cancelled, the past ones
        stay as they are."""
        now = fields.Datetime.now()
        for series in self:
            if series.state == "cancelled":
                raise UserError(self.env._("This series is already cancelled."))
            future = series.booking_ids.filtered(
                lambda b: b.start > now and b.state in ("waiting",) + ACTIVE_STATES
            )
            future.action_cancel(cancel_by="service", reason=reason or self.env._("Series cancelled."))
            series.state = "cancelled"
            series.message_post(
                body=self.env._("Series cancelled: %s appointment(s) to come cancelled.", len(future))
            )
        return True
