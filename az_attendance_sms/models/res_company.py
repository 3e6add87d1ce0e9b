from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    az_remote_link_sms = fields.Boolean(
        string="Signing links by SMS",
        help="Also send personal signing links by SMS to participants with a mobile number "
        "(Odoo's SMS service, with SMS credits).",
    )
