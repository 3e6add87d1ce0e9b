from odoo import api, models


class AzBookingOccurrenceEarlier(models.Model):
    """A new workshop occurrence, or seats added to one, may be an earlier time for the
    people in line (``az.booking._cron_offer_earlier_times``)."""

    _inherit = "az.booking.occurrence"

    @api.model_create_multi
    def create(self, vals_list):
        occurrences = super().create(vals_list)
        self.env["az.booking"]._trigger_earlier_offers()
        return occurrences

    def write(self, vals):
        result = super().write(vals)
        if {"capacity", "start", "state"} & set(vals):
            self.env["az.booking"]._trigger_earlier_offers()
        return result
