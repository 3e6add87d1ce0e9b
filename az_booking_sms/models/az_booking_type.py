from odoo import fields, models


class AzBookingType(models.Model):
    _inherit = "az.booking.type"

    sms_reminder = fields.Boolean(
        string="SMS reminder",
        help="Also send the reminder by SMS to people who have an e-mail address (people "
        "without one always get it by SMS).",
    )
