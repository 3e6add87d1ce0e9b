from freezegun import freeze_time

from odoo.tests import tagged

from .common import AzBookingCommon, paris


@tagged("post_install", "-at_install")
class TestPortalReminders(AzBookingCommon):
    """Reminders go out ``reminder_hours`` before the appointment, once, never for a
    cancelled booking; moving the appointment re-arms them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_individual.reminder_hours = 24
        cls.type_workshop.reminder_hours = 2

    def reminders(self, booking):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "az.booking"),
                    ("res_id", "=", booking.id),
                    ("subject", "ilike", "reminder"),
                ]
            )
        )

    def run_cron(self):
        self.env["az.booking"]._cron_send_reminders()

    def test_reminder_sent_once_at_the_right_time(self):
        with freeze_time("2026-03-01 08:00:00"):
            booking = self._book(self.type_individual, paris(2026, 3, 3, 10))
            workshop = self._book(self.type_workshop, paris(2026, 3, 3, 14), person=self.person_2)
        with freeze_time("2026-03-02 08:00:00"):  # 25 hours before
            self.run_cron()
            self.assertFalse(booking.reminder_sent_datetime)
            self.assertFalse(self.reminders(booking))
        with freeze_time("2026-03-02 09:15:00"):  # 23h45 before
            self.run_cron()
            self.assertEqual(str(booking.reminder_sent_datetime), "2026-03-02 09:15:00")
            mail = self.reminders(booking)
            self.assertEqual(len(mail), 1)
            self.assertIn(booking.access_token, mail.body_html)
            self.assertEqual(mail.attachment_ids.mimetype, "text/calendar")
            self.assertFalse(workshop.reminder_sent_datetime, "its reminder is 2 hours before")
        with freeze_time("2026-03-02 09:30:00"):
            self.run_cron()
            self.assertEqual(len(self.reminders(booking)), 1, "sent once")
        with freeze_time("2026-03-03 11:30:00"):  # 1h30 before the workshop
            self.run_cron()
            self.assertTrue(workshop.reminder_sent_datetime)
            self.assertEqual(len(self.reminders(workshop)), 1)
        with freeze_time("2026-03-03 16:00:00"):  # after both: nothing more
            self.run_cron()
            self.assertEqual(len(self.reminders(booking)), 1)

    def test_no_reminder_for_cancelled_or_waiting_or_past(self):
        with freeze_time("2026-03-01 08:00:00"):
            cancelled = self._book(self.type_individual, paris(2026, 3, 3, 10))
            cancelled.action_cancel(cancel_by="person")
            self.type_workshop.capacity = 2
            seat = self._book(self.type_workshop, paris(2026, 3, 3, 14), person=self.person_2)
            self._book(self.type_workshop, paris(2026, 3, 3, 14), person=self.person)
            waiting = self._book(self.type_workshop, paris(2026, 3, 3, 14), person=self.person_3)
            self.assertEqual(waiting.state, "waiting")
        with freeze_time("2026-03-03 12:00:00"):  # an hour before the workshop
            self.run_cron()
        self.assertFalse(cancelled.reminder_sent_datetime)
        self.assertFalse(self.reminders(cancelled))
        self.assertFalse(waiting.reminder_sent_datetime)
        self.assertTrue(seat.reminder_sent_datetime)

    def test_moving_the_appointment_re_arms_the_reminder(self):
        with freeze_time("2026-03-01 08:00:00"):
            booking = self._book(self.type_individual, paris(2026, 3, 2, 10))
        with freeze_time("2026-03-01 10:00:00"):
            self.run_cron()
            self.assertTrue(booking.reminder_sent_datetime)
            booking.with_user(self.manager).write({"start": paris(2026, 3, 4, 10)})
            self.assertFalse(booking.reminder_sent_datetime)
        with freeze_time("2026-03-03 10:00:00"):
            self.run_cron()
            self.assertTrue(booking.reminder_sent_datetime)
            self.assertEqual(len(self.reminders(booking)), 2)

    def test_sensitive_type_never_named_in_the_reminder(self):
        self.type_individual.is_sensitive = True
        with freeze_time("2026-03-01 08:00:00"):
            booking = self._book(self.type_individual, paris(2026, 3, 2, 10))
        with freeze_time("2026-03-01 11:00:00"):
            self.run_cron()
        mail = self.reminders(booking)
        self.assertEqual(len(mail), 1)
        self.assertNotIn("Premier accueil", mail.subject + mail.body_html)
        self.assertNotIn(b"Premier accueil", mail.attachment_ids.raw)
