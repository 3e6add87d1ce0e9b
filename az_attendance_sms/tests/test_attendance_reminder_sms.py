from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.az_attendance.tests.common import AttendanceCommon
from odoo.addons.sms.tests.common import SMSCase


@tagged("post_install", "-at_install")
class TestAttendanceReminderSms(SMSCase, AttendanceCommon):
    """The reminder job texts where the company asks for it, once per reminder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_attendance", "az_attendance_sms"], ["fr_FR"])
        cls.company.country_id = cls.env.ref("base.fr")
        cls.trainer.partner_id.write({"mobile": "06 55 44 33 22", "lang": "fr_FR"})
        cls.sofia.write({"mobile": "06 11 22 33 44", "email": False})

    def run_job(self, at):
        with freeze_time(at), self.mockSMSGateway():
            self.env["az.attendance.session"]._cron_send_reminders()
            self.env["sms.sms"].sudo()._process_queue()

    def test_the_trainer_is_texted_once_in_their_language_when_the_company_asks(self):
        session = self.make_session(hours=1)
        self.run_job(self.day_start + timedelta(minutes=1))
        self.assertFalse(self._new_sms, "no SMS unless the company asks for it")
        self.company.az_reminder_sms = True
        other = self.make_session(name="Atelier CV", start=self.day_start + timedelta(hours=1))
        self.run_job(self.day_start + timedelta(hours=1, minutes=1))
        self.assertSMS(
            self.trainer.partner_id, "+33655443322", "pending", content="Ouvrir la signature : Atelier CV"
        )
        self.run_job(self.day_start + timedelta(hours=1, minutes=6))
        self.assertFalse(self._new_sms, "the next run texts nothing more")
        self.assertFalse(
            self.env["sms.sms"].sudo().search([("body", "ilike", session.name), ("body", "not ilike", "CV")]),
            "the session reminded before the company asked is not texted afterwards",
        )
        self.assertTrue(other.reminder_ids)

    def test_a_remote_participant_without_email_gets_their_link_by_sms_once(self):
        self.company.az_remote_link_sms = True
        session = self.make_session()
        line = self.line_of(session, self.sofia)
        line.attends_remotely = True
        self.run_job(self.day_start + timedelta(minutes=31))
        self.assertSMS(
            self.sofia, "+33611223344", "pending", content=f"/attendance/sign/{line._get_remote_token()}"
        )
        self.run_job(self.day_start + timedelta(minutes=36))
        self.assertFalse(self._new_sms)
