from odoo import fields, models


class AzBookingTypeReferral(models.Model):
    """Who may book a type from the website: anyone, only the referents of referring
    organisations (for a person they refer), or only the staff (back office)."""

    _inherit = "az.booking.type"  # pylint: disable=consider-merging-classes-inherited  # one concern a file

    booking_audience = fields.Selection(
        [
            ("public", "Everyone"),
            ("referents", "Referents of referring organisations"),
            ("staff", "Staff only"),
        ],
        string="Who may book",
        required=True,
        default="public",
        help="Everyone: any visitor of the website. Referents: only the referents of "
        "referring organisations, for a person they refer. Staff only: booked from the back "
        "office, never from the website.",
    )
    referent_sees_name = fields.Boolean(
        string="Referents see the name",
        help="For a sensitive type: the referent who booked sees its name on their page and in "
        "the messages sent to them. Otherwise they see a neutral label.",
    )

    def _website_audience_domain(self, user):
        """The types ``user`` may see and book on the website."""
        audiences = ["public"]
        # a visitor is never a referent (and their contact need not be read for it)
        if not user._is_public() and user.partner_id._az_referrer_organisation():
            audiences.append("referents")
        return [("booking_audience", "in", audiences)]

    def _website_bookable_by(self, user):
        """Whether ``user`` may book this type from the website."""
        self.ensure_one()
        return self.filtered_domain(self._website_audience_domain(user)) == self

    def _referent_type_label(self):
        """The name of this type as a referent sees it (a neutral label when sensitive,
        unless the type lets referents see it)."""
        self.ensure_one()
        if self.is_sensitive and not self.referent_sees_name:
            return self.env._("Appointment")
        return self.name

    def _get_referral_consent_text(self):
        """What a referent attests when booking for a person."""
        self.ensure_one()
        return self.env._(
            "The person agreed that %(company)s processes the information in this form to manage "
            "their appointment and contact them about it, and that I book it for them.",
            company=self.company_id.name,
        )
