"""Referring organisations: a referent books for a person they refer on the types open to
referents, through the website's booking path; the person gets their own confirmation; the
referent follows only the bookings they made, on their own page, never over JSON-RPC."""

from odoo.tests import JsonRpcException, new_test_user, tagged

from .portal_common import AzBookingPortalCommon


class AzReferralCommon(AzBookingPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.org = Partner.create(
            {"name": "Mission Locale des Graves", "is_company": True, "az_is_referrer": True}
        )
        cls.other_org = Partner.create({"name": "CCAS de Bègles", "is_company": True, "az_is_referrer": True})
        cls.referent = cls._make_referent("az_ref_ines", "Inès Conseillère", cls.org)
        cls.referent_2 = cls._make_referent("az_ref_marc", "Marc Travailleur", cls.other_org)
        # sensitive, open to referents only
        cls.type_sensitive.booking_audience = "referents"
        cls.type_staff_only = cls.type_individual.copy(
            {"name": "Entretien de suivi", "booking_audience": "staff", "is_published": True}
        )
        cls.person = Partner.create({"name": "Lina Orientée", "email": "lina.orientee@example.com"})

    @classmethod
    def _make_referent(cls, login, name, organisation):
        user = new_test_user(
            cls.env,
            login=login,
            password=login,
            groups="base.group_portal",
            name=name,
            email=f"{login}@example.com",
        )
        user.partner_id.parent_id = organisation
        return user

    def referral(self, booking_type, slot, person, referent, state="confirmed"):
        booking = self.book_directly(booking_type, slot, person, booked_by=referent.partner_id)
        if state != "confirmed":
            booking.sudo().write({"state": state})
        return booking


@tagged("post_install", "-at_install")
class TestReferentBooks(AzReferralCommon):
    def test_referent_books_for_a_person_who_gets_their_own_confirmation(self):
        self.authenticate("az_ref_ines", "az_ref_ines")
        slot = self.free_slots(self.type_sensitive)[2]
        url = f"/booking/{self.type_sensitive.id}/book"
        _response, doc = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        # the form asks for the person's details, not the referent's, and says for whom
        self.assertEqual(doc.xpath("//main//input[@name='name']/@value"), [""])
        self.assertIn(
            "Mission Locale des Graves", doc.xpath("string(//div[hasclass('o_az_referral_notice')])")
        )
        consent = doc.xpath("string(//label[@for='az_consent'])")
        self.assertIn("I book it for them", consent)
        mails_before = self.env["mail.mail"].sudo().search([]).ids
        response = self.url_open(
            url,
            data=self.form_data(
                slot, self.csrf_from(doc), name="Yanis Orienté", email="yanis.o@example.com", phone=""
            ),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertTrue(response.headers["Location"].endswith(f"/my/referrals?booked={booking.name}"))
        self.assertEqual(booking.partner_id.name, "Yanis Orienté")
        self.assertEqual(booking.booked_by_id, self.referent.partner_id)
        self.assertEqual(booking.booked_by_kind, "referrer")
        self.assertEqual(booking.referrer_org_id, self.org)
        self.assertEqual(booking.consent_by_id, self.referent.partner_id)
        self.assertIn("I book it for them", booking.consent_text)
        self.assertTrue(booking.consent_datetime)
        # the person's own confirmation, with their personal link; none to the referent
        mails = self.env["mail.mail"].sudo().search([("id", "not in", mails_before)])
        to_person = mails.filtered(lambda m: booking.partner_id in m.recipient_ids)
        self.assertEqual(len(to_person), 1)
        self.assertIn(booking.access_token, str(to_person.body_html))
        self.assertFalse(mails.filtered(lambda m: self.referent.partner_id in m.recipient_ids))
        # the referent's page says it is booked, without the sensitive name
        _response, doc = self.get_doc(f"/my/referrals?booked={booking.name}")
        self.assertIn(booking.name, doc.xpath("string(//div[hasclass('o_az_referral_booked')])"))
        row = doc.xpath(f"//tr[@data-reference='{booking.name}']")[0].text_content()
        self.assertIn("Yanis Orienté", row)
        self.assertIn("Confirmed", row)
        self.assertNotIn("addictologie", response.text + doc.text_content())

    def test_referent_typing_a_known_address_books_a_new_contact_until_the_person_confirms(self):
        self.authenticate("az_ref_ines", "az_ref_ines")
        slot = self.free_slots(self.type_sensitive)[1]
        url = f"/booking/{self.type_sensitive.id}/book"
        _response, doc = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        self.url_open(
            url,
            data=self.form_data(slot, self.csrf_from(doc), name="Lina O.", email=self.person.email, phone=""),
        )
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        # typed details prove nothing: the booking waits for the person's own confirmation
        self.assertNotEqual(booking.partner_id, self.person)
        self.assertEqual(booking.claim_partner_id, self.person)
        self.assertTrue(booking._portal_claim(booking._get_claim_signature()))
        self.assertEqual(booking.partner_id, self.person)
        self.assertEqual(booking.referrer_org_id, self.org)

    def test_who_may_book_each_type(self):
        staff_only_url = f"/booking/{self.type_staff_only.id}"
        referents_url = f"/booking/{self.type_sensitive.id}"
        # a visitor: the referents' type and the staff's type do not exist for them
        self.get_doc(referents_url, expected_status=404)
        self.get_doc(staff_only_url, expected_status=404)
        _response, doc = self.get_doc("/booking")
        listed = doc.text_content()
        self.assertIn("Premier accueil", listed)
        self.assertNotIn("Entretien de suivi", listed)
        # a portal user who is no referent: the same
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        self.get_doc(referents_url, expected_status=404)
        # a referent: the referents' type, never the staff's
        self.authenticate("az_ref_ines", "az_ref_ines")
        self.get_doc(referents_url)
        self.get_doc(staff_only_url, expected_status=404)
        _response, doc = self.get_doc("/booking")
        self.assertNotIn("Entretien de suivi", doc.text_content())

    def test_posting_to_a_type_not_open_to_the_visitor_writes_nothing(self):
        slot = self.free_slots(self.type_staff_only)[1]
        before = self.counts()
        for login in (None, "az_portal_nadia", "az_ref_ines"):
            self.authenticate(login, login)
            open_slot = self.free_slots(self.type_individual)[1]
            _response, doc = self.get_doc(
                f"/booking/{self.type_individual.id}/book?start={self.start_param(open_slot['start'])}"
            )
            response = self.url_open(
                f"/booking/{self.type_staff_only.id}/book", data=self.form_data(slot, self.csrf_from(doc))
            )
            self.assertEqual(response.status_code, 404, login)
        self.assertEqual(self.counts(), before)

    def test_model_refuses_a_type_the_user_may_not_book(self):
        slot = self.free_slots(self.type_staff_only)[1]
        request = {
            "start": slot["start"],
            "name": "X",
            "email": "x@example.com",
            "email_normalized": "x@example.com",
            "phone_e164": False,
            "answers": {},
            "submission_key": "m" * 24,
            "waiting_list": False,
            "staff_id": False,
        }
        with self.assertRaisesRegex(Exception, "cannot be booked online"):
            self.env["az.booking"].with_user(self.referent)._book_from_website(
                self.type_staff_only.sudo(), request
            )


@tagged("post_install", "-at_install")
class TestReferentFollows(AzReferralCommon):
    def setUp(self):
        super().setUp()
        slots = self.free_slots(self.type_individual, days=10)
        partner = self.env["res.partner"]
        self.p_confirmed = partner.create({"name": "Personne Confirmée", "email": "pc@example.com"})
        self.p_absent = partner.create({"name": "Personne Absente", "email": "pa@example.com"})
        self.p_sensitive = partner.create({"name": "Personne Sensible", "email": "ps@example.com"})
        self.mine = self.referral(self.type_individual, slots[0], self.p_confirmed, self.referent)
        self.absent = self.referral(
            self.type_individual, slots[2], self.p_absent, self.referent, state="no_show"
        )
        self.sensitive = self.referral(
            self.type_sensitive, self.free_slots(self.type_sensitive)[3], self.p_sensitive, self.referent
        )
        # the person's own booking, and another referent's: never shown to this referent
        self.own_booking = self.book_directly(self.type_individual, slots[4], self.p_confirmed)
        self.others = self.referral(self.type_individual, slots[6], self.person, self.referent_2)

    def test_referent_sees_each_outcome_and_nothing_else(self):
        later = self.free_slots(self.type_individual, days=10)[8]
        self.mine.sudo().write({"start": later["start"], "stop": later["stop"]})
        self.authenticate("az_ref_ines", "az_ref_ines")
        _response, doc = self.get_doc("/my/referrals")
        rows = {tr.get("data-reference"): tr.text_content() for tr in doc.xpath("//tr[@data-reference]")}
        self.assertEqual(set(rows), {self.mine.name, self.absent.name, self.sensitive.name})
        self.assertIn("Moved", rows[self.mine.name])
        self.assertIn("Absent", rows[self.absent.name])
        self.assertIn("Appointment", rows[self.sensitive.name])
        self.assertNotIn("addictologie", doc.text_content())
        # the type lets referents see its name
        self.type_sensitive.referent_sees_name = True
        _response, doc = self.get_doc("/my/referrals")
        self.assertIn("Suivi addictologie", doc.text_content())
        # each status a referent reads
        labels = {}
        for state in ("cancelled", "done", "no_show", "excused"):
            self.mine.sudo().write({"state": state})
            _response, doc = self.get_doc("/my/referrals")
            labels[state] = doc.xpath(
                f"string(//tr[@data-reference='{self.mine.name}']//span[hasclass('o_az_referral_status')])"
            )
        self.assertEqual(
            labels, {"cancelled": "Cancelled", "done": "Attended", "no_show": "Absent", "excused": "Excused"}
        )

    def test_referent_reaches_none_of_these_bookings_by_other_ways(self):
        self.authenticate("az_ref_ines", "az_ref_ines")
        # the booking pages of a person: not without the person's link
        for booking in (self.mine, self.sensitive, self.own_booking, self.others):
            response = self.url_open(f"/my/bookings/{booking.id}")
            self.assertEqual(response.status_code, 404, booking.name)
        _response, doc = self.get_doc("/my/bookings")
        self.assertFalse(doc.xpath("//tr[hasclass('o_az_my_booking')]"))
        # JSON-RPC: nothing to search, nothing to read
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "az.booking",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["name", "type_id", "partner_id"]},
            },
        )
        self.assertEqual(found, [])
        for booking in (self.mine, self.sensitive, self.others):
            with self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {
                        "model": "az.booking",
                        "method": "read",
                        "args": [[booking.id], ["type_id"]],
                        "kwargs": {},
                    },
                )

    def test_the_page_is_for_referents_and_reads_its_input_safely(self):
        response = self.url_open("/my/referrals", allow_redirects=False)
        self.assertEqual(response.status_code, 303)  # a visitor logs in first
        self.authenticate("az_portal_nadia", "az_portal_nadia")
        self.get_doc("/my/referrals", expected_status=403)
        self.authenticate("az_ref_ines", "az_ref_ines")
        before = self.counts()
        for hostile in ("<script>alert(1)</script>", "x" * 5000, "%00", self.others.name):
            response, doc = self.get_doc(f"/my/referrals?booked={hostile}")
            self.assertFalse(doc.xpath("//div[hasclass('o_az_referral_booked')]"), hostile)
            self.assertNotIn("<script>alert", response.text)
        self.get_doc("/my/referrals/page/abc", expected_status=404)
        self.assertEqual(self.counts(), before)


