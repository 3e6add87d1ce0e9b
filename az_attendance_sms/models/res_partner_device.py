from odoo import models


class ResPartnerDevice(models.Model):
    """The "this phone is mine" link by SMS too, where the company sends links by SMS."""

    _inherit = "res.partner"

    def _az_send_device_link(self):
        channels = super()._az_send_device_link()
        company = self.company_id or self.env.company
        number = company.az_remote_link_sms and self._phone_format(
            fname="mobile", force_format="E164", raise_exception=False
        )
        if not number:
            return channels
        body = self.with_context(lang=self.lang).env._(
            "Open this link once on your own phone to sign attendance sheets without a code: %(url)s",
            url=self._az_device_link_url(),
        )
        self.env["sms.sms"].sudo().create(
            {"number": number, "body": body, "partner_id": self.id, "state": "outgoing"}
        )
        self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        return channels + [self.env._("by SMS")]
