from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import AttendanceCommon, signature_data_uri


@tagged("post_install", "-at_install")
class TestAttendanceReminders(AttendanceCommon):
    """The reminder job: who receives what, when, once, and in which language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_attendance"], ["fr_FR"])
        cls.trainer.partner_id.lang = "en_US"
        cls.manager.partner_id.write({"lang": "fr_FR", "email": "mona@example.com"})
        cls.french_trainer = cls.trainer.copy(
            {"login": "az_att_trainer_fr", "name": "Hélène Formatrice", "email": "helene@example.com"}
        )
        cls.french_trainer.partner_id.lang = "fr_FR"

    def run_job(self, at):
        with freeze_time(at):
            self.env["az.attendance.session"]._cron_send_reminders()
            self.env.flush_all()

    def sign(self, line, method="kiosk"):
        with freeze_time(line.session_id.start + timedelta(minutes=5)):
            line._record_signature(signature_data_uri(), method)

    def mails_to(self, user_or_partner, session=None):
        partner = getattr(user_or_partner, "partner_id", user_or_partner)
        # the reminders themselves, not the notices of the activities they give
        domain = [("recipient_ids", "in", partner.ids), ("message_type", "!=", "user_notification")]
        if session:
            domain += [("model", "=", "az.attendance.session"), ("res_id", "=", session.id)]
        return self.env["mail.mail"].search(domain)

    def test_the_trainer_is_told_once_when_the_session_starts(self):
        session = self.make_session()
        self.run_job(self.day_start - timedelta(minutes=10))
        self.assertFalse(self.mails_to(self.trainer, session), "nothing before the start")
        self.run_job(self.day_start + timedelta(minutes=2))
        mail = self.mails_to(self.trainer, session)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Open signing: Atelier e-administration")
        self.assertIn(f"/attendance/kiosk/{session.id}", mail.body_html)
        self.assertIn("az_attendance_day_action", mail.body_html)
        activity = session.activity_ids.filtered(lambda a: a.user_id == self.trainer)
        self.assertEqual(activity.summary, "Open signing: Atelier e-administration")
        # the next runs of the job send nothing more
        self.run_job(self.day_start + timedelta(minutes=7))
        self.run_job(self.day_start + timedelta(minutes=12))
        self.assertEqual(len(self.mails_to(self.trainer, session)), 1)
        self.assertEqual(len(session.activity_ids.filtered(lambda a: a.user_id == self.trainer)), 1)

    def test_a_reminder_claimed_by_another_job_is_not_sent_again(self):
        session = self.make_session()
        Reminder = self.env["az.attendance.reminder"].sudo()
        self.assertTrue(Reminder._claim(session, "start"), "the first job claims the reminder")
        self.assertFalse(Reminder._claim(session, "start"), "a second job finds it claimed")
        self.run_job(self.day_start + timedelta(minutes=2))
        self.assertFalse(self.mails_to(self.trainer, session), "the job that lost the claim sends nothing")

    def test_no_reminder_for_a_cancelled_or_validated_sheet(self):
        cancelled = self.make_session(name="Atelier annulé")
        cancelled.action_cancel()
        validated = self.make_session(name="Atelier validé", start=self.day_start - timedelta(days=1))
        with freeze_time(validated.stop + timedelta(hours=1)):
            self.sign_all_and_validate(validated)
        for minutes in (2, 40, 24 * 60 + 10):
            self.run_job(self.day_start + timedelta(minutes=minutes))
        self.assertFalse(self.mails_to(self.trainer, cancelled))
        self.assertFalse(self.mails_to(self.manager, cancelled))
        self.assertFalse(self.mails_to(self.trainer, validated))
        self.assertFalse(cancelled.activity_ids | validated.activity_ids)
        self.assertFalse(
            self.env["az.attendance.reminder"].search([("session_id", "in", (cancelled | validated).ids)])
        )

    def test_the_trainer_learns_who_has_not_signed_after_the_company_delay(self):
        self.company.az_reminder_unsigned_minutes = 45
        session = self.make_session()
        self.sign(self.line_of(session, self.amina))
        self.run_job(self.day_start + timedelta(minutes=30))
        self.assertEqual(len(self.mails_to(self.trainer, session)), 1, "the start reminder only")
        self.run_job(self.day_start + timedelta(minutes=46))
        mail = self.mails_to(self.trainer, session).filtered(lambda m: m.subject.startswith("Not signed"))
        self.assertEqual(len(mail), 1)
        self.assertIn("Lucas Martin, Sofia Pereira", mail.body_html)
        self.assertNotIn("Amina", mail.body_html, "who has signed is not named")
        self.run_job(self.day_start + timedelta(minutes=51))
        self.assertEqual(len(self.mails_to(self.trainer, session)), 2)

    def test_nobody_is_reminded_of_a_sheet_everyone_signed(self):
        session = self.make_session()
        for line in session.line_ids:
            self.sign(line)
        self.run_job(self.day_start + timedelta(minutes=40))
        self.assertFalse(
            self.mails_to(self.trainer, session).filtered(lambda m: m.subject.startswith("Not signed"))
        )

    def test_remote_participants_get_their_link_once(self):
        session = self.make_session()
        self.line_of(session, self.lucas).attends_remotely = True
        amina = self.line_of(session, self.amina)
        amina.attends_remotely = True
        self.sign(amina, "remote")
        self.run_job(self.day_start + timedelta(minutes=31))
        self.run_job(self.day_start + timedelta(minutes=36))
        links = self.env["mail.mail"].search([("recipient_ids", "in", self.lucas.ids)])
        self.assertEqual(len(links), 1)
        self.assertIn("/attendance/sign/", links.body_html)
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.amina.ids)]), "Amina has signed"
        )
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.sofia.ids)]), "Sofia is in the room"
        )

    def test_an_unvalidated_sheet_is_reminded_the_next_morning_to_trainer_and_manager(self):
        session = self.make_session()
        # 07:30 Paris the next day: not yet; 08:05: the trainer and the project's manager
        self.run_job(self.day_start + timedelta(hours=22, minutes=30))
        self.assertFalse(self.mails_to(self.manager, session))
        self.run_job(self.day_start + timedelta(hours=23, minutes=5))
        self.run_job(self.day_start + timedelta(hours=23, minutes=10))
        to_trainer = self.mails_to(self.trainer, session).filtered(lambda m: "validate" in m.subject)
        self.assertEqual(to_trainer.subject, "Sheet to validate: Atelier e-administration")
        manager_mail = self.mails_to(self.manager, session)
        self.assertEqual(len(manager_mail), 1)
        self.assertEqual(manager_mail.subject, "Feuille à valider : Atelier e-administration")
        self.assertEqual(
            session.activity_ids.filtered(lambda a: a.user_id == self.manager).summary,
            "Valider la feuille : Atelier e-administration",
        )

    def test_each_trainer_reads_the_reminder_in_their_language(self):
        session = self.make_session()
        session.trainer_ids = [Command.set((self.trainer | self.french_trainer).ids)]
        self.run_job(self.day_start + timedelta(minutes=1))
        english = self.mails_to(self.trainer, session)
        french = self.mails_to(self.french_trainer, session)
        self.assertEqual(english.subject, "Open signing: Atelier e-administration")
        self.assertIn("starts now", english.body_html)
        self.assertEqual(french.subject, "Ouvrir la signature : Atelier e-administration")
        self.assertIn("commence maintenant", french.body_html)
        self.assertNotIn("starts now", french.body_html)
