from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    az_legal_representative = fields.Char(
        string="Legal representative",
        help="The person who signs the certificates of completion for the organisation "
        "(name and role), as the Ministry of Labour's model asks.",
    )
    az_certificate_signature = fields.Image(
        string="Signature on certificates",
        max_width=600,
        max_height=300,
        help="Image of the legal representative's signature, printed on the certificates of completion.",
    )
    az_certificate_stamp = fields.Image(
        string="Stamp on certificates",
        max_width=600,
        max_height=600,
        help="Image of the organisation's stamp, printed on the certificates of completion.",
    )
