from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AttendanceCommon


@tagged("post_install", "-at_install")
class TestRemoteSms(AttendanceCommon):
    """Signing links by SMS, when the company asks for it (Odoo's SMS module installed)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amina.mobile = "+33 6 11 22 33 44"
        cls.sofia.mobile = "+262 692 00 11 22"
        cls.sofia.email = False

    def _sms_of(self, partner):
        return self.env["sms.sms"].sudo().search([("partner_id", "=", partner.id)])

    def test_no_sms_unless_the_company_asks(self):
        session = self.make_session()
        session.action_send_remote_links()
        self.assertFalse(self._sms_of(self.amina) | self._sms_of(self.sofia))

    def test_links_sent_by_sms_to_those_left_to_sign(self):
        self.company.az_remote_link_sms = True
        session = self.make_session()
        self.line_of(session, self.lucas).status = "absent"
        session.action_send_remote_links()
        amina_sms, sofia_sms = self._sms_of(self.amina), self._sms_of(self.sofia)
        self.assertEqual(len(amina_sms), 1)
        self.assertEqual(len(sofia_sms), 1, "no e-mail address, the SMS still goes")
        line = self.line_of(session, self.amina)
        self.assertIn(f"/attendance/sign/{line._get_remote_token()}", amina_sms.body)
        self.assertEqual(amina_sms.number, "+33 6 11 22 33 44")
        self.assertFalse(self._sms_of(self.lucas), "absent, and no mobile number")
        # the link in the SMS opens the signing page of this person only
        token = amina_sms.body.split("/attendance/sign/")[1].split()[0]
        with freeze_time(self.day_start):
            self.assertEqual(self.env["az.attendance.line"]._get_line_from_token(token), line)

    def test_sms_alone_when_nobody_has_an_email(self):
        self.company.az_remote_link_sms = True
        session = self.make_session(partners=self.sofia)
        session.action_send_remote_links()
        self.assertEqual(len(self._sms_of(self.sofia)), 1)
        self.company.az_remote_link_sms = False
        other = self.make_session(partners=self.sofia, name="Sans e-mail")
        with self.assertRaisesRegex(UserError, "e-mail"):
            other.action_send_remote_links()
