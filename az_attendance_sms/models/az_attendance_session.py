from odoo import models
from odoo.exceptions import UserError


class AzAttendanceSession(models.Model):
    _inherit = "az.attendance.session"

    def action_send_remote_links(self):
        """E-mail the personal signing links, and text them where the company asks for it."""
        self.ensure_one()
        sms_lines = self._remote_sms_lines()
        try:
            result = super().action_send_remote_links()
        except UserError:
            if not sms_lines:
                raise
            result = None
        sent = sms_lines._send_remote_sms()
        if result is None:
            result = {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "message": self.env._("%(count)s signing link(s) sent by SMS.", count=len(sent)),
                    "type": "success",
                },
            }
        return result

    def _remote_sms_lines(self):
        """Lines left to sign whose person has a mobile or phone number."""
        self.ensure_one()
        if not self.company_id.az_remote_link_sms or self.state != "open":
            return self.env["az.attendance.line"]
        return self.line_ids.filtered(
            lambda ln: (
                not ln.signed_at
                and ln.status not in ("absent", "excused")
                and (ln.partner_id.mobile or ln.partner_id.phone)
            )
        )
