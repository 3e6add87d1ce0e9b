from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import AzBookingPortalCommon

# what a person reads when a personal link no longer opens their booking
LINK_NOT_VALID = "This link is not valid or has expired."


@tagged("post_install", "-at_install")
class TestPortalPublicPages(AzBookingPortalCommon):
    def test_list_shows_published_types_of_the_company_with_neutral_names(self):
        other_company = self.env["res.company"].create({"name": "Autre structure"})
        other_project = self.env["project.project"].create(
            {"name": "Projet ailleurs", "company_id": other_company.id}
        )
        self.env["az.booking.type"].create(
            {
                "name": "Type d'une autre structure",
                "project_id": other_project.id,
                "company_id": other_company.id,
                "is_published": True,
                "tz": "Europe/Paris",
            }
        )
        response, doc = self.get_doc("/booking")
        text = response.text
        self.assertIn("Premier accueil", text)
        self.assertIn("Atelier numérique", text)
        self.assertIn("Accueil et orientation", doc.xpath("string(//main//h2)"))
        self.assertNotIn("Entretien interne", text)
        self.assertNotIn("Suivi addictologie", text, "a sensitive type keeps its neutral name")
        self.assertNotIn("Type d'une autre structure", text)
        self.assertIn(f'href="{self.type_individual.website_url}"', text)

    def test_type_page_lists_free_slots_as_labelled_links(self):
        slots = self.free_slots(self.type_individual)
        first = slots[0]
        monday = (first["start"] + timedelta(hours=2)).date()
        _response, doc = self.get_doc(f"/booking/{self.type_individual.id}?week={monday.isoformat()}")
        links = doc.xpath("//main//a[contains(@class, 'o_az_slot')]")
        self.assertTrue(links)
        hrefs = [link.get("href") for link in links]
        self.assertIn(
            f"{self.type_individual.website_url}/book?start={self.start_param(first['start'])}", hrefs
        )
        label = links[0].text_content().strip()
        self.assertTrue(label.startswith("Book "), label)
        # the time zone is said as people say it
        self.assertIn("Times shown: Paris time", " ".join(doc.text_content().split()))
        self.assertNotIn("Europe/Paris", doc.text_content())

    def test_workshop_page_shows_seats_then_waiting_list(self):
        slot = self.free_slots(self.type_workshop)[0]
        url = f"/booking/{self.type_workshop.id}?week={slot['start'].date().isoformat()}"
        _response, doc = self.get_doc(url)
        self.assertIn("Seats left: 2", " ".join(doc.text_content().split()))
        for partner in (self.portal_user.partner_id, self.portal_user_2.partner_id):
            self.book_directly(self.type_workshop, slot, partner)
        _response, doc = self.get_doc(url)
        # the full occurrence looks full and cannot be booked: its waiting list is a link apart
        full = doc.xpath("//main//*[contains(@class, 'o_az_slot_full')]")
        self.assertTrue(full)
        self.assertEqual(full[0].tag, "span", "not a link")
        self.assertIn("disabled", full[0].get("class"))
        self.assertEqual(full[0].get("aria-disabled"), "true")
        self.assertIn("Full up", full[0].text_content())
        waiting = doc.xpath("//main//a[contains(@class, 'o_az_slot_waiting')]")
        self.assertIn("Join the waiting list", waiting[0].text_content())
        # joining the waiting list of the full occurrence
        _response, form = self.get_doc(waiting[0].get("href"))
        self.assertIn("Join the waiting list", form.xpath("string(//main//h1)"))
        before = self.counts()
        response = self.url_open(
            f"/booking/{self.type_workshop.id}/book",
            data=self.form_data(slot, self.csrf_from(form), waiting_list="1"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts()[0], before[0] + 1)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.state, "waiting")

    def test_unknown_unpublished_or_foreign_types_are_404(self):
        for type_id in (999999999, self.type_hidden.id, 0):
            for path in ("", "/book?start=2030-01-01T09:00"):
                response = self.url_open(f"/booking/{type_id}{path}")
                self.assertEqual(response.status_code, 404, (type_id, path))
        response = self.url_open(f"/booking/{self.type_hidden.id}")
        self.assertIn("cannot be booked online", response.text)

    def test_malformed_week_is_a_clear_400(self):
        for week in (
            "2026-13-45",
            "yesterday",
            "2026-02-30",
            "9" * 500,
            "\u0662\u0660\u0662\u0666-\u0660\u0663-\u0660\u0662",
        ):
            response = self.url_open(f"/booking/{self.type_individual.id}?week={week}")
            self.assertEqual(response.status_code, 400, week)
            self.assertIn("not a valid date", response.text)
        # valid but far away: the page stays within the booking window
        for week in ("9999-12-31", "0001-01-01"):
            response = self.url_open(f"/booking/{self.type_individual.id}?week={week}")
            self.assertEqual(response.status_code, 200, week)

    def test_book_as_visitor_creates_booking_partner_mail_and_manage_link(self):
        slot = self.free_slots(self.type_individual)[1]
        _response, form = self.get_doc(
            f"/booking/{self.type_individual.id}/book?start={self.start_param(slot['start'])}"
        )
        self.assertEqual(len(form.xpath("//main//form[@method='post']")), 1)
        before = self.counts()
        response = self.url_open(
            f"/booking/{self.type_individual.id}/book", data=self.form_data(slot, self.csrf_from(form))
        )
        self.assertEqual(response.status_code, 200)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertIn(f"/my/bookings/{booking.id}?access_token={booking.access_token}", response.url)
        self.assertIn("Your appointment is booked", response.text)
        self.assertEqual(self.counts(), (before[0] + 1, before[1] + 1, before[2] + 2))
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.partner_id.email, "samia.haddad@example.com")
        self.assertEqual(booking.booked_by_kind, "self")
        self.assertEqual(booking.start, slot["start"])
        self.assertEqual(booking.user_id, self.staff)
        self.assertTrue(booking.consent_datetime)
        self.assertTrue(booking.event_id, "the staff member's calendar shows it")
        self.assertEqual(sorted(booking.answer_ids.mapped("display_value")), ["No", "Trouver une formation"])
        mail = (
            self.env["mail.mail"].sudo().search([("model", "=", "az.booking"), ("res_id", "=", booking.id)])
        )
        mail = mail.filtered(lambda m: booking.partner_id in m.recipient_ids)
        self.assertEqual(len(mail), 1)
        self.assertIn(booking.access_token, mail.body_html)
        self.assertEqual(mail.attachment_ids.mimetype, "text/calendar")
        self.assertIn(b"BEGIN:VEVENT", mail.attachment_ids.raw)
        self.assertIn(b"METHOD:REQUEST", mail.attachment_ids.raw)
        # the .ics of the manage page
        ics = self.url_open(self.manage_url(booking, "/appointment.ics"))
        self.assertEqual(ics.status_code, 200)
        self.assertIn("text/calendar", ics.headers["Content-Type"])
        self.assertIn(slot["start"].strftime("DTSTART:%Y%m%dT%H%M%SZ"), ics.text)

    def test_typed_address_of_a_known_contact_reveals_nothing_of_theirs(self):
        """A visitor types Paul's e-mail under another name: the pages and messages show
        what was typed; the booking reaches Paul's account only once the link sent to his
        address confirms it is his."""
        slot = self.free_slots(self.type_individual)[0]
        paul = self.portal_user_2.partner_id
        paul.phone = "+33 6 99 88 77 66"
        _response, form = self.get_doc(
            f"/booking/{self.type_individual.id}/book?start={self.start_param(slot['start'])}"
        )
        before = self.counts()
        response = self.url_open(
            f"/booking/{self.type_individual.id}/book",
            data=self.form_data(
                slot, self.csrf_from(form), name="Someone Else", email="PAUL.portail@example.com", phone=""
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts()[:2], (before[0] + 1, before[1] + 1))
        self.assertIn("Someone Else", response.text)
        for stored in ("Paul Portail", "99 88 77 66", "+33699887766"):
            self.assertNotIn(stored, response.text)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertNotEqual(booking.partner_id, paul)
        self.assertEqual(booking.partner_id.name, "Someone Else")
        self.assertEqual(booking.claim_partner_id, paul)
        self.assertEqual(paul.name, "Paul Portail")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "az.booking"),
                    ("res_id", "=", booking.id),
                    ("recipient_ids", "in", booking.partner_id.ids),
                ]
            )
        )
        self.assertEqual(len(mail), 1)
        self.assertNotIn("Paul Portail", mail.body_html)
        self.assertIn("claim=", mail.body_html)
        # Paul's account does not show it
        self.authenticate("az_portal_paul", "az_portal_paul")
        _response, doc = self.get_doc("/my/bookings")
        self.assertNotIn(
            f"/my/bookings/{booking.id}", doc.xpath("//a[contains(@class, 'o_az_my_booking_link')]/@href")
        )
        response = self.url_open(f"/my/bookings/{booking.id}")
        self.assertEqual(response.status_code, 404)
        self.assertIn(LINK_NOT_VALID, response.text)
        # the link of the e-mail sent to Paul's address offers to add it to his account
        claim_url = booking.claim_url
        self.assertIn(claim_url.replace("&", "&amp;"), mail.body_html)
        _response, page = self.get_doc(claim_url.replace(booking.get_base_url(), ""))
        # a forged proof moves nothing; the manage link alone does not offer it
        response = self.url_open(
            self.manage_url(booking, "/claim"), data={"csrf_token": self.csrf_from(page), "claim": "f" * 64}
        )
        self.assertEqual(response.status_code, 404)
        self.assertIn(LINK_NOT_VALID, response.text)
        self.assertNotEqual(booking.partner_id, paul)
        _response, plain = self.get_doc(self.manage_url(booking))
        self.assertIn(booking.name, plain.text_content(), "the manage link shows the booking")
        self.assertNotIn("Yes, this appointment is mine", plain.text_content(), "but offers no claim")
        self.assertIn("Yes, this appointment is mine", page.text_content(), "the claim link offers it")
        # with the real one, Paul confirms it is his
        claim_form = page.xpath("//form[contains(@class, 'o_az_booking_claim_form')]")
        self.assertTrue(claim_form, "the page offers to add it to the account")
        response = self.url_open(
            claim_form[0].get("action"),
            data={
                "csrf_token": self.csrf_from(page),
                "claim": claim_form[0].xpath("string(.//input[@name='claim']/@value)"),
            },
        )
        self.assertEqual(response.status_code, 200)
        booking.invalidate_recordset()
        self.assertEqual(booking.partner_id, paul)
        _response, doc = self.get_doc("/my/bookings")
        self.assertIn(
            f"/my/bookings/{booking.id}", doc.xpath("//a[contains(@class, 'o_az_my_booking_link')]/@href")
        )

    def test_same_typed_details_reuse_the_contact_the_form_made(self):
        slots = self.free_slots(self.type_individual)
        url = f"/booking/{self.type_individual.id}/book"
        partners = self.env["az.booking"]
        for slot in slots[:2]:
            _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
            response = self.url_open(url, data=self.form_data(slot, self.csrf_from(form)))
            self.assertEqual(response.status_code, 200)
            partners |= self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(len(partners.partner_id), 1)
        self.assertEqual(partners.partner_id.phone, self.e164("+33 6 12 34 56 78"))

    @mute_logger("odoo.sql_db")
    def test_same_submission_twice_books_once(self):
        """The same form sent twice (double click, reload, replay) makes one booking and
        shows its confirmation again; on a type where two staff members are free and on a
        workshop."""
        least_loaded = self.type_individual.copy(
            {
                "name": "Deux conseillers",
                "assignment": "least_loaded",
                "is_published": True,
                "staff_user_ids": [(6, 0, (self.staff | self.staff_2).ids)],
            }
        )
        for booking_type in (least_loaded, self.type_workshop):
            slot = self.free_slots(booking_type)[0]
            url = f"/booking/{booking_type.id}/book"
            _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
            data = self.form_data(slot, self.csrf_from(form))
            before = self.counts()
            first = self.url_open(url, data=data)
            second = self.url_open(url, data=data)
            self.assertEqual(first.status_code, 200)
            self.assertEqual(second.status_code, 200)
            self.assertEqual(first.url, second.url, "the replay shows the first booking")
            self.assertEqual(self.counts()[0], before[0] + 1, booking_type.name)
            # a new form (new key) for the same person and time: refused by the database
            _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
            response = self.url_open(url, data=self.form_data(slot, self.csrf_from(form)))
            self.assertEqual(response.status_code, 409, booking_type.name)
            self.assertIn("already has a booking", response.text)
            self.assertEqual(self.counts()[0], before[0] + 1, booking_type.name)

    @mute_logger("odoo.sql_db")
    def test_same_form_sent_twice_at_the_same_instant_says_the_booking_is_made(self):
        """Two sendings of one form at the same instant, each for another contact: the
        second does not see the first booking yet (another transaction, simulated by hiding
        it from the key's lookup) and the database refuses its key. The person reads that
        the booking is made; nothing more is written."""
        slot = self.free_slots(self.type_workshop)[0]
        url = f"/booking/{self.type_workshop.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        data = self.form_data(slot, self.csrf_from(form))
        first = self.url_open(url, data=data)
        self.assertEqual(first.status_code, 200)
        self.assertIn("/my/bookings/", first.url)
        booking_class = type(self.env["az.booking"])

        def lookup_before_the_first_commits(model, submission_key, lock_address=False):
            return model.browse()

        self.patch(booking_class, "_website_booking_of_form", lookup_before_the_first_commits)
        before = self.counts()
        second = self.url_open(url, data=dict(data, name="Karim Haddad", email="karim.h@example.com"))
        self.assertEqual(second.status_code, 409)
        self.assertIn("This form was sent twice at the same time: your booking is made.", second.text)
        self.assertEqual(self.counts(), before)

    @mute_logger("odoo.sql_db")
    def test_same_form_sent_twice_at_the_same_instant_shows_the_booking_made(self):
        """Two sendings of one form at the same instant: the second does not see the first
        booking when it starts (another transaction, simulated by hiding it from its first
        lookup), waits for it at the database's unique key, then shows the confirmation of
        the booking the first made. Nothing more is written."""
        slot = self.free_slots(self.type_workshop)[0]
        url = f"/booking/{self.type_workshop.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        data = self.form_data(slot, self.csrf_from(form))
        first = self.url_open(url, data=data)
        self.assertIn("/my/bookings/", first.url)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        booking_class = type(self.env["az.booking"])
        lookup = booking_class._website_booking_of_form
        hidden = []

        def lookup_before_the_first_commits(model, submission_key, lock_address=False):
            if not hidden:
                hidden.append(submission_key)
                return model.browse()
            return lookup(model, submission_key, lock_address=lock_address)

        self.patch(booking_class, "_website_booking_of_form", lookup_before_the_first_commits)
        before = self.counts()
        second = self.url_open(url, data=dict(data, name="Karim Haddad", email="karim.h@example.com"))
        self.assertTrue(hidden, "the second sending did not see the first booking at first")
        self.assertEqual(second.status_code, 200)
        self.assertIn(f"/my/bookings/{booking.id}", second.url)
        self.assertIn(booking.name, second.text)
        self.assertEqual(self.counts(), before)

    def test_bot_protection_goes_through_odoos_hook(self):
        """An administrator who enables reCAPTCHA or Turnstile protects the form: the
        verdict of ir.http decides, the honeypot stays."""
        slot = self.free_slots(self.type_individual)[0]
        url = f"/booking/{self.type_individual.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        data = self.form_data(slot, self.csrf_from(form), recaptcha_token_response="t" * 40)
        verdicts = []
        IrHttp = type(self.env["ir.http"])

        def verify(model, ip_addr, token, action=False):
            verdicts.append((token, action))
            return verdict

        self.patch(IrHttp, "_verify_recaptcha_token", verify)
        before = self.counts()
        verdict = "is_bot"
        response = self.url_open(url, data=data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("not a robot", response.text)
        self.assertEqual(self.counts(), before)
        self.assertEqual(verdicts, [("t" * 40, "az_booking_submit")])
        verdict = "is_human"
        response = self.url_open(url, data=data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts()[0], before[0] + 1)

    def test_phone_only_booking_is_accepted(self):
        slot = self.free_slots(self.type_individual)[0]
        url = f"/booking/{self.type_individual.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        csrf = self.csrf_from(form)
        before = self.counts()
        response = self.url_open(url, data=self.form_data(slot, csrf, email="", phone=""))
        self.assertEqual(response.status_code, 400)
        self.assertIn("an e-mail address or a mobile phone number", response.text)
        self.assertEqual(self.counts(), before)
        response = self.url_open(url, data=self.form_data(slot, csrf, email=""))
        self.assertEqual(response.status_code, 200)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertFalse(booking.partner_id.email)
        self.assertEqual(booking.partner_id.phone, self.e164("+33 6 12 34 56 78"))

    @mute_logger("odoo.http")
    def test_bad_form_input_is_refused_and_writes_nothing(self):
        slots = self.free_slots(self.type_individual)
        slot = slots[0]
        url = f"/booking/{self.type_individual.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        csrf = self.csrf_from(form)
        now = fields.Datetime.now()
        night = (slot["start"] + timedelta(days=1)).replace(hour=1, minute=0)  # 2:00-3:00 Paris
        cases = {
            "missing csrf": (self.form_data(slot, None), 400, None),
            "wrong csrf": (self.form_data(slot, "x" * 40), 400, None),
            "huge name": (self.form_data(slot, csrf, name="A" * 10000), 400, "too long"),
            "script name": (self.form_data(slot, csrf, name="<script>alert(1)</script>"), 400, "not allowed"),
            "empty name": (self.form_data(slot, csrf, name="  "), 400, "Please give your name"),
            "bad email": (self.form_data(slot, csrf, email="nadia@@example"), 400, "not valid"),
            "two emails": (
                self.form_data(slot, csrf, email="a@example.com, b@example.com"),
                400,
                "not valid",
            ),
            "huge email": (self.form_data(slot, csrf, email="a" * 300 + "@example.com"), 400, "too long"),
            "bad phone": (self.form_data(slot, csrf, phone="<b>call me</b>"), 400, "phone"),
            "no consent": (self.form_data(slot, csrf, consent=None), 400, "accept"),
            "missing answer": (
                self.form_data(slot, csrf, **{f"question_{self.question.id}": ""}),
                400,
                "answer this question",
            ),
            "huge answer": (
                self.form_data(slot, csrf, **{f"question_{self.question.id}": "x" * 5000}),
                400,
                "too long",
            ),
            "honeypot": (
                self.form_data(slot, csrf, website_url="http://spam.example"),
                400,
                "could not be processed",
            ),
            "past slot": (
                self.form_data(slot, csrf, start=self.start_param(now - timedelta(days=1))),
                400,
                "in the past",
            ),
            "malformed start": (self.form_data(slot, csrf, start="2026-13-45T10:00"), 400, "not valid"),
            "garbage start": (
                self.form_data(slot, csrf, start="'; DROP TABLE az_booking;--"),
                400,
                "not valid",
            ),
            "arabic-indic start": (
                self.form_data(slot, csrf, start=self.start_param(slot["start"]).replace("0", "\u0660")),
                400,
                "not valid",
            ),
            "slot outside hours": (
                self.form_data(slot, csrf, start=self.start_param(night)),
                409,
                "no longer available",
            ),
            "misaligned slot": (
                self.form_data(slot, csrf, start=self.start_param(slot["start"] + timedelta(minutes=7))),
                409,
                "no longer available",
            ),
            "year 9999": (self.form_data(slot, csrf, start="9999-12-31T23:30"), 409, "no longer available"),
            "year 1": (self.form_data(slot, csrf, start="0001-01-01T00:00"), 400, "in the past"),
            "nul in name": (self.form_data(slot, csrf, name="Samia\x00"), 400, "cannot be used"),
            "nul in email": (self.form_data(slot, csrf, email="a\x00@example.com"), 400, "cannot be used"),
            "nul in answer": (
                self.form_data(slot, csrf, **{f"question_{self.question.id}": "a\x00b"}),
                400,
                "cannot be used",
            ),
            "bidi email": (self.form_data(slot, csrf, email="\u202emoc.elpmaxe@a"), 400, "invisible"),
            "zero-width name": (self.form_data(slot, csrf, name="Sa\u200bmia"), 400, "invisible"),
            "line separator name": (self.form_data(slot, csrf, name="Sa\u2028mia"), 400, "invisible"),
            "no submission key": (
                self.form_data(slot, csrf, submission_key=""),
                400,
                "open the booking page again",
            ),
            "bad submission key": (
                self.form_data(slot, csrf, submission_key="x\u00b2" * 10),
                400,
                "open the booking page again",
            ),
            "beyond horizon": (
                self.form_data(slot, csrf, start=self.start_param(slot["start"] + timedelta(days=90))),
                409,
                "no longer available",
            ),
        }
        before = self.counts()
        for case, (data, status, text) in cases.items():
            with self.subTest(case=case):
                response = self.url_open(url, data=data)
                self.assertEqual(response.status_code, status, case)
                if text:
                    self.assertIn(text, response.text, case)
                self.assertNotIn("<script>alert(1)</script>", response.text)
                self.assertEqual(self.counts(), before, case)
        # the form keeps what was typed, escaped
        response = self.url_open(url, data=self.form_data(slot, csrf, name="<script>alert(1)</script>"))
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", response.text)
        # values sent as files where text is expected
        for field in ("name", "email", "phone", f"question_{self.question.id}"):
            data = self.form_data(slot, csrf)
            files = {field: ("x.txt", b"hello", "text/plain")}
            data.pop(field, None)
            response = self.opener.post(self.base_url() + url, data=data, files=files, timeout=60)
            self.assertEqual(response.status_code, 400, field)
            self.assertIn("expects text", response.text, field)
        self.assertEqual(self.counts(), before)
        # bad start on the GET form
        for start in ("2026-13-45T10:00", "", "x" * 2000):
            response = self.url_open(f"{url}?start={start}")
            self.assertEqual(response.status_code, 400, start)
        self.assertEqual(self.counts(), before)

    def test_slot_taken_meanwhile_shows_the_form_again_with_next_slots(self):
        slots = self.free_slots(self.type_individual)
        slot = slots[0]
        url = f"/booking/{self.type_individual.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        csrf = self.csrf_from(form)
        # someone else takes it in the back office meanwhile
        self.book_directly(self.type_individual, slot, self.portal_user_2.partner_id)
        before = self.counts()
        response = self.url_open(url, data=self.form_data(slot, csrf))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.counts(), before)
        self.assertIn("no longer available", response.text)
        from lxml import html

        doc = html.fromstring(response.content)
        radios = doc.xpath("//main//input[@type='radio'][@name='start']/@value")
        self.assertIn(self.start_param(slots[1]["start"]), radios)
        self.assertNotIn(self.start_param(slot["start"]), radios)
        self.assertEqual(doc.xpath("//main//input[@name='name']/@value"), ["Samia Haddad"])
        # picking one of the proposed times books it
        response = self.url_open(url, data=self.form_data(slots[1], self.csrf_from(doc)))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts()[0], before[0] + 1)

    @mute_logger("odoo.sql_db")
    def test_database_guarantee_turns_into_a_message(self):
        """The engine still offers the slot (the rival booking is committed between the
        check and the insert): the exclusion constraint refuses it, nothing is written."""
        slot = self.free_slots(self.type_individual)[0]
        rival = self.book_directly(self.type_individual, slot, self.portal_user_2.partner_id)
        url = f"/booking/{self.type_individual.id}/book"
        type_model = type(self.env["az.booking.type"])
        original = type_model._get_free_slots

        def stale_engine(booking_type, *args, **kwargs):
            return original(booking_type.with_context(az_booking_exclude_ids=rival.ids), *args, **kwargs)

        self.patch(type_model, "_get_free_slots", stale_engine)
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        before = self.counts()
        response = self.url_open(url, data=self.form_data(slot, self.csrf_from(form)))
        self.assertEqual(response.status_code, 409)
        self.assertIn("no longer available", response.text)
        self.assertEqual(self.counts(), before)


