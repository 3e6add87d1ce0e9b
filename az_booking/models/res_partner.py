from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    az_booking_typed = fields.Boolean(
        string="Made from a website booking",
        copy=False,
        readonly=True,
        help="Made by the website booking form from what a visitor typed (name, e-mail, "
        "phone), none of it proven. Only such a contact, holding exactly what is typed "
        "again, receives a later website booking; a contact made by staff never does.",
    )
