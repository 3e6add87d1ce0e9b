from odoo import fields, models
from odoo.tools import hmac

from ..tools import rotating_code


class AzAttendanceLineQr(models.Model):
    """What a line keeps of the rotating QR code, and the one-time code a participant whose
    phone is not recognised receives by e-mail (or SMS, with the SMS add-on)."""

    _inherit = "az.attendance.line"

    sign_qr_step = fields.Integer(
        string="Rotating QR step",
        copy=False,
        readonly=True,
        help="Time step of the rotating QR code scanned to sign (sealed with the signature).",
    )

    def _qr_signer(self):
        """Odoo's HMAC keyed by the database secret, as ``tools/rotating_code.py`` calls it."""
        env = self.env(su=True)
        return lambda scope, message: hmac(env, scope, message)

    def _check_qr_otp(self, code):
        """Whether ``code`` is the one-time code sent for this line (now or the window before)."""
        self.ensure_one()
        return rotating_code.check_otp(self._qr_signer(), self.id, code)

    def _qr_otp_code(self):
        self.ensure_one()
        return rotating_code.make_otp(self._qr_signer(), self.id)

    def _send_qr_otp(self):
        """Send this line's one-time code to the person; return the channel's words ("by
        e-mail") or False when there is no way to reach them. Never shown on a page."""
        self.ensure_one()
        if not self.partner_id.email:
            return False
        code = self._qr_otp_code()
        template = self.env.ref("az_attendance.mail_template_qr_otp")
        template.sudo().with_context(az_qr_otp=code).send_mail(self.id, force_send=False)
        return self.env._("by e-mail")