@tagged("post_install", "-at_install")
class TestReferentAbsence(AzReferralCommon):
    def test_no_show_tells_the_referent_once_in_their_language(self):
        lang_fr = self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["az_booking"], ["fr_FR"])
        self.referent.partner_id.lang = lang_fr.code
        booking = self.referral(
            self.type_sensitive, self.free_slots(self.type_sensitive)[1], self.person, self.referent
        )
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search([]).ids
        booking.sudo().write({"state": "no_show"})
        booking.sudo().write({"state": "confirmed"})
        booking.sudo().write({"state": "no_show"})
        to_referent = Mail.search(
            [("id", "not in", before), ("recipient_ids", "in", self.referent.partner_id.ids)]
        )
        self.assertEqual(len(to_referent), 1)
        self.assertIn("ne s'est pas présenté", to_referent.subject)
        self.assertIn(booking.name, to_referent.body_html)
        self.assertNotIn("addictologie", to_referent.body_html + to_referent.subject)
        # a booking the person made themselves tells no referent
        own = self.book_directly(self.type_individual, self.free_slots(self.type_individual)[1], self.person)
        own.sudo().write({"state": "no_show"})
        self.assertEqual(
            Mail.search_count(
                [("id", "not in", before), ("recipient_ids", "in", self.referent.partner_id.ids)]
            ),
            1,
        )


