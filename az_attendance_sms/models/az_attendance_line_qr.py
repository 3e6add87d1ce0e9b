from odoo import models


class AzAttendanceLineQr(models.Model):
    """The one-time code of an unrecognised phone by SMS, where the company sends signing links
    by SMS and the person's mobile is known (else by e-mail, as without this add-on)."""

    _inherit = "az.attendance.line"  # pylint: disable=consider-merging-classes-inherited  # one concern a file

    def _send_qr_otp(self):
        self.ensure_one()
        number = self.company_id.az_remote_link_sms and self._az_sms_number()
        if not number:
            return super()._send_qr_otp()
        code = self._qr_otp_code()
        lang = self.partner_id.lang or self.company_id.partner_id.lang
        body = self.with_context(lang=lang).env._(
            "%(code)s is your code to sign the attendance sheet of %(session)s. Do not share it.",
            code=code,
            session=self.session_id.name,
        )
        # an SMS of its own, queued and sent by Odoo's SMS job after the commit: never posted
        # on the session's chatter, where staff would read the code
        self.env["sms.sms"].sudo().create(
            {"number": number, "body": body, "partner_id": self.partner_id.id, "state": "outgoing"}
        )
        self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        return self.env._("by SMS")
