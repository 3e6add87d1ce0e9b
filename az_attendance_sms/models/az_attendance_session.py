from odoo import models


class AzAttendanceSession(models.Model):
    _inherit = "az.attendance.session"

    def _send_remote_links(self):
        """E-mail the personal signing links, and text them where the company asks for it."""
        messages = super()._send_remote_links()
        sms_lines = self._remote_sms_lines()
        if sms_lines:
            sent = sms_lines._send_remote_sms()
            messages.append(self.env._("%(count)s signing link(s) sent by SMS.", count=len(sent)))
        return messages

    def _remote_sms_lines(self):
        """Lines that may still sign whose person has a mobile or phone number."""
        self.ensure_one()
        if not self.company_id.az_remote_link_sms:
            return self.env["az.attendance.line"]
        return self._remote_link_lines().filtered(lambda ln: ln.partner_id.mobile or ln.partner_id.phone)