@tagged("post_install", "-at_install")
class TestPortalManage(AzBookingPortalCommon):
    def setUp(self):
        super().setUp()
        self.slots = self.free_slots(self.type_individual)
        self.booking = self.book_directly(self.type_individual, self.slots[1], self.portal_user.partner_id)
        self.token = self.booking._portal_ensure_token()
        self.path = f"/my/bookings/{self.booking.id}"

    def url(self, suffix="", **query):
        return self.manage_url(self.booking, suffix, **query)

    def test_manage_page_shows_the_booking_and_get_changes_nothing(self):
        _response, doc = self.get_doc(self.url())
        self.assertIn(self.booking.name, doc.text_content())
        self.assertFalse(doc.xpath("//main//form[@method='post']"), "no action on one tap")
        for suffix, query in (
            ("/cancel", {}),
            ("/reschedule", {}),
            ("/cancel", {"reason": "x"}),
            ("/reschedule", {"start": self.start_param(self.slots[2]["start"])}),
        ):
            response = self.url_open(self.url(suffix, **query))
            self.assertEqual(response.status_code, 200, suffix)
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.state, "confirmed")
        self.assertEqual(self.booking.start, self.slots[1]["start"])

    def test_calendar_files_follow_rfc_5546(self):
        """Request, update and cancellation of the same event, read by vobject."""
        import vobject

        self.company.email = "accueil@example.org"
        response = self.url_open(self.url("/appointment.ics"))
        self.assertEqual(response.status_code, 200)
        request = vobject.readOne(response.text)
        self.assertEqual(request.method.value, "REQUEST")
        event = request.vevent
        self.assertEqual(event.organizer.value, "mailto:accueil@example.org")
        self.assertEqual(event.attendee.value, "mailto:nadia.portail@example.com")
        self.assertEqual(event.dtstart.value.replace(tzinfo=None), self.slots[1]["start"])
        self.booking.sudo().write({"start": self.slots[2]["start"]})
        update = vobject.readOne(self.url_open(self.url("/appointment.ics")).text)
        self.assertEqual(update.vevent.uid.value, event.uid.value)
        self.assertGreater(int(update.vevent.sequence.value), int(event.sequence.value))
        self.assertEqual(update.vevent.dtstart.value.replace(tzinfo=None), self.slots[2]["start"])
        self.booking.sudo().action_cancel()
        cancel = vobject.readOne(self.booking._get_ics_content().decode())
        self.assertEqual(cancel.method.value, "CANCEL")
        self.assertEqual(cancel.vevent.uid.value, event.uid.value)
        self.assertEqual(cancel.vevent.status.value, "CANCELLED")
        self.assertEqual(cancel.vevent.organizer.value, "mailto:accueil@example.org")
        self.assertEqual(cancel.vevent.attendee.value, "mailto:nadia.portail@example.com")
        self.assertGreater(int(cancel.vevent.sequence.value), int(update.vevent.sequence.value))
        # waiting list: no calendar file that would say CONFIRMED
        workshop_slot = self.free_slots(self.type_workshop)[0]
        for partner in (self.portal_user_2.partner_id, self.env["res.partner"].create({"name": "Autre"})):
            self.book_directly(self.type_workshop, workshop_slot, partner)
        waiting = self.book_directly(self.type_workshop, workshop_slot, self.portal_user.partner_id)
        self.assertEqual(waiting.state, "waiting")
        response = self.url_open(self.manage_url(waiting, "/appointment.ics"))
        self.assertEqual(response.status_code, 404)
        self.assertIn("You are on the waiting list: there is no appointment to add", response.text)
        self.assertNotIn("BEGIN:VCALENDAR", response.text)

    def test_type_name_of_a_sensitive_booking_never_reaches_a_portal_user(self):
        booking = self.book_directly(
            self.type_sensitive, self.free_slots(self.type_sensitive)[3], self.portal_user.partner_id
        )
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        read = self.make_jsonrpc_request(
            "/web/dataset/call_kw/az.booking/read",
            {"model": "az.booking", "method": "read", "args": [booking.ids, ["type_id"]], "kwargs": {}},
        )
        self.assertEqual(read[0]["type_id"][1], "Appointment")
        for url in (
            f"/my/bookings/{booking.id}",
            "/my/bookings",
            f"/my/bookings/{booking.id}/appointment.ics",
        ):
            self.assertNotIn("Suivi addictologie", self.url_open(url).text, url)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["az_booking_count"]})
        self.assertNotIn("Suivi addictologie", str(counters))

    @mute_logger("odoo.http")
    def test_tampered_foreign_or_expired_tokens_are_refused(self):
        other = self.book_directly(self.type_individual, self.slots[3], self.portal_user_2.partner_id)
        other._portal_ensure_token()
        bad = [
            f"{self.path}?access_token={self.token[:-1]}{'a' if self.token[-1] != 'a' else 'b'}",
            f"/my/bookings/{other.id}?access_token={self.token}",
            f"{self.path}?access_token=",
            f"{self.path}?access_token=1-x",
            f"{self.path}?access_token={'9' * 300}",
            f"{self.path}?access_token=%00{self.token}",
            f"{self.path}?access_token=\u202e{self.token}",
            f"/my/bookings/{self.booking.id}\u00b2?access_token={self.token}",
            f"/my/bookings/\u0661?access_token={self.token}",
            f"/my/bookings/{'9' * 30}?access_token={self.token}",
        ]
        for url in bad:
            response = self.url_open(url, allow_redirects=False)
            if url.endswith("?access_token="):  # no token at all: the visitor is asked to log in
                self.assertEqual(response.status_code, 303, url)
                self.assertIn("/web/login", response.headers["Location"], url)
            else:
                self.assertEqual(response.status_code, 404, url)
                self.assertIn(LINK_NOT_VALID, response.text, url)
            self.assertNotIn(self.booking.name, response.text, url)
        _response, doc = self.get_doc(self.url("/cancel"))
        csrf = self.csrf_from(doc)
        for url in bad[:2]:
            path, query = url.split("?")
            response = self.url_open(f"{path}/cancel?{query}", data={"csrf_token": csrf})
            self.assertEqual(response.status_code, 404)
            self.assertIn(LINK_NOT_VALID, response.text)
        self.booking.sudo().manage_token_expiry = fields.Datetime.now() - timedelta(minutes=1)
        response = self.url_open(self.url())
        self.assertEqual(response.status_code, 404)
        self.assertIn("not valid or has expired", response.text)
        response = self.url_open(self.url("/cancel"), data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 404)
        self.assertIn(LINK_NOT_VALID, response.text)
        for booking in (self.booking, other):
            booking.invalidate_recordset()
            self.assertEqual(booking.state, "confirmed")
        # the former links answer a clear 404
        response = self.url_open(f"/booking/manage/{self.booking.id}-abcdef")
        self.assertEqual(response.status_code, 404)
        self.assertIn("no longer in use", response.text)

    @mute_logger("odoo.http")
    def test_reschedule_then_cancel_with_confirmation_steps(self):
        _response, doc = self.get_doc(self.url("/reschedule"))
        current = doc.xpath("//main//*[contains(@class, 'o_az_slot_current')]")
        self.assertEqual(len(current), 1, "the current time is marked")
        self.assertEqual(current[0].get("aria-current"), "true")
        links = [a.get("href") for a in doc.xpath("//main//a[contains(@class, 'o_az_slot')]")]
        target = self.start_param(self.slots[2]["start"])
        self.assertTrue(any(target.replace(":", "%3A") in link for link in links), links)
        # step 1: a page that says what will happen, and changes nothing
        _response, confirm = self.get_doc(self.url("/reschedule", start=target))
        self.assertIn("Move this appointment?", confirm.text_content())
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.start, self.slots[1]["start"])
        csrf = self.csrf_from(confirm)
        # without CSRF: refused
        response = self.url_open(self.url("/reschedule"), data={"start": target})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Something went wrong", response.text, "Odoo's page for a form without its CSRF token")
        not_valid = "This appointment time is not valid. Please choose a time in the list."
        for bad, message in (
            ("2026-13-45T10:00", not_valid),
            ("nonsense", not_valid),
            ("2026-03-01T10:0\u0661", not_valid),
            (
                self.start_param(fields.Datetime.now() - timedelta(hours=3)),
                "This time is in the past. Please choose a time in the list.",
            ),
        ):
            response = self.url_open(self.url("/reschedule"), data={"csrf_token": csrf, "start": bad})
            self.assertEqual(response.status_code, 400, bad)
            self.assertIn(message, response.text, bad)
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.start, self.slots[1]["start"])
        sequence = self.booking.ics_sequence
        # step 2: the POST moves it
        response = self.url_open(self.url("/reschedule"), data={"csrf_token": csrf, "start": target})
        self.assertEqual(response.status_code, 200)
        self.assertIn("has been moved", response.text)
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.start, self.slots[2]["start"])
        self.assertEqual(self.booking.event_id.start, self.slots[2]["start"])
        self.assertGreater(self.booking.ics_sequence, sequence)
        # cancel: a page that asks, then the POST
        _response, confirm = self.get_doc(self.url("/cancel"))
        self.assertIn("Cancel this appointment?", confirm.text_content())
        response = self.url_open(self.url("/cancel"), data={"csrf_token": csrf, "reason": "x" * 5000})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Reason: This text is too long.", response.text)
        response = self.url_open(self.url("/cancel"), data={"csrf_token": csrf, "reason": "a\x00b"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Reason: This text contains characters that cannot be used.", response.text)
        response = self.url_open(self.url("/cancel"), data={"reason": "Malade"})
        self.assertEqual(response.status_code, 400, "no CSRF token")
        self.assertIn("Something went wrong", response.text, "Odoo's page for a form without its CSRF token")
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.state, "confirmed")
        cancel_url = self.url("/cancel")
        response = self.url_open(cancel_url, data={"csrf_token": csrf, "reason": "Malade"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("has been cancelled", response.text)
        self.assertNotIn('href="/my/bookings"', response.text, "a visitor has no account page")
        self.booking.invalidate_recordset()
        self.assertEqual(
            (self.booking.state, self.booking.cancel_by, self.booking.cancel_reason),
            ("cancelled", "person", "Malade"),
        )
        self.assertTrue(self.booking.exists(), "cancelling never deletes")
        self.assertFalse(self.booking.manage_url, "no message gives the link any more")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("model", "=", "az.booking"), ("res_id", "=", self.booking.id)], order="id desc", limit=1
            )
        )
        self.assertIn(b"METHOD:CANCEL", mail.attachment_ids.raw)
        # the old link now says it was cancelled and whom to call, and a second cancel
        # changes nothing
        response = self.url_open(f"{self.path}?access_token={self.token}")
        self.assertEqual(response.status_code, 410)
        self.assertIn("has been cancelled: this link no longer opens it", response.text)
        self.assertIn("+33 5 56 00 00 00", response.text)
        self.assertNotIn("Malade", response.text)
        response = self.url_open(cancel_url, data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 410)
        self.assertIn("has been cancelled", response.text)

    def test_after_the_deadline_the_page_says_whom_to_call(self):
        self.type_individual.cancel_deadline_hours = 24 * 40
        _response, doc = self.get_doc(self.url())
        self.assertNotIn("Cancel my appointment", doc.text_content())
        self.assertIn("This appointment can no longer be changed online.", doc.text_content())
        self.assertIn("+33 5 56 00 00 00", doc.text_content())
        for suffix in ("/cancel", "/reschedule"):
            response = self.url_open(self.url(suffix))
            self.assertEqual(response.status_code, 403, suffix)
            self.assertIn("This booking can no longer be changed online.", response.text, suffix)
        response = self.url_open(
            self.url("/cancel"),
            data={
                "csrf_token": self.csrf_from(
                    self.get_doc(
                        "/booking/%s/book?start=%s"
                        % (self.type_individual.id, self.start_param(self.slots[0]["start"]))
                    )[1]
                )
            },
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("This booking can no longer be changed online.", response.text)
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.state, "confirmed")

    def test_workshop_seat_moves_to_another_occurrence(self):
        slots = self.free_slots(self.type_workshop)
        seat = self.book_directly(self.type_workshop, slots[0], self.portal_user.partner_id)
        _response, doc = self.get_doc(
            self.manage_url(seat, "/reschedule", start=self.start_param(slots[1]["start"]))
        )
        response = self.url_open(
            self.manage_url(seat, "/reschedule"),
            data={"csrf_token": self.csrf_from(doc), "start": self.start_param(slots[1]["start"])},
        )
        self.assertEqual(response.status_code, 200)
        seat.invalidate_recordset()
        self.assertEqual(seat.state, "cancelled")
        new_seat = (
            self.env["az.booking"]
            .sudo()
            .search([("type_id", "=", self.type_workshop.id), ("state", "=", "confirmed")])
        )
        self.assertEqual(new_seat.start, slots[1]["start"])
        self.assertIn(f"/my/bookings/{new_seat.id}?access_token={new_seat.access_token}", response.url)


