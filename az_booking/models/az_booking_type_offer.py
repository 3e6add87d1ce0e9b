from odoo import fields, models


class AzBookingTypeOffer(models.Model):
    """How a booking type offers an earlier free time to the people who asked for one
    (``az.booking.offer``): whether it does, how long an offer stays valid, how many offers
    one appointment gets and from when before it none is made any more."""

    _inherit = "az.booking.type"

    earlier_offers = fields.Boolean(
        string="Offer earlier times",
        help="A person holding an appointment may ask to be told when an earlier time frees up; "
        "the first in line is then offered it by e-mail or SMS.",
    )
    earlier_offer_valid_hours = fields.Float(
        string="Offer valid for",
        default=12.0,
        help="How long the link of an earlier time stays valid, in hours. The time is held for "
        "nobody meanwhile: the first to accept takes it.",
    )
    earlier_offer_max = fields.Integer(
        string="Offers per appointment",
        default=3,
        help="At most this many earlier times are offered for one appointment.",
    )
    earlier_offer_stop_days = fields.Integer(
        string="No offer in the last days",
        default=2,
        help="No earlier time is offered in the last days before the appointment.",
    )

    _sql_constraints = [
        (
            "earlier_offer_positive",
            "CHECK(earlier_offer_valid_hours > 0 AND earlier_offer_max >= 0 "
            "AND earlier_offer_stop_days >= 0)",
            "The validity of an offer must be positive; the number of offers and the days before "
            "cannot be negative.",
        ),
    ]

    def write(self, vals):
        result = super().write(vals)
        # working hours, staff or window changed: some earlier time may have freed up
        if {
            "staff_user_ids",
            "specific_user_id",
            "assignment",
            "horizon_days",
            "min_notice_hours",
            "earlier_offers",
        } & set(vals):
            self.env["az.booking"]._trigger_earlier_offers()
        return result
