"""Messages of a booking by SMS, for people without e-mail, through Odoo's SMS path."""

from contextlib import contextmanager
from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.tests import tagged

from odoo.addons.az_booking.tests.portal_common import AzBookingPortalCommon
from odoo.addons.sms.tests.common import MockSMS

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@tagged("post_install", "-at_install")
class TestBookingSms(AzBookingPortalCommon, MockSMS):
    def setUp(self):
        super().setUp()
        self.company.country_id = self.env.ref("base.fr")

    @contextmanager
    def mockSMSGateway(self, **kwargs):
        """Odoo's SMS gateway mock, running the SMS queue (woken by each message) before
        it closes."""
        with super().mockSMSGateway(**kwargs):
            self._in_sms_gateway = True
            try:
                yield
                self.send_queued_sms()
            finally:
                self._in_sms_gateway = False

    def send_queued_sms(self):
        """What the SMS queue job does once woken: send the queued SMS."""
        self.env["sms.sms"].sudo()._process_queue()

    def sms_to(self, number):
        """Bodies of the SMS sent to ``number`` (written as Odoo's phone helpers do), once
        the SMS queue has run."""
        if getattr(self, "_in_sms_gateway", False):
            self.send_queued_sms()
        number = self.e164(number)
        return [sms["body"] for sms in self._sms if sms["number"] == number]

    def test_phone_only_booking_gets_its_confirmation_and_link_by_sms(self):
        slot = self.free_slots(self.type_individual)[0]
        url = f"/booking/{self.type_individual.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        with self.mockSMSGateway():
            response = self.url_open(
                url, data=self.form_data(slot, self.csrf_from(form), email="", phone="06 12 34 56 78")
            )
            self.assertFalse(self._sms, "queued: the request does not wait on the SMS provider")
            sms_queue = self.env.ref("sms.ir_cron_sms_scheduler_action")
            self.assertTrue(
                self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", sms_queue.id)]),
                "the SMS queue is woken up right after the booking",
            )
        self.assertEqual(response.status_code, 200)
        # the page says where the confirmation went: by SMS, not by an e-mail never sent
        sent_by = html.fromstring(response.content).xpath(
            "string(//*[contains(@class, 'o_az_booking_sent_by')])"
        )
        self.assertIn("has been sent to you by SMS", sent_by)
        self.assertNotIn("e-mail", sent_by)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        bodies = self.sms_to("06 12 34 56 78")
        self.assertEqual(len(bodies), 1, self._sms)
        self.assertIn(booking.name, bodies[0])
        self.assertIn(f"/my/bookings/{booking.id}?access_token={booking.access_token}", bodies[0])
        self.assertNotRegex(bodies[0], r"\d{2}:\d{2}:\d{2}")
        self.assertIn(booking.when_label, bodies[0])
        # sent by the queue right after the booking, and logged on the booking
        self.assertTrue(booking.message_ids.filtered(lambda m: m.message_type == "sms"))

    def test_sensitive_type_is_never_named_by_sms(self):
        slot = self.free_slots(self.type_sensitive)[0]
        person = self.env["res.partner"].create({"name": "Sans mail", "mobile": "0611223344"})
        with self.mockSMSGateway():
            booking = self.book_directly(self.type_sensitive, slot, person)
            booking._send_portal_notification("confirmation")
        bodies = self.sms_to("0611223344")
        self.assertEqual(len(bodies), 1)
        self.assertNotIn("Suivi addictologie", bodies[0])
        self.assertIn("Appointment", bodies[0])

    def test_staff_booking_on_behalf_notifies_the_person_unless_unticked(self):
        slots = self.free_slots(self.type_individual)
        person = self.env["res.partner"].create({"name": "Omar", "mobile": "+33 6 55 44 33 22"})
        staff_env = self.env(user=self.staff)
        for notify, slot in ((True, slots[0]), (False, slots[2])):
            wizard = staff_env["az.booking.book.wizard"].create(
                {
                    "type_id": self.type_individual.id,
                    "partner_id": person.id,
                    "consent": True,
                    "notify": notify,
                    "date_from": slot["start"].date(),
                    "date_to": slot["start"].date(),
                }
            )
            wizard.action_search_slots()
            line = wizard.line_ids.filtered(lambda line, s=slot: line.start == s["start"])
            with self.mockSMSGateway():
                line.action_book()
            self.assertEqual(len(self.sms_to("+33 6 55 44 33 22")), 1 if notify else 0, notify)
        bookings = self.env["az.booking"].sudo().search([("partner_id", "=", person.id)])
        self.assertEqual(len(bookings), 2)
        self.assertTrue(all(bookings.mapped("consent_datetime")), "the consent is recorded")

    def test_promoted_waiting_list_person_gets_a_seat_message(self):
        slot = self.free_slots(self.type_workshop)[0]
        people = self.env["res.partner"].create(
            [
                {"name": "Un", "email": "un@example.com"},
                {"name": "Deux", "email": "deux@example.com"},
                {"name": "Trois", "mobile": "0622334455"},
            ]
        )
        seats = [self.book_directly(self.type_workshop, slot, p) for p in people[:2]]
        with self.mockSMSGateway():
            waiting = self.book_directly(self.type_workshop, slot, people[2])
            self.assertEqual(waiting.state, "waiting")
            waiting._send_portal_notification("confirmation")
            self.assertIn("waiting list", self.sms_to("0622334455")[0])
            self.assertIn("number 1", self.sms_to("0622334455")[0])
            seats[0].action_cancel()
        self.assertEqual(waiting.state, "confirmed")
        bodies = self.sms_to("0622334455")
        self.assertEqual(len(bodies), 2)
        self.assertIn("it is now yours", bodies[1])

    def test_reminder_by_sms_without_e_mail_or_when_the_type_asks(self):
        slot = self.free_slots(self.type_individual, days=3)[0]
        no_mail = self.env["res.partner"].create({"name": "Sans", "mobile": "0633445566"})
        with_mail = self.env["res.partner"].create(
            {"name": "Avec", "email": "avec@example.com", "mobile": "0644556677"}
        )
        booking = self.book_directly(self.type_individual, slot, no_mail)
        with self.mockSMSGateway():
            booking._send_portal_notification("reminder")
            self.assertEqual(len(self.sms_to("0633445566")), 1)
            other = self.book_directly(self.type_sensitive, slot, with_mail)
            other._send_portal_notification("reminder")
            self.assertFalse(self.sms_to("0644556677"), "e-mail only by default")
            self.type_sensitive.sms_reminder = True
            other._send_portal_notification("reminder")
            self.assertEqual(len(self.sms_to("0644556677")), 1)
        self.assertIn("Reminder", self.sms_to("0633445566")[0])

    def test_occurrence_cancelled_or_moved_reaches_people_without_e_mail_by_sms(self):
        occurrence, later = self.workshop_occurrences.sorted("start")[2:4]
        slot = {"start": occurrence.start, "stop": occurrence.stop}
        people = self.env["res.partner"].create(
            [
                {"name": "Avec mail", "email": "avec.mail@example.com", "mobile": "0611111111"},
                {"name": "Sans mail", "mobile": "0622222222"},
                {"name": "En attente", "mobile": "0633333333"},
            ]
        )
        for person in people:
            self.book_directly(self.type_workshop, slot, person)
        self.assertEqual(occurrence.waiting_count, 1)
        with self.mockSMSGateway():
            occurrence.start = later.start - timedelta(hours=3)
        moved = self.sms_to("0622222222")
        self.assertEqual(len(moved), 1)
        self.assertIn("new time", moved[0])
        self.assertIn(occurrence.booking_ids[:1].when_label, moved[0])
        self.assertEqual(len(self.sms_to("0633333333")), 1, "the waiting list is told too")
        self.assertFalse(self.sms_to("0611111111"), "e-mail for those who gave one")
        with self.mockSMSGateway():
            occurrence.action_cancel("Animatrice malade")
        for number in ("0622222222", "0633333333"):
            bodies = self.sms_to(number)
            self.assertEqual(len(bodies), 1, number)
            self.assertIn("is cancelled (Animatrice malade)", bodies[0])
        self.assertFalse(self.sms_to("0611111111"))

    def test_series_dates_reach_a_person_without_e_mail_in_one_sms(self):
        person = self.env["res.partner"].create({"name": "Suivi", "mobile": "0644444444"})
        first_day = fields.Date.context_today(self.type_individual) + timedelta(days=2)
        wizard = (
            self.env["az.booking.series.wizard"]
            .with_user(self.staff)
            .create(
                {
                    "type_id": self.type_individual.id,
                    "partner_id": person.id,
                    "user_id": self.staff.id,
                    "date_from": first_day,
                    WEEKDAYS[first_day.weekday()]: True,
                    "hour": 11.0,
                    "count": 3,
                }
            )
        )
        with self.mockSMSGateway():
            wizard.action_book()
        bookings = wizard.series_id.booking_ids
        self.assertEqual(len(bookings), 3)
        bodies = self.sms_to("0644444444")
        self.assertEqual(len(bodies), 1, "one message for the whole series")
        for booking in bookings:
            self.assertIn(booking.when_label, bodies[0])
            self.assertIn(booking.access_token, bodies[0])

    def test_sms_speak_the_language_of_the_person(self):
        """Booked in English (a staff member's screen, an English page) for a person whose
        contact is French: the reminder SMS, sent by the job, is French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["az_booking", "az_booking_sms"], ["fr_FR"])
        slot = self.free_slots(self.type_individual, days=3)[1]
        person = self.env["res.partner"].create(
            {"name": "Inès Robert", "mobile": "0655667788", "lang": "fr_FR"}
        )
        booking = self.book_directly(self.type_individual, slot, person)
        booking.lang = "en_US"
        with self.mockSMSGateway():
            booking.with_context(lang="en_US")._cron_send_reminders()
        bodies = self.sms_to("0655667788")
        self.assertEqual(len(bodies), 1, self._sms)
        self.assertTrue(bodies[0].startswith("Rappel : Premier accueil le "), bodies[0])
        self.assertIn(booking.type_id._format_day(booking.start, lang="fr_FR"), bodies[0])

    def test_an_earlier_time_and_the_video_link_reach_a_person_without_email_by_sms(self):
        self.type_individual.write(
            {"earlier_offers": True, "earlier_offer_stop_days": 0, "location_format": "video"}
        )
        slots = self.free_slots(self.type_individual)
        person = self.env["res.partner"].create({"name": "Sans mail", "mobile": "0611223355"})
        booking = self.book_directly(self.type_individual, slots[5], person)
        booking._set_wants_earlier(True)
        with self.mockSMSGateway():
            booking._send_portal_notification("confirmation")
            booking._send_portal_notification("reminder")
            offers = self.env["az.booking"]._cron_offer_earlier_times()
        self.assertEqual(len(offers), 1)
        bodies = self.sms_to("06 11 22 33 55")
        self.assertEqual(len(bodies), 3, bodies)
        confirmation, reminder, offer = bodies
        self.assertIn(booking.video_url, confirmation)
        self.assertIn(booking.video_url, reminder)
        self.assertIn(f"/booking/offer/{offers.id}?token={offers.sudo().token}", offer)
        self.assertIn(booking._get_when_label(offers.start), offer)
