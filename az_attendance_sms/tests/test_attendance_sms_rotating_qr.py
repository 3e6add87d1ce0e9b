import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.az_attendance.tests.common import AttendanceCommon, signature_values
from odoo.addons.az_attendance.tools import rotating_code

# a website in several languages prefixes its forms' addresses with the language
LANG_PREFIX = r"(?:/[a-z]{2}(?:_[A-Z]{2})?)?"


@tagged("post_install", "-at_install")
class TestAttendanceSmsRotatingQr(HttpCase, AttendanceCommon):
    """An unrecognised phone scanning the rotating QR code receives its one-time code by SMS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.env.ref("base.fr")
        cls.company.az_remote_link_sms = True
        cls.amina.write({"mobile": "06 11 22 33 44", "country_id": cls.env.ref("base.fr").id})
        now = fields.Datetime.now().replace(microsecond=0)
        cls.att_session = cls.make_session(start=now - timedelta(minutes=30))
        cls.amina_line = cls.line_of(cls.att_session, cls.amina)

    def _form(self, response, kind):
        self.assertEqual(response.status_code, 200, response.text[:500])
        action = re.search(rf'action="({LANG_PREFIX}/attendance/qr/t/[^"]+/{kind})"', response.text).group(1)
        return action, re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def test_unknown_phone_receives_the_code_by_sms_and_signs(self):
        self.authenticate(None, None)
        value = rotating_code.make_code(
            self.att_session._qr_signer(), self.att_session.id, rotating_code.current_step()
        )
        action, csrf = self._form(self.url_open(f"/attendance/qr/r/{value}"), "code")
        response = self.url_open(action, data={"csrf_token": csrf, "line_id": self.amina_line.id})
        self.assertPageSays(response, 200, "A code was sent to you by SMS. Type it below.")
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", self.amina.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+33611223344")
        code = re.search(r"\b(\d{6})\b", sms.body).group(1)
        self.assertNotIn(code, response.text, "the code is never shown on the page")
        self.assertNotIn(code, "".join(self.att_session.message_ids.mapped("body")), "nor on the chatter")
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.amina.ids)]),
            "no e-mail as well",
        )
        sign, csrf = self._form(response, "sign")
        response = self.url_open(
            sign, data={"csrf_token": csrf, "line_id": self.amina_line.id, "code": code, **signature_values()}
        )
        self.assertPageSays(response, 200, "your signature is recorded")
        self.env.invalidate_all()
        self.assertEqual(self.amina_line.sign_method, "qr")
        self.assertTrue(self.amina_line.sign_qr_step)

    def test_device_link_is_texted_too(self):
        self.amina.with_user(self.trainer).action_az_send_device_link()
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", self.amina.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("/attendance/device/", sms.body)
