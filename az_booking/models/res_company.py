from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    az_booking_consent_text = fields.Text(
        string="Booking consent text",
        translate=True,
        help="Default consent text of the website booking form.",
    )
