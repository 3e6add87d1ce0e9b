from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestPortalPublicPages(AzBookingPortalCommon):

    def test_list_shows_published_types_of_the_company_with_neutral_names(self):
        other_company = self.env["res.company"].create({"name": "Autre structure"})
        other_project = self.env["project.project"].create({
            "name": "Projet ailleurs", "company_id": other_company.id})
        self.env["az.booking.type"].create({
            "name": "Type d'une autre structure", "project_id": other_project.id,
            "company_id": other_company.id, "is_published": True, "tz": "Europe/Paris",
        })
        response, doc = self.get_doc("/booking")
        text = response.text
        self.assertIn("Premier accueil", text)
        self.assertIn("Atelier numérique", text)
        self.assertIn("Accueil et orientation", doc.xpath("string(//main//h2)"))
        self.assertNotIn("Entretien interne", text)
        self.assertNotIn("Suivi addictologie", text, "a sensitive type keeps its neutral name")
        self.assertNotIn("Type d'une autre structure", text)
        self.assertIn(f'href="/booking/{self.type_individual.id}"', text)

    def test_type_page_lists_free_slots_as_labelled_links(self):
        slots = self.free_slots(self.type_individual)
        first = slots[0]
        monday = (first["start"] + timedelta(hours=2)).date()
        _response, doc = self.get_doc(
            f"/booking/{self.type_individual.id}?week={monday.isoformat()}")
        links = doc.xpath("//main//a[contains(@class, 'o_az_slot')]")
        self.assertTrue(links)
        hrefs = [link.get("href") for link in links]
        self.assertIn(
            f"/booking/{self.type_individual.id}/book?start={self.start_param(first['start'])}",
            hrefs)
        label = links[0].text_content().strip()
        self.assertTrue(label.startswith("Book "), label)
        self.assertIn("Europe/Paris", doc.text_content())

    def test_workshop_page_shows_seats_then_waiting_list(self):
        slot = self.free_slots(self.type_workshop)[0]
        url = f"/booking/{self.type_workshop.id}?week={slot['start'].date().isoformat()}"
        _response, doc = self.get_doc(url)
        self.assertIn("Seats left: 2", " ".join(doc.text_content().split()))
        for partner in (self.portal_user.partner_id, self.portal_user_2.partner_id):
            self.book_directly(self.type_workshop, slot, partner)
        _response, doc = self.get_doc(url)
        full = doc.xpath("//main//a[contains(@class, 'o_az_slot_full')]")
        self.assertTrue(full)
        self.assertIn("Join the waiting list", full[0].text_content())
        # joining the waiting list of the full session
        _response, form = self.get_doc(full[0].get("href"))
        self.assertIn("Join the waiting list", form.xpath("string(//main//h1)"))
        before = self.counts()
        response = self.url_open(
            f"/booking/{self.type_workshop.id}/book",
            data=self.form_data(slot, self.csrf_from(form), waiting_list="1"))
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
        for week in ("2026-13-45", "yesterday", "2026-02-30", "9" * 500):
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
            f"/booking/{self.type_individual.id}/book?start={self.start_param(slot['start'])}")
        self.assertEqual(len(form.xpath("//main//form[@method='post']")), 1)
        before = self.counts()
        response = self.url_open(
            f"/booking/{self.type_individual.id}/book",
            data=self.form_data(slot, self.csrf_from(form)))
        self.assertEqual(response.status_code, 200)
        self.assertIn("/booking/manage/", response.url)
        self.assertIn("Your appointment is booked", response.text)
        self.assertEqual(self.counts(), (before[0] + 1, before[1] + 1, before[2] + 2))
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.partner_id.email, "samia.haddad@example.com")
        self.assertEqual(booking.booked_by_kind, "self")
        self.assertEqual(booking.start, slot["start"])
        self.assertEqual(booking.user_id, self.staff)
        self.assertTrue(booking.consent_datetime)
        self.assertTrue(booking.event_id, "the staff member's calendar shows it")
        self.assertEqual(
            sorted(booking.answer_ids.mapped("display_value")), ["No", "Trouver une formation"])
        mail = self.env["mail.mail"].sudo().search(
            [("model", "=", "az.booking"), ("res_id", "=", booking.id)])
        mail = mail.filtered(lambda m: booking.partner_id in m.recipient_ids)
        self.assertEqual(len(mail), 1)
        self.assertIn(booking._get_manage_token(), mail.body_html)
        self.assertEqual(mail.attachment_ids.mimetype, "text/calendar")
        self.assertIn(b"BEGIN:VEVENT", mail.attachment_ids.raw)
        # the .ics of the manage page
        ics = self.url_open(response.url.split("?")[0] + "/appointment.ics")
        self.assertEqual(ics.status_code, 200)
        self.assertIn("text/calendar", ics.headers["Content-Type"])
        self.assertIn(slot["start"].strftime("DTSTART:%Y%m%dT%H%M%SZ"), ics.text)

    def test_existing_partner_is_reused_not_overwritten(self):
        slot = self.free_slots(self.type_individual)[0]
        partner = self.portal_user_2.partner_id
        _response, form = self.get_doc(
            f"/booking/{self.type_individual.id}/book?start={self.start_param(slot['start'])}")
        before = self.counts()
        self.url_open(f"/booking/{self.type_individual.id}/book", data=self.form_data(
            slot, self.csrf_from(form), name="Someone Else", email="PAUL.portail@example.com"))
        self.assertEqual(self.counts()[:2], (before[0] + 1, before[1]))
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.partner_id, partner)
        self.assertEqual(partner.name, "Paul Portail")

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
            "script name": (self.form_data(slot, csrf, name="<script>alert(1)</script>"), 400,
                            "not allowed"),
            "empty name": (self.form_data(slot, csrf, name="  "), 400, "Please give your name"),
            "bad email": (self.form_data(slot, csrf, email="nadia@@example"), 400,
                          "not valid"),
            "two emails": (self.form_data(slot, csrf, email="a@example.com, b@example.com"), 400,
                           "not valid"),
            "huge email": (self.form_data(slot, csrf, email="a" * 300 + "@example.com"), 400,
                           "too long"),
            "bad phone": (self.form_data(slot, csrf, phone="<b>call me</b>"), 400, "phone"),
            "no consent": (self.form_data(slot, csrf, consent=None), 400, "accept"),
            "missing answer": (self.form_data(slot, csrf, **{
                f"question_{self.question.id}": ""}), 400, "answer this question"),
            "huge answer": (self.form_data(slot, csrf, **{
                f"question_{self.question.id}": "x" * 5000}), 400, "too long"),
            "honeypot": (self.form_data(slot, csrf, website_url="http://spam.example"), 400,
                         "could not be processed"),
            "past slot": (self.form_data(slot, csrf, start=self.start_param(
                now - timedelta(days=1))), 400, "in the past"),
            "malformed start": (self.form_data(slot, csrf, start="2026-13-45T10:00"), 400,
                                "not valid"),
            "garbage start": (self.form_data(slot, csrf, start="'; DROP TABLE az_booking;--"),
                              400, "not valid"),
            "slot outside hours": (self.form_data(slot, csrf, start=self.start_param(night)),
                                   409, "no longer available"),
            "misaligned slot": (self.form_data(slot, csrf, start=self.start_param(
                slot["start"] + timedelta(minutes=7))), 409, "no longer available"),
            "year 9999": (self.form_data(slot, csrf, start="9999-12-31T23:30"), 409,
                          "no longer available"),
            "year 1": (self.form_data(slot, csrf, start="0001-01-01T00:00"), 400,
                       "in the past"),
            "beyond horizon": (self.form_data(slot, csrf, start=self.start_param(
                slot["start"] + timedelta(days=90))), 409, "no longer available"),
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
        response = self.url_open(url, data=self.form_data(
            slot, csrf, name="<script>alert(1)</script>"))
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", response.text)
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
        response = self.url_open(url, data=self.form_data(
            slots[1], self.csrf_from(doc)))
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
            return original(booking_type.with_context(az_booking_exclude_ids=rival.ids),
                            *args, **kwargs)

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
        self.booking = self.book_directly(
            self.type_individual, self.slots[1], self.portal_user.partner_id)
        self.token = self.booking._get_manage_token()
        self.base = f"/booking/manage/{self.token}"

    def test_manage_page_shows_the_booking_and_get_changes_nothing(self):
        _response, doc = self.get_doc(self.base)
        self.assertIn(self.booking.name, doc.text_content())
        self.assertEqual(len(doc.xpath("//main//form[@method='post']")), 1)
        for path in ("/cancel", "/reschedule", "/cancel?reason=x"):
            response = self.url_open(self.base + path)
            self.assertIn(response.status_code, (200, 405), path)
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.state, "confirmed")
        self.assertEqual(self.booking.start, self.slots[1]["start"])

    @mute_logger("odoo.http")
    def test_tampered_foreign_or_expired_tokens_are_refused(self):
        other = self.book_directly(
            self.type_individual, self.slots[3], self.portal_user_2.partner_id)
        secret = self.token.split("-", 1)[1]
        bad_tokens = [
            self.token[:-1] + ("A" if self.token[-1] != "A" else "B"),
            f"{other.id}-{secret}",
            secret,
            "1-x",
            "abc",
            "-" * 50,
            "9" * 300 + "-" + secret,
        ]
        for token in bad_tokens:
            response = self.url_open(f"/booking/manage/{token}")
            self.assertEqual(response.status_code, 404, token)
            self.assertIn("not valid or has expired", response.text)
        _response, doc = self.get_doc(self.base)
        csrf = self.csrf_from(doc)
        for token in bad_tokens[:2]:
            response = self.url_open(f"/booking/manage/{token}/cancel",
                                     data={"csrf_token": csrf})
            self.assertEqual(response.status_code, 404)
        self.booking.sudo().manage_token_expiry = fields.Datetime.now() - timedelta(minutes=1)
        response = self.url_open(self.base)
        self.assertEqual(response.status_code, 404)
        response = self.url_open(self.base + "/cancel", data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 404)
        for booking in (self.booking, other):
            booking.invalidate_recordset()
            self.assertEqual(booking.state, "confirmed")

    @mute_logger("odoo.http")
    def test_reschedule_then_cancel_by_post(self):
        _response, doc = self.get_doc(self.base + "/reschedule")
        forms = doc.xpath("//main//form[@method='post']")
        starts = [f.xpath("string(.//input[@name='start']/@value)") for f in forms]
        self.assertIn(self.start_param(self.slots[2]["start"]), starts)
        # without CSRF: refused
        response = self.url_open(self.base + "/reschedule",
                                 data={"start": self.start_param(self.slots[2]["start"])})
        self.assertEqual(response.status_code, 400)
        csrf = self.csrf_from(doc)
        for bad in ("2026-13-45T10:00", "nonsense", self.start_param(
                fields.Datetime.now() - timedelta(hours=3))):
            response = self.url_open(self.base + "/reschedule",
                                     data={"csrf_token": csrf, "start": bad})
            self.assertEqual(response.status_code, 400, bad)
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.start, self.slots[1]["start"])
        response = self.url_open(self.base + "/reschedule", data={
            "csrf_token": csrf, "start": self.start_param(self.slots[2]["start"])})
        self.assertEqual(response.status_code, 200)
        self.assertIn("has been moved", response.text)
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.start, self.slots[2]["start"])
        self.assertEqual(self.booking.event_id.start, self.slots[2]["start"])
        # cancel, reason too long then fine
        response = self.url_open(self.base + "/cancel", data={
            "csrf_token": csrf, "reason": "x" * 5000})
        self.assertEqual(response.status_code, 400)
        response = self.url_open(self.base + "/cancel", data={"reason": "Malade"})
        self.assertEqual(response.status_code, 400, "no CSRF token")
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.state, "confirmed")
        response = self.url_open(self.base + "/cancel", data={
            "csrf_token": csrf, "reason": "Malade"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("has been cancelled", response.text)
        self.booking.invalidate_recordset()
        self.assertEqual(
            (self.booking.state, self.booking.cancel_by, self.booking.cancel_reason),
            ("cancelled", "person", "Malade"))
        self.assertTrue(self.booking.exists(), "cancelling never deletes")
        # a second cancel is refused with a message
        response = self.url_open(self.base + "/cancel", data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 403)

    def test_after_the_deadline_the_page_says_whom_to_call(self):
        self.type_individual.cancel_deadline_hours = 24 * 40
        _response, doc = self.get_doc(self.base)
        self.assertFalse(doc.xpath("//main//form[@method='post']"))
        self.assertIn("+33 5 56 00 00 00", doc.text_content())
        response = self.url_open(self.base + "/cancel", data={"csrf_token": self.csrf_from(
            self.get_doc("/booking/%s/book?start=%s" % (
                self.type_individual.id, self.start_param(self.slots[0]["start"])))[1])})
        self.assertEqual(response.status_code, 403)
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.state, "confirmed")

    def test_workshop_seat_moves_to_another_session(self):
        slots = self.free_slots(self.type_workshop)
        seat = self.book_directly(self.type_workshop, slots[0], self.portal_user.partner_id)
        base = f"/booking/manage/{seat._get_manage_token()}"
        _response, doc = self.get_doc(base + "/reschedule")
        response = self.url_open(base + "/reschedule", data={
            "csrf_token": self.csrf_from(doc), "start": self.start_param(slots[1]["start"])})
        self.assertEqual(response.status_code, 200)
        seat.invalidate_recordset()
        self.assertEqual(seat.state, "cancelled")
        new_seat = self.env["az.booking"].sudo().search(
            [("type_id", "=", self.type_workshop.id), ("state", "=", "confirmed")])
        self.assertEqual(new_seat.start, slots[1]["start"])
        self.assertIn(new_seat._get_manage_token(), response.url)


@tagged("post_install", "-at_install")
class TestPortalMyBookings(AzBookingPortalCommon):

    def setUp(self):
        super().setUp()
        slots = self.free_slots(self.type_individual)
        nadia = self.portal_user.partner_id
        self.relative = self.env["res.partner"].create({"name": "Yanis (son of Nadia)"})
        self.own = self.book_directly(self.type_individual, slots[0], nadia)
        self.for_relative = self.book_directly(
            self.type_individual, slots[2], self.relative, booked_by=nadia)
        self.foreign = self.book_directly(
            self.type_individual, slots[4], self.portal_user_2.partner_id)
        self.slots = slots

    def test_my_bookings_lists_own_and_relatives_only(self):
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        _response, doc = self.get_doc("/my/bookings")
        links = doc.xpath("//a[contains(@class, 'o_az_my_booking_link')]/@href")
        self.assertEqual(sorted(links), sorted(
            [f"/my/bookings/{self.own.id}", f"/my/bookings/{self.for_relative.id}"]))
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["az_booking_count"]})
        self.assertEqual(counters["az_booking_count"], 2)
        _response, doc = self.get_doc(f"/my/bookings/{self.for_relative.id}")
        self.assertIn("Yanis", doc.text_content())

    @mute_logger("odoo.http")
    def test_portal_user_cannot_reach_someone_elses_booking(self):
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        _response, doc = self.get_doc(f"/my/bookings/{self.own.id}")
        csrf = self.csrf_from(doc)
        for path in ("", "/reschedule", "/appointment.ics"):
            response = self.url_open(f"/my/bookings/{self.foreign.id}{path}")
            self.assertEqual(response.status_code, 404, path)
            self.assertNotIn("Paul Portail", response.text)
        response = self.url_open(f"/my/bookings/{self.foreign.id}/cancel",
                                 data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 404)
        response = self.url_open(f"/my/bookings/{self.foreign.id}/reschedule", data={
            "csrf_token": csrf, "start": self.start_param(self.slots[5]["start"])})
        self.assertEqual(response.status_code, 404)
        response = self.url_open("/my/bookings/99999999")
        self.assertEqual(response.status_code, 404)
        self.foreign.invalidate_recordset()
        self.assertEqual((self.foreign.state, self.foreign.start),
                         ("confirmed", self.slots[4]["start"]))

    def test_portal_user_cancels_a_relatives_booking(self):
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        _response, doc = self.get_doc(f"/my/bookings/{self.for_relative.id}")
        response = self.url_open(f"/my/bookings/{self.for_relative.id}/cancel", data={
            "csrf_token": self.csrf_from(doc), "reason": ""})
        self.assertEqual(response.status_code, 200)
        self.for_relative.invalidate_recordset()
        self.assertEqual(self.for_relative.state, "cancelled")

    def test_logged_in_form_is_prefilled_and_books_for_a_relative(self):
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        slot = self.slots[6]
        url = f"/booking/{self.type_individual.id}/book"
        _response, doc = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        self.assertEqual(doc.xpath("//main//input[@name='email']/@value"),
                         ["nadia.portail@example.com"])
        self.assertEqual(doc.xpath("//main//input[@name='name']/@value"), ["Nadia Portail"])
        response = self.url_open(url, data=self.form_data(
            slot, self.csrf_from(doc), name="Lina Portail", email="lina.p@example.com"))
        self.assertEqual(response.status_code, 200)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.partner_id.name, "Lina Portail")
        self.assertEqual(booking.booked_by_id, self.portal_user.partner_id)
        self.assertEqual(booking.booked_by_kind, "referrer")
        _response, doc = self.get_doc("/my/bookings")
        self.assertIn(f"/my/bookings/{booking.id}",
                      doc.xpath("//a[contains(@class, 'o_az_my_booking_link')]/@href"))

    def test_anonymous_visitor_is_sent_to_login(self):
        response = self.url_open(f"/my/bookings/{self.own.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestPortalStaffChoice(AzBookingPortalCommon):

    def test_person_picks_the_staff_member_among_the_free_ones(self):
        booking_type = self.type_individual.copy({
            "name": "Entretien au choix", "assignment": "user_picks", "is_published": True,
            "staff_user_ids": [(6, 0, (self.staff | self.staff_2).ids)],
        })
        slot = self.free_slots(booking_type)[0]
        self.assertEqual(len(slot["user_ids"]), 2)
        url = f"/booking/{booking_type.id}/book"
        _response, doc = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        options = doc.xpath("//main//select[@name='staff_id']/option/@value")
        self.assertEqual(sorted(options), sorted(["", str(self.staff.id), str(self.staff_2.id)]))
        csrf = self.csrf_from(doc)
        before = self.counts()
        for bad in (str(self.portal_user.id), "abc", "9" * 40):
            response = self.url_open(url, data=dict(
                self.form_data(slot, csrf), staff_id=bad))
            self.assertEqual(response.status_code, 400, bad)
        self.assertEqual(self.counts(), before)
        response = self.url_open(url, data=dict(
            self.form_data(slot, csrf), staff_id=str(self.staff_2.id)))
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
        button = str(self.env["ir.qweb"]._render(
            "az_booking.booking_type_button", {"booking_type": self.type_sensitive}))
        self.assertIn(f'href="/booking/{self.type_sensitive.id}"', button)
        self.assertNotIn("Suivi addictologie", button)
        snippet = str(self.env["ir.qweb"]._render("az_booking.s_az_booking_button", {}))
        self.assertIn('href="/booking"', snippet)
