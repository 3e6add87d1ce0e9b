"""Addresses of the booking pages (``/booking/<slug>``) and the links of former schemes."""

import secrets
from urllib.parse import urlsplit

from odoo.tests import tagged

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestBookingTypeSlugs(AzBookingPortalCommon):
    def test_types_have_a_slug_address_and_ids_still_lead_there(self):
        url = self.type_individual.website_url
        self.assertEqual(url, f"/booking/premier-accueil-{self.type_individual.id}")
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Premier accueil", response.text)
        # the former address, and one with an outdated name, lead to it
        for old in (f"/booking/{self.type_individual.id}", f"/booking/old-name-{self.type_individual.id}"):
            response = self.url_open(f"{old}?week=2030-01-07", allow_redirects=False)
            self.assertEqual(response.status_code, 301, old)
            location = urlsplit(response.headers["Location"])
            self.assertEqual(location.path, url)
            self.assertEqual(location.query, "week=2030-01-07")
        # the booking form of a slot is reached the same way
        slot = self.free_slots(self.type_individual)[0]
        response = self.url_open(
            f"/booking/{self.type_individual.id}/book?start={self.start_param(slot['start'])}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 301)
        self.assertEqual(urlsplit(response.headers["Location"]).path, f"{url}/book")

    def test_slug_of_a_sensitive_type_says_only_its_neutral_name(self):
        url = self.type_sensitive.website_url
        self.assertEqual(url, f"/booking/appointment-{self.type_sensitive.id}")
        response = self.url_open(f"/booking/{self.type_sensitive.id}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(url))
        self.assertNotIn("addictologie", response.url)

    def test_french_pages_have_french_slugs(self):
        lang_fr = self.env["res.lang"]._activate_lang("fr_FR")
        self.env["website"].get_current_website().language_ids = [(4, lang_fr.id)]
        self.type_workshop.with_context(lang="fr_FR").name = "Atelier numérique"
        self.type_workshop.with_context(lang="en_US").name = "Digital workshop"
        response = self.url_open(f"/booking/{self.type_workshop.id}")
        self.assertEqual(urlsplit(response.url).path, f"/booking/digital-workshop-{self.type_workshop.id}")
        response = self.url_open(f"/fr/booking/{self.type_workshop.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            urlsplit(response.url).path, f"/fr/booking/atelier-numerique-{self.type_workshop.id}"
        )

    def test_unpublished_unknown_and_malformed_addresses_are_a_clear_404(self):
        hidden = self.type_hidden
        response = self.url_open(f"/booking/{hidden.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 404, "no redirect that would say its name")
        self.assertIn("cannot be booked online", response.text)
        self.assertNotIn("Entretien interne", response.text)
        self.assertEqual(hidden.website_url, f"/booking/entretien-interne-{hidden.id}")
        response = self.url_open(hidden.website_url)
        self.assertEqual(response.status_code, 404)
        self.assertIn("cannot be booked online", response.text)
        self.assertNotIn("entretien", response.url, "redirected to its id only")
        for bad in ("0", "00", "-1", "2147483648", "\u0661", "\uff11", "premier-accueil-", "a%2F1"):
            response = self.url_open(f"/booking/{bad}", allow_redirects=False)
            self.assertEqual(response.status_code, 404, bad)


@tagged("post_install", "-at_install")
class TestFormerLinks(AzBookingPortalCommon):
    def test_links_of_the_former_scheme_say_so_and_change_nothing(self):
        slots = self.free_slots(self.type_individual)
        booking = self.book_directly(self.type_individual, slots[1], self.portal_user.partner_id)
        token = booking._portal_ensure_token()
        mails_before = self.env["mail.mail"].sudo().search_count([])
        # the former personal links: ``<id>-<secret>`` under /booking/manage
        former = f"{booking.id}-{secrets.token_urlsafe(32)}"
        _response, form = self.get_doc(
            f"{self.type_individual.website_url}/book?start={self.start_param(slots[0]['start'])}"
        )
        csrf = self.csrf_from(form)
        for method, url, data in (
            ("GET", f"/booking/manage/{former}", None),
            ("POST", f"/booking/manage/{former}/cancel", {"csrf_token": csrf, "reason": "x"}),
            ("POST", f"/booking/manage/{former}/reschedule", {"csrf_token": csrf, "start": "x"}),
        ):
            response = self.url_open(url, data=data, allow_redirects=False)
            self.assertEqual(response.status_code, 404, (method, url))
            self.assertIn("This link is no longer in use", response.text)
        # a former secret given as the access token of the new links
        response = self.url_open(
            f"/my/bookings/{booking.id}/cancel?access_token={former}", data={"csrf_token": csrf}
        )
        self.assertEqual(response.status_code, 404)
        self.assertIn("not valid or has expired", response.text)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual(booking.access_token, token)
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails_before, "nothing sent")
