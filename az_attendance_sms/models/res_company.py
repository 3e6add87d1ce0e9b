from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    az_remote_link_sms = fields.Boolean(
        string="Signing links by SMS",
        help="Also send personal signing links by SMS to participants with a mobile number "
        "(Odoo's SMS service, with SMS credits).",
    )
    az_reminder_sms = fields.Boolean(
        string="Reminders to trainers by SMS",
        help="Also text the attendance reminders (session starting, participants not signed, "
        "sheet not validated) to trainers and managers with a mobile number.",
    )