@tagged("post_install", "-at_install")
class TestReferralReport(AzReferralCommon):
    def test_report_counts_referred_came_and_absent_per_organisation(self):
        slots = self.free_slots(self.type_individual, days=10)
        people = self.env["res.partner"].create([{"name": f"P{i}"} for i in range(4)])
        self.referral(self.type_individual, slots[0], people[0], self.referent, state="done")
        self.referral(self.type_individual, slots[2], people[1], self.referent, state="no_show")
        self.referral(self.type_individual, slots[4], people[2], self.referent)
        self.referral(self.type_individual, slots[6], people[3], self.referent_2, state="done")
        self.book_directly(self.type_individual, slots[8], self.person)
        self.env.flush_all()
        # the organisations of this test (the demo's own referrals stay out of the count)
        groups = self.env["az.booking.referral.report"]._read_group(
            [("referrer_org_id", "in", (self.org | self.other_org).ids)],
            ["referrer_org_id"],
            ["referred_count:sum", "came_count:sum", "absent_count:sum"],
        )
        self.assertEqual(
            {org.name: counts for org, *counts in groups},
            {"Mission Locale des Graves": [3, 1, 1], "CCAS de Bègles": [1, 1, 0]},
        )

    def test_staff_invite_referents_with_odoo_portal_access(self):
        action = self.org.action_az_invite_referents()
        self.assertEqual(action["res_model"], "portal.wizard")
        wizard = self.env["portal.wizard"].with_context(**action["context"]).create({})
        self.assertIn(self.referent.partner_id, wizard.user_ids.partner_id)
        self.assertEqual(self.org.az_referent_user_ids, self.referent)
        self.assertEqual(self.referent.partner_id._az_referrer_organisation(), self.org)
        self.assertFalse(self.portal_user.partner_id._az_referrer_organisation())


