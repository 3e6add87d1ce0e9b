from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    az_booking_consent_text = fields.Text(
        string="Booking consent text",
        translate=True,
        help="Default consent text of the website booking form.",
    )

    def _az_staff_lang(self):
        """The language of what the company's staff read: the chatter entries and names
        written by jobs and by visitors' actions on the website, whatever the language of
        the job's user or of the visitor's page."""
        self.ensure_one()
        return self.partner_id.lang or self.env.lang or "en_US"
