from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    az_booking_consent_text = fields.Text(
        string="Booking consent text",
        translate=True,
        help="Default consent text of the website booking form.",
    )

    def _az_address_example(self):
        """The hint under the address search: the structure's own address as the example (a
        person of its territory recognises it), else a generic one."""
        self.ensure_one()
        company = self.sudo()
        if company.street and company.zip and company.city:
            return self.env._(
                "For example: %(address)s — or only %(postcode)s.",
                address=f"{company.street}, {company.zip} {company.city}",
                postcode=company.zip,
            )
        return self.env._("For example: 12 boulevard Saint-Michel, 75005 Paris — or only 75005.")