@tagged("post_install", "-at_install")
class TestReferentTourOnPhone(AzReferralCommon):
    """A referent on a phone, in French, books for a person; the person's confirmation
    arrives, in French, with their personal link."""

    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lang_fr = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_booking"], ["fr_FR"])
        cls.env["website"].get_current_website().language_ids = [(4, lang_fr.id)]
        cls.referent.partner_id.lang = lang_fr.code
        cls.type_referents = cls.type_sensitive.copy(
            {"name": "Orientation emploi", "is_sensitive": False, "is_published": True}
        )

    def test_referent_books_for_a_person_on_a_phone(self):
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search([]).ids
        self.start_tour("/fr/my/referrals", "az_booking_referent_books", login="az_ref_ines")
        booking = self.env["az.booking"].sudo().search([("referred_name", "=", "Yanis Tour")])
        self.assertEqual(len(booking), 1)
        self.assertEqual(booking.referrer_org_id, self.org)
        self.assertEqual(booking.type_id, self.type_referents)
        confirmation = Mail.search(
            [("id", "not in", before), ("recipient_ids", "in", booking.partner_id.ids)]
        )
        self.assertEqual(len(confirmation), 1)
        self.assertIn(booking.access_token, str(confirmation.body_html))
        self.assertIn("rendez-vous", confirmation.subject.lower())
