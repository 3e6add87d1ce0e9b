from lxml import html

from odoo.tests import tagged

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestPortalWords(AzBookingPortalCommon):
    """Each page says what happened and what to do next, in the words and formats of the
    reader's language; each message speaks the language of its recipient."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lang_fr = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_booking"], ["fr_FR"])
        website = cls.env["website"].get_current_website()
        website.language_ids = [(4, lang_fr.id)]

    def text_of(self, doc, xpath="//main"):
        return " ".join(doc.xpath(f"string({xpath})").split())

    # ------------------------------------------------------------------------------------
    def test_durations_read_as_hours_and_minutes_in_the_page_language(self):
        self.type_individual.duration = 1.5
        _response, doc = self.get_doc("/fr/booking")
        cards = self.text_of(doc)
        self.assertIn("Durée : 1 h 30", cards)
        self.assertIn("Durée : 2 h", cards, "the two-hour workshop")
        self.assertNotIn("1:30", cards)
        self.assertNotIn("2:00", cards)
        _response, doc = self.get_doc(f"/fr/booking/{self.type_individual.id}")
        self.assertIn("Durée : 1 h 30", self.text_of(doc))
        self.opener.cookies.set("frontend_lang", None)  # the French pages' language choice
        _response, doc = self.get_doc("/booking")
        self.assertIn("Duration: 1 h 30 min", self.text_of(doc))

    def test_a_cancelled_appointment_link_says_so_and_gives_the_phone(self):
        slot = self.free_slots(self.type_individual)[0]
        booking = self.book_directly(self.type_individual, slot, self.portal_user.partner_id)
        url = self.manage_url(booking)
        booking.action_cancel(cancel_by="service", reason="Conseillère absente")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 410)
        doc = html.fromstring(response.content)
        self.assertEqual(self.text_of(doc, "//main//h1"), "Appointment cancelled")
        text = self.text_of(doc)
        self.assertIn(f"This appointment (reference {booking.name}) has been cancelled", text)
        self.assertNotIn("not valid", text)
        self.assertIn("call +33 5 56 00 00 00", text)
        self.assertEqual(doc.xpath("//main//a[starts-with(@href, 'tel:')]/@href"), ["tel:+33556000000"])
        self.assertNotIn("Conseillère absente", text, "nothing else of the booking")
        # nothing can be done through it any more
        for suffix in ("/cancel", "/reschedule", "/appointment.ics"):
            response = self.url_open(self.manage_url(booking, suffix))
            self.assertEqual(response.status_code, 410, suffix)
        # in the language the person booked in
        booking.lang = "fr_FR"
        response = self.url_open(url)
        self.assertIn("a été annulé", response.text)
        self.assertIn("+33 5 56 00 00 00", response.text)

    def test_an_invalid_or_expired_link_gives_the_phone(self):
        slot = self.free_slots(self.type_individual)[0]
        booking = self.book_directly(self.type_individual, slot, self.portal_user.partner_id)
        booking._portal_ensure_token()
        response = self.url_open(f"/my/bookings/{booking.id}?access_token={'x' * 32}")
        self.assertEqual(response.status_code, 404)
        text = self.text_of(html.fromstring(response.content))
        self.assertIn("This link is not valid or has expired", text)
        self.assertIn("call +33 5 56 00 00 00", text)
        self.assertNotIn(booking.name, text)
        # no phone known: the structure's name, never "call us" with no number
        self.company.phone = False
        response = self.url_open(f"/my/bookings/{booking.id}?access_token={'x' * 32}")
        text = self.text_of(html.fromstring(response.content))
        self.assertIn(f"please contact {self.company.name}", text)

    def test_the_confirmation_page_says_the_message_went_by_email(self):
        slot = self.free_slots(self.type_individual)[1]
        url = f"/booking/{self.type_individual.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        response = self.url_open(url, data=self.form_data(slot, self.csrf_from(form)))
        self.assertEqual(response.status_code, 200)
        done = self.text_of(html.fromstring(response.content), "//*[contains(@class, 'o_az_booking_done')]")
        self.assertIn("Your appointment is booked.", done)
        self.assertIn("sent to you by e-mail", done)

    def test_the_waiting_list_page_shows_the_person_position(self):
        slot = self.free_slots(self.type_workshop)[0]
        others = self.env["res.partner"].create([{"name": f"Personne {i}"} for i in range(3)])
        for partner in others:
            self.book_directly(self.type_workshop, slot, partner)
        self.assertEqual(
            self.env["az.booking"].sudo().search([("partner_id", "=", others[2].id)]).state, "waiting"
        )
        url = f"/booking/{self.type_workshop.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        submit = self.text_of(form, "//main//button[@type='submit']")
        self.assertEqual(submit, "Join the waiting list")
        response = self.url_open(url, data=self.form_data(slot, self.csrf_from(form), waiting_list="1"))
        doc = html.fromstring(response.content)
        self.assertIn(
            "You are number 2 on the waiting list",
            self.text_of(doc, "//*[contains(@class, 'o_az_booking_done')]"),
        )
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.state, "waiting")
        # the page of the personal link keeps saying it
        _response, doc = self.get_doc(self.manage_url(booking))
        self.assertEqual(
            self.text_of(doc, "//*[contains(@class, 'o_az_waiting_position')]"),
            "You are number 2 on the waiting list.",
        )

    def test_a_full_occurrence_looks_full_in_french(self):
        slot = self.free_slots(self.type_workshop)[0]
        for partner in (self.portal_user.partner_id, self.portal_user_2.partner_id):
            self.book_directly(self.type_workshop, slot, partner)
        _response, doc = self.get_doc(
            f"/fr/booking/{self.type_workshop.id}?week={slot['start'].date().isoformat()}"
        )
        full = doc.xpath("//main//*[contains(@class, 'o_az_slot_full')]")[0]
        self.assertNotEqual(full.tag, "a")
        self.assertIn("disabled", full.get("class"))
        self.assertIn("Complet", full.text_content())
        self.assertFalse(full.xpath(".//a"))

    def test_the_workshop_form_says_it_books_a_seat(self):
        slot = self.free_slots(self.type_workshop)[0]
        _response, doc = self.get_doc(
            f"/fr/booking/{self.type_workshop.id}/book?start={self.start_param(slot['start'])}"
        )
        submit = self.text_of(doc, "//main//button[@type='submit']")
        self.assertNotIn("rendez-vous", submit)
        self.assertIn("place", submit)
        slot = self.free_slots(self.type_individual)[0]
        _response, doc = self.get_doc(
            f"/fr/booking/{self.type_individual.id}/book?start={self.start_param(slot['start'])}"
        )
        self.assertEqual(self.text_of(doc, "//main//button[@type='submit']"), "Confirmer mon rendez-vous")

    def test_the_current_time_is_said_at_present_not_from_now_on(self):
        slot = self.free_slots(self.type_individual)[3]
        booking = self.book_directly(self.type_individual, slot, self.portal_user.partner_id)
        booking.lang = "fr_FR"
        _response, doc = self.get_doc(self.manage_url(booking, "/reschedule"))
        text = self.text_of(doc)
        self.assertIn("Votre rendez-vous actuellement :", text)
        self.assertNotIn("désormais", text)

    def test_messages_follow_the_language_of_the_person(self):
        """A booking made on the English page, or by English-speaking staff, for a person
        whose contact is French: the person reads French."""
        slot = self.free_slots(self.type_individual)[2]
        person = self.env["res.partner"].create(
            {"name": "Marie Lefèvre", "email": "marie.lefevre@example.com", "lang": "fr_FR"}
        )
        booking = self.book_directly(self.type_individual, slot, person)
        booking.lang = "en_US"
        booking.with_context(lang="en_US")._send_portal_notification("reminder")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "az.booking"), ("res_id", "=", booking.id)], order="id desc", limit=1)
        )
        self.assertIn("Rappel : votre rendez-vous du", mail.subject)
        self.assertIn("Bonjour", mail.body_html)
        self.assertIn("heure de Paris", mail.body_html)
        day = booking.type_id._format_day(booking.start, lang="fr_FR")
        self.assertIn(day, mail.subject, "the day in French words")
        self.assertNotIn("Reminder", mail.subject)

    def test_staff_read_the_website_booking_in_the_company_language(self):
        self.company.partner_id.lang = "fr_FR"
        slot = self.free_slots(self.type_individual)[1]
        url = f"/booking/{self.type_individual.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        self.url_open(url, data=self.form_data(slot, self.csrf_from(form)))
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.lang, "en_US", "booked on the English page")
        bodies = " ".join(booking.message_ids.mapped("body"))
        self.assertIn("Réservé depuis le site web.", bodies)
        self.assertNotIn("Booked from the website.", bodies)
