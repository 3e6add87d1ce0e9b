from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AzBookingCommon, paris


@tagged("post_install", "-at_install")
@freeze_time("2026-02-27 10:00:00")
class TestWaitingList(AzBookingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_workshop.capacity = 2
        cls.start = paris(2026, 3, 2, 14)

    def test_full_workshop_puts_people_on_the_waiting_list_and_promotes_them(self):
        first = self._book(self.type_workshop, self.start, person=self.person)
        second = self._book(self.type_workshop, self.start, person=self.person_2)
        waiting = self._book(self.type_workshop, self.start, person=self.person_3,
                             as_user=self.staff_b)
        self.assertEqual((first.state, second.state, waiting.state),
                         ("confirmed", "confirmed", "waiting"))
        self.assertEqual(first.slot_id, waiting.slot_id)
        self.assertEqual(first.slot_id.seats_taken, 2)
        self.assertFalse(waiting.event_id, "a person waiting is not in the staff's calendar")
        self.assertEqual(first.event_id.partner_ids, self.staff_b.partner_id | self.person)

        first.with_user(self.staff_b).action_cancel(cancel_by="person", reason="Found a job")
        self.assertEqual(waiting.state, "confirmed")
        self.assertEqual(first.slot_id.seats_taken, 2)
        self.assertTrue(waiting.event_id.active)
        mails = self.env["mail.mail"].sudo().search([
            ("model", "=", "az.booking"), ("res_id", "=", waiting.id)])
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.person_3)
        self.assertIn("Atelier CV", mails.subject)
        self.assertIn("Lina Costa", mails.body_html)

    def test_no_waiting_list_when_asked_and_slot_locked_to_its_staff(self):
        self._book(self.type_workshop, self.start, person=self.person)
        self._book(self.type_workshop, self.start, person=self.person_2)
        with self.assertRaisesRegex(UserError, "This slot is no longer available"):
            self.env["az.booking"].with_context(az_booking_no_waiting=True).create({
                "type_id": self.type_workshop.id, "partner_id": self.person_3.id,
                "start": self.start,
            })
        slots = self.type_workshop._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 3))
        self.assertNotIn(self.start, [s["start"] for s in slots])
        full = self.type_workshop._get_free_slots(
            paris(2026, 3, 2), paris(2026, 3, 3), include_full=True)
        self.assertIn({"start": self.start, "stop": paris(2026, 3, 2, 16),
                       "user_ids": [self.staff_b.id], "seats_left": 0}, full)

    def test_sensitive_workshop_name_not_in_the_mail(self):
        self.type_workshop.is_sensitive = True
        first = self._book(self.type_workshop, self.start, person=self.person)
        self._book(self.type_workshop, self.start, person=self.person_2)
        waiting = self._book(self.type_workshop, self.start, person=self.person_3)
        first.action_cancel(reason="ill")
        mail = self.env["mail.mail"].sudo().search([
            ("model", "=", "az.booking"), ("res_id", "=", waiting.id)])
        self.assertEqual(len(mail), 1)
        self.assertNotIn("Atelier CV", mail.subject + mail.body_html)
        self.assertNotIn("Atelier CV", waiting.event_id.name)

    def test_cancelling_a_waiting_booking_promotes_nobody(self):
        self._book(self.type_workshop, self.start, person=self.person)
        self._book(self.type_workshop, self.start, person=self.person_2)
        waiting = self._book(self.type_workshop, self.start, person=self.person_3)
        waiting.action_cancel(cancel_by="person", reason="no longer needed")
        self.assertEqual(waiting.state, "cancelled")
        self.assertEqual(waiting.slot_id.seats_taken, 2)
