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
        waiting = self._book(self.type_workshop, self.start, person=self.person_3, as_user=self.staff_b)
        self.assertEqual((first.state, second.state, waiting.state), ("confirmed", "confirmed", "waiting"))
        self.assertEqual(first.occurrence_id, waiting.occurrence_id)
        self.assertEqual(first.occurrence_id.seats_taken, 2)
        occurrence = first.occurrence_id
        self.assertFalse(waiting.event_id, "a seat has no event of its own")
        self.assertFalse(first.event_id, "a seat has no event of its own")
        # one event for the occurrence: the facilitator and the participants, not the person
        # waiting; the title counts the seats
        self.assertEqual(
            occurrence.event_id.partner_ids, self.staff_b.partner_id | self.person | self.person_2
        )
        self.assertIn("(2/2)", occurrence.event_id.name)
        self.assertEqual(occurrence.state, "full")
        self.assertEqual(occurrence.waiting_count, 1)

        first.with_user(self.staff_b).action_cancel(cancel_by="person", reason="Found a job")
        self.assertEqual(waiting.state, "confirmed")
        self.assertEqual(first.occurrence_id.seats_taken, 2)
        self.assertEqual(
            occurrence.event_id.partner_ids, self.staff_b.partner_id | self.person_2 | self.person_3
        )
        mails = (
            self.env["mail.mail"].sudo().search([("model", "=", "az.booking"), ("res_id", "=", waiting.id)])
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.person_3)
        self.assertIn("Atelier CV", mails.subject)
        self.assertIn("Lina Costa", mails.body_html)

    def test_no_waiting_list_when_asked_and_slot_locked_to_its_staff(self):
        self._book(self.type_workshop, self.start, person=self.person)
        self._book(self.type_workshop, self.start, person=self.person_2)
        with self.assertRaisesRegex(UserError, "This slot is no longer available"):
            self.env["az.booking"].with_context(az_booking_no_waiting=True).create(
                {
                    "type_id": self.type_workshop.id,
                    "partner_id": self.person_3.id,
                    "start": self.start,
                }
            )
        slots = self.type_workshop._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 3))
        self.assertNotIn(self.start, [s["start"] for s in slots])
        full = self.type_workshop._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 3), include_full=True)
        self.assertIn(
            (self.start, paris(2026, 3, 2, 16), [self.staff_b.id], 0),
            [(s["start"], s["stop"], s["user_ids"], s["seats_left"]) for s in full],
        )

    def test_sensitive_workshop_name_not_in_the_mail(self):
        self.type_workshop.is_sensitive = True
        first = self._book(self.type_workshop, self.start, person=self.person)
        self._book(self.type_workshop, self.start, person=self.person_2)
        waiting = self._book(self.type_workshop, self.start, person=self.person_3)
        first.action_cancel(reason="ill")
        mail = (
            self.env["mail.mail"].sudo().search([("model", "=", "az.booking"), ("res_id", "=", waiting.id)])
        )
        self.assertEqual(len(mail), 1)
        self.assertNotIn("Atelier CV", mail.subject + mail.body_html)
        self.assertNotIn("Atelier CV", waiting.occurrence_id.event_id.name)

    def test_cancelling_a_waiting_booking_promotes_nobody(self):
        self._book(self.type_workshop, self.start, person=self.person)
        self._book(self.type_workshop, self.start, person=self.person_2)
        waiting = self._book(self.type_workshop, self.start, person=self.person_3)
        waiting.action_cancel(cancel_by="person", reason="no longer needed")
        self.assertEqual(waiting.state, "cancelled")
        self.assertEqual(waiting.occurrence_id.seats_taken, 2)

    def test_waiting_list_message_is_honest_and_the_promotion_says_the_seat_is_theirs(self):
        first = self._book(self.type_workshop, self.start, person=self.person)
        self._book(self.type_workshop, self.start, person=self.person_2)
        waiting = self._book(self.type_workshop, self.start, person=self.person_3)
        behind = self._book(
            self.type_workshop,
            self.start,
            person=self.env["res.partner"].create({"name": "Nora Behind", "email": "nora@example.com"}),
        )
        self.assertEqual((waiting.waiting_position, behind.waiting_position), (1, 2))
        (waiting | behind)._send_portal_notification("confirmation")
        mail = self.env["mail.mail"].sudo().search([("model", "=", "az.booking"), ("res_id", "=", behind.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn("waiting list", mail.subject)
        self.assertNotIn("Your appointment", mail.subject)
        body = " ".join(mail.body_html.split())
        self.assertIn("number 2", body.replace("<strong>", "").replace("</strong>", ""))
        self.assertIn("You do not have a seat yet", body)
        self.assertFalse(mail.attachment_ids, "no calendar file while waiting")
        # a seat frees: the first person waiting gets a message saying it is theirs
        first.action_cancel(cancel_by="person", reason="Found a job")
        promoted = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "az.booking"), ("res_id", "=", waiting.id)], order="id desc", limit=1)
        )
        self.assertIn("A seat is now yours", promoted.subject)
        self.assertIn("it is now yours", promoted.body_html)
        self.assertIn(b"METHOD:REQUEST", promoted.attachment_ids.raw)
        self.assertIn(b"STATUS:CONFIRMED", promoted.attachment_ids.raw)
        self.assertEqual(behind.waiting_position, 1)
