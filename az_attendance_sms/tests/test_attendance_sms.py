from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.az_attendance.tests.common import AttendanceCommon
from odoo.addons.sms.tests.common import SMSCase


@tagged("post_install", "-at_install")
class TestAttendanceSms(SMSCase, AttendanceCommon):
    """Signing links by SMS, when the company asks for it: sent at once through Odoo's SMS
    path, numbers in international format, delivery state on the line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.env.ref("base.fr")
        cls.amina.write({"mobile": "06 11 22 33 44", "country_id": cls.env.ref("base.fr").id})
        cls.sofia.write({"mobile": "+262 692 00 11 22", "email": False})

    def _send_links(self, session):
        """Send the links as the trainer's click does, then run the SMS job that the click
        asked to run after the commit (the request itself never waits on the provider)."""
        cron = self.env.ref("sms.ir_cron_sms_scheduler_action")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        session.action_send_remote_links()
        queued = self.env["sms.sms"].sudo().search([("state", "=", "outgoing")])
        if queued:
            self.assertGreater(Trigger.search_count([("cron_id", "=", cron.id)]), before)
            self.assertFalse(
                self._new_sms.filtered(lambda sms: sms.state != "outgoing"), "sent in the request"
            )
        self.env["sms.sms"].sudo()._process_queue()

    def _sms_of(self, partner):
        return self.env["sms.sms"].sudo().search([("partner_id", "=", partner.id)])

    def test_no_sms_unless_the_company_asks(self):
        session = self.make_session()
        with self.mockSMSGateway():
            self._send_links(session)
        self.assertFalse(self._new_sms)

    def test_links_sent_at_once_to_those_left_to_sign(self):
        self.company.az_remote_link_sms = True
        session = self.make_session()
        self.line_of(session, self.lucas).status = "absent"
        with self.mockSMSGateway():
            self._send_links(session.with_user(self.trainer))
        line = self.line_of(session, self.amina)
        # sent by the job right after the click (not left to the hourly queue), numbers in
        # international format
        self.assertSMS(
            self.amina, "+33611223344", "pending", content=f"/attendance/sign/{line._get_remote_token()}"
        )
        self.assertSMS(self.sofia, "+262692001122", "pending")
        self.assertEqual(len(self._new_sms), 2, "absent and no mobile number: no SMS")
        # the delivery state shows on the line
        self.env.invalidate_all()
        self.assertEqual(line.az_sms_state, "pending")
        self.assertFalse(self.line_of(session, self.lucas).az_sms_state)
        # the link in the SMS opens the signing page of this person only
        body = self._new_sms.filtered(lambda sms: sms.partner_id == self.amina).body
        token = body.split("/attendance/sign/")[1].split()[0]
        with freeze_time(self.day_start):
            self.assertEqual(self.env["az.attendance.line"]._get_line_from_token(token), line)

    def test_failures_show_on_the_line_and_bad_numbers_are_named(self):
        self.company.az_remote_link_sms = True
        self.lucas.mobile = "not a number"
        session = self.make_session()
        with self.mockSMSGateway(sim_error="wrong_number_format"):
            self._send_links(session)
        self.env.invalidate_all()
        self.assertEqual(self.line_of(session, self.amina).az_sms_state, "exception")
        self.assertIn("Lucas Martin", session.message_ids[0].body)
        self.assertFalse(self._sms_of(self.lucas))

    def test_sms_alone_when_nobody_has_an_email(self):
        self.company.az_remote_link_sms = True
        session = self.make_session(partners=self.sofia)
        with self.mockSMSGateway():
            self._send_links(session)
        self.assertSMS(self.sofia, "+262692001122", "pending")
        self.company.az_remote_link_sms = False
        other = self.make_session(partners=self.sofia, name="Sans e-mail")
        with self.assertRaisesRegex(UserError, "e-mail"):
            other.action_send_remote_links()

    def test_one_notice_names_both_channels(self):
        # the e-mail links and the SMS links go out in one click, and the notice says both
        self.company.az_remote_link_sms = True
        session = self.make_session()
        with self.mockSMSGateway():
            action = session.with_user(self.trainer).action_send_remote_links()
        message = action["params"]["message"]
        self.assertIn("2 signing link(s) sent.", message)
        self.assertIn("2 signing link(s) sent by SMS.", message)

    def test_the_sms_speaks_the_person_language_whoever_sends_it(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["az_attendance_sms"], ["fr_FR"])
        self.company.az_remote_link_sms = True
        self.amina.lang = "fr_FR"
        session = self.make_session()
        with self.mockSMSGateway():
            # sent by an English-speaking trainer
            session.with_user(self.trainer).with_context(lang="en_US").action_send_remote_links()
        body = self._new_sms.filtered(lambda sms: sms.partner_id == self.amina).body
        self.assertIn("signez la feuille d'émargement du 11/03/2025 09:00", body)
