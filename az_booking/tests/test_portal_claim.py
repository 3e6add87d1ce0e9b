"""Privacy of the website booking's contact and of the claim ("this appointment is mine"):
typed details never reach a stored contact, and the link of whoever typed an address shows
nothing of the person who proved it is theirs."""

from odoo.tests import tagged

from .portal_common import AzBookingPortalCommon

LINK_NOT_VALID = "This link is not valid or has expired."


@tagged("post_install", "-at_install")
class TestPortalClaim(AzBookingPortalCommon):
    def book(self, slot, **overrides):
        """Send the booking form of ``slot`` (individual type); return the response and the
        booking made."""
        url = f"/booking/{self.type_individual.id}/book"
        _response, form = self.get_doc(f"{url}?start={self.start_param(slot['start'])}")
        response = self.url_open(url, data=self.form_data(slot, self.csrf_from(form), **overrides))
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        return response, booking

    def claim(self, booking):
        """Follow the claim link sent to the typed address and confirm; return the answer."""
        _response, page = self.get_doc(booking.claim_url.replace(booking.get_base_url(), ""))
        claim_form = page.xpath("//form[contains(@class, 'o_az_booking_claim_form')]")
        self.assertTrue(claim_form, "the claim link offers to add the booking to the account")
        return self.url_open(
            claim_form[0].get("action"),
            data={
                "csrf_token": self.csrf_from(page),
                "claim": claim_form[0].xpath("string(.//input[@name='claim']/@value)"),
            },
        )

    def staff_contact(self):
        """A contact made by staff, with no account, and a private note."""
        return self.env["res.partner"].create(
            {
                "name": "Samia Haddad",
                "email": "samia.haddad@example.com",
                "phone": self.e164("+33 6 12 34 56 78"),
                "comment": "Suivi social : dossier de surendettement en cours.",
            }
        )

    def test_typed_name_and_address_never_reach_a_contact_made_by_staff(self):
        """A visitor types the name (in another case) and e-mail of a contact staff made: the
        booking goes to a new contact holding what was typed; the page shows the typed name,
        never the stored one; the stored contact is only offered through the claim link."""
        stored = self.staff_contact()
        slot = self.free_slots(self.type_individual)[0]
        response, booking = self.book(slot, name="SAMIA HADDAD")
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(booking.partner_id, stored)
        self.assertEqual(booking.partner_id.name, "SAMIA HADDAD")
        self.assertIn("SAMIA HADDAD", response.text)
        self.assertNotIn("Samia Haddad", response.text)
        self.assertNotIn("surendettement", response.text)
        self.assertEqual(booking.claim_partner_id, stored)
        # the exact stored name does not open the stored contact either
        response, second = self.book(self.free_slots(self.type_individual)[1])
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(second.partner_id, stored)
        self.assertEqual(second.claim_partner_id, stored)
        self.assertFalse(stored.az_booking_typed)

    def test_the_website_contact_holds_what_any_contact_of_those_details_holds(self):
        """The contact the form makes is stored as Odoo stores a contact of the same details
        made by staff: the fields it is created with rather than computed (the Peppol
        address, the VIES check of Odoo's e-invoicing and VAT modules) hold what Odoo computes
        for such a contact."""
        _response, booking = self.book(self.free_slots(self.type_individual)[0])
        typed = booking.partner_id
        plain = (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": typed.name,
                    "email": typed.email,
                    "phone": typed.phone,
                    "lang": typed.lang,
                    "company_id": typed.company_id.id,
                    "az_is_beneficiary": True,
                    "az_booking_typed": True,
                }
            )
        )
        per_record = {
            "id",
            "create_date",
            "create_uid",
            "write_date",
            "write_uid",
            "commercial_partner_id",
            "az_badge_nonce",
            "calendar_last_notif_ack",  # the instant each was made
        }
        stored = [
            name
            for name, field in typed._fields.items()
            if field.store and name not in per_record and field.type not in ("one2many", "many2many")
        ]
        self.assertTrue(typed.az_booking_typed)
        typed_values, plain_values = typed.read(stored)[0], plain.read(stored)[0]
        self.assertEqual(
            {name: typed_values[name] for name in stored if typed_values[name] != plain_values[name]},
            {},
        )

    def test_a_second_booking_with_the_same_details_keeps_the_claim(self):
        """The same details typed twice: the contact the form made is used again, and the
        second booking still offers the stored contact of that address (its claim link is
        in its confirmation)."""
        stored = self.staff_contact()
        slots = self.free_slots(self.type_individual)
        _response, first = self.book(slots[0])
        _response, second = self.book(slots[1])
        self.assertEqual(second.partner_id, first.partner_id)
        self.assertEqual(second.claim_partner_id, stored)
        self.assertTrue(second.claim_url)
        self.assertTrue(first.partner_id.az_booking_typed)
        mail = self.env["mail.mail"].sudo().search([("model", "=", "az.booking"), ("res_id", "=", second.id)])
        self.assertIn("claim=", mail.body_html)

    def test_after_a_claim_the_typists_link_shows_nothing_of_the_person(self):
        """Once the person of the typed address confirms the booking is theirs, the link the
        typist got (page and calendar file) no longer opens it; the person goes on with a
        new link, which shows their booking."""
        paul = self.portal_user_2.partner_id
        slot = self.free_slots(self.type_individual)[0]
        response, booking = self.book(slot, name="Someone Else", email="paul.portail@example.com", phone="")
        self.assertEqual(booking.claim_partner_id, paul)
        typist_page = self.manage_url(booking)
        typist_ics = self.manage_url(booking, "/appointment.ics")
        self.assertEqual(self.url_open(typist_ics).status_code, 200)
        response = self.claim(booking)
        self.assertEqual(response.status_code, 200)
        booking.invalidate_recordset()
        self.assertEqual(booking.partner_id, paul)
        self.assertIn("Paul Portail", response.text, "the person sees their booking")
        self.assertIn(booking.access_token, response.url)
        for url in (typist_page, typist_ics):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertIn(LINK_NOT_VALID, response.text)
            self.assertNotIn("Paul Portail", response.text)
            self.assertNotIn("paul.portail@example.com", response.text)
        # the new link came to the person's own address
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("model", "=", "az.booking"), ("res_id", "=", booking.id), ("recipient_ids", "in", paul.ids)]
            )
        )
        self.assertTrue(mails.filtered(lambda m: booking.access_token in m.body_html))

    def test_a_claim_link_cannot_move_a_cancelled_booking(self):
        stored = self.staff_contact()
        slot = self.free_slots(self.type_individual)[0]
        _response, booking = self.book(slot, name="Quelqu'un")
        _response, page = self.get_doc(booking.claim_url.replace(booking.get_base_url(), ""))
        claim_form = page.xpath("//form[contains(@class, 'o_az_booking_claim_form')]")
        signature = claim_form[0].xpath("string(.//input[@name='claim']/@value)")
        typed = booking.partner_id
        booking.action_cancel(cancel_by="service", reason="Fermeture exceptionnelle")
        self.assertFalse(booking._portal_claim(signature))
        self.assertEqual(booking.partner_id, typed)
        # nor through the page, for a staff member who can open it
        self.authenticate(self.staff.login, self.staff.login)
        other = self.free_slots(self.type_individual)[1]
        _response, form = self.get_doc(
            f"/booking/{self.type_individual.id}/book?start={self.start_param(other['start'])}"
        )
        response = self.url_open(
            f"/my/bookings/{booking.id}/claim", data={"csrf_token": self.csrf_from(form), "claim": signature}
        )
        self.assertEqual(response.status_code, 404)
        booking.invalidate_recordset()
        self.assertEqual(booking.partner_id, typed)
        self.assertNotEqual(booking.partner_id, stored)