@tagged("post_install", "-at_install")
class TestPortalMyBookings(AzBookingPortalCommon):
    def setUp(self):
        super().setUp()
        slots = self.free_slots(self.type_individual)
        nadia = self.portal_user.partner_id
        self.relative = self.env["res.partner"].create({"name": "Yanis (son of Nadia)"})
        self.own = self.book_directly(self.type_individual, slots[0], nadia)
        self.for_relative = self.book_directly(self.type_individual, slots[2], self.relative, booked_by=nadia)
        self.foreign = self.book_directly(self.type_individual, slots[4], self.portal_user_2.partner_id)
        self.slots = slots

    def test_my_bookings_lists_own_and_relatives_only(self):
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        _response, doc = self.get_doc("/my/bookings")
        links = doc.xpath("//a[contains(@class, 'o_az_my_booking_link')]/@href")
        self.assertEqual(
            sorted(links), sorted([f"/my/bookings/{self.own.id}", f"/my/bookings/{self.for_relative.id}"])
        )
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["az_booking_count"]})
        self.assertEqual(counters["az_booking_count"], 2)
        _response, doc = self.get_doc(f"/my/bookings/{self.for_relative.id}")
        self.assertIn("Yanis", doc.text_content())

    @mute_logger("odoo.http")
    def test_portal_user_cannot_reach_someone_elses_booking(self):
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        _response, doc = self.get_doc(f"/my/bookings/{self.own.id}/cancel")
        csrf = self.csrf_from(doc)
        for path in ("", "/reschedule", "/appointment.ics"):
            response = self.url_open(f"/my/bookings/{self.foreign.id}{path}")
            self.assertEqual(response.status_code, 404, path)
            self.assertIn(LINK_NOT_VALID, response.text, path)
            self.assertNotIn("Paul Portail", response.text)
        response = self.url_open(f"/my/bookings/{self.foreign.id}/cancel", data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 404)
        self.assertIn(LINK_NOT_VALID, response.text)
        response = self.url_open(
            f"/my/bookings/{self.foreign.id}/reschedule",
            data={"csrf_token": csrf, "start": self.start_param(self.slots[5]["start"])},
        )
        self.assertEqual(response.status_code, 404)
        self.assertIn(LINK_NOT_VALID, response.text)
        response = self.url_open("/my/bookings/99999999")
        self.assertEqual(response.status_code, 404)
        self.assertIn(LINK_NOT_VALID, response.text)
        self.foreign.invalidate_recordset()
        self.assertEqual((self.foreign.state, self.foreign.start), ("confirmed", self.slots[4]["start"]))

    def test_portal_user_cancels_a_relatives_booking(self):
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        _response, doc = self.get_doc(f"/my/bookings/{self.for_relative.id}/cancel")
        response = self.url_open(
            f"/my/bookings/{self.for_relative.id}/cancel",
            data={"csrf_token": self.csrf_from(doc), "reason": ""},
        )
        self.assertEqual(response.status_code, 200)
        self.for_relative.invalidate_recordset()
        self.assertEqual(self.for_relative.state, "cancelled")

    def test_logged_in_form_is_prefilled_and_books_for_a_relative(self):
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        slot = self.slots[6]
        url = f"/booking/{self.type_individual.id}/book"
        _response, doc = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        self.assertEqual(doc.xpath("//main//input[@name='email']/@value"), ["nadia.portail@example.com"])
        self.assertEqual(doc.xpath("//main//input[@name='name']/@value"), ["Nadia Portail"])
        response = self.url_open(
            url,
            data=self.form_data(slot, self.csrf_from(doc), name="Lina Portail", email="lina.p@example.com"),
        )
        self.assertEqual(response.status_code, 200)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.partner_id.name, "Lina Portail")
        self.assertEqual(booking.booked_by_id, self.portal_user.partner_id)
        self.assertEqual(booking.booked_by_kind, "referrer")
        _response, doc = self.get_doc("/my/bookings")
        self.assertIn(
            f"/my/bookings/{booking.id}", doc.xpath("//a[contains(@class, 'o_az_my_booking_link')]/@href")
        )

    def test_anonymous_visitor_is_sent_to_login(self):
        response = self.url_open(f"/my/bookings/{self.own.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestPortalStaffChoice(AzBookingPortalCommon):
    def test_person_picks_the_staff_member_among_the_free_ones(self):
        booking_type = self.type_individual.copy(
            {
                "name": "Entretien au choix",
                "assignment": "user_picks",
                "is_published": True,
                "staff_user_ids": [(6, 0, (self.staff | self.staff_2).ids)],
            }
        )
        slot = self.free_slots(booking_type)[0]
        self.assertEqual(len(slot["user_ids"]), 2)
        url = f"/booking/{booking_type.id}/book"
        _response, doc = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        options = doc.xpath("//main//select[@name='staff_id']/option/@value")
        self.assertEqual(sorted(options), sorted(["", str(self.staff.id), str(self.staff_2.id)]))
        csrf = self.csrf_from(doc)
        before = self.counts()
        for bad in (
            str(self.portal_user.id),
            "abc",
            "9" * 40,
            "\u00b2",
            "\u2460",
            f"{self.staff.id}\u00b2",
            "\u0661",
            "1\x00",
        ):
            response = self.url_open(url, data=dict(self.form_data(slot, csrf), staff_id=bad))
            self.assertEqual(response.status_code, 400, bad)
            self.assertIn("not free at this time", response.text)
        # a file where the staff member's id is expected
        response = self.opener.post(
            self.base_url() + url,
            data=self.form_data(slot, csrf),
            files={"staff_id": ("id.txt", str(self.staff.id).encode(), "text/plain")},
            timeout=60,
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("not free at this time", response.text)
        self.assertEqual(self.counts(), before)
        response = self.url_open(url, data=dict(self.form_data(slot, csrf), staff_id=str(self.staff_2.id)))
        self.assertEqual(response.status_code, 200)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual((booking.type_id, booking.user_id), (booking_type, self.staff_2))


@tagged("post_install", "-at_install")
class TestPortalMenuAndButton(AzBookingPortalCommon):
    def test_menu_entry_and_button_to_put_on_any_page(self):
        menu = self.env.ref("az_booking.website_menu_booking")
        self.assertEqual(menu.url, "/booking")
        _response, doc = self.get_doc("/")
        self.assertTrue(doc.xpath("//header//a[@href='/booking']"), "the menu shows it")
        button = str(
            self.env["ir.qweb"]._render(
                "az_booking.booking_type_button", {"booking_type": self.type_sensitive}
            )
        )
        self.assertIn(f'href="{self.type_sensitive.website_url}"', button)
        self.assertNotIn("Suivi addictologie", button)
        snippet = str(self.env["ir.qweb"]._render("az_booking.s_az_booking_button", {}))
        self.assertIn('href="/booking"', snippet)


@tagged("post_install", "-at_install")
class TestBookOnBehalf(AzBookingPortalCommon):
    def _book_on_behalf(self, person, slot, **values):
        wizard = self.env(user=self.staff)["az.booking.book.wizard"].create(
            dict(
                {
                    "type_id": self.type_individual.id,
                    "partner_id": person.id,
                    "consent": True,
                    "date_from": slot["start"].date(),
                    "date_to": slot["start"].date(),
                },
                **values,
            )
        )
        wizard.action_search_slots()
        wizard.line_ids.filtered(lambda line: line.start == slot["start"]).action_book()
        return (
            self.env["az.booking"]
            .sudo()
            .search([("partner_id", "=", person.id), ("start", "=", slot["start"])])
        )

    def mails(self, booking):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "az.booking"),
                    ("res_id", "=", booking.id),
                    ("recipient_ids", "in", booking.partner_id.ids),
                ]
            )
        )

    def test_staff_booking_on_behalf_sends_the_confirmation_unless_unticked(self):
        slots = self.free_slots(self.type_individual)
        person = self.env["res.partner"].create({"name": "Lea", "email": "lea@example.com"})
        booking = self._book_on_behalf(person, slots[0])
        self.assertEqual(booking.booked_by_kind, "staff")
        self.assertTrue(booking.consent_datetime, "the consent is recorded")
        mail = self.mails(booking)
        self.assertEqual(len(mail), 1)
        self.assertIn(booking.access_token, mail.body_html)
        self.assertIn(b"METHOD:REQUEST", mail.attachment_ids.raw)
        quiet = self._book_on_behalf(person, slots[2], notify=False)
        self.assertTrue(quiet)
        self.assertFalse(self.mails(quiet), "staff unticked the confirmation")
