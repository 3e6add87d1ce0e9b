import base64

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_open

# Odoo's sample website content that must never reach a public page of the demo
PLACEHOLDERS = (
    "YourLogo",
    "Your logo",
    "555-555",
    "yourcompany",
    "Company name",
    "Nom de l'entreprise",
    "disruptive",
    "disruptifs",
    "Acme",
    "My Company",
    "Fake Buena Vista",
    "facebook.com/Odoo",
    "twitter.com/Odoo",
    "linkedin.com/company/odoo",
)


@tagged("post_install", "-at_install")
class TestDemoWebsite(HttpCase):
    """The demo's public pages show the association, not Odoo's sample site."""

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # a visitor of this database

    def _page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response.text

    def test_public_pages_show_the_association_and_no_sample_content(self):
        company = self.env.ref("base.main_company")
        first = self.env.ref("az_booking.az_booking_type_first_demo")
        for url in ("/", "/booking", first.website_url, "/contactus"):
            page = self._page(url)
            for placeholder in PLACEHOLDERS:
                self.assertNotIn(placeholder, page, f"{placeholder!r} on {url}")
            self.assertIn(company.phone, page, url)
            self.assertIn(company.email, page, url)

    def test_the_home_page_presents_the_services_with_their_booking_links(self):
        page = self._page("/")
        self.assertIn("Les Ateliers Solidaires", page)
        for xmlid in (
            "az_booking_type_first_demo",
            "az_booking_type_social_demo",
            "az_booking_type_cv_workshop_demo",
        ):
            booking_type = self.env.ref(f"az_booking.{xmlid}")
            self.assertIn(f'href="{booking_type.website_url}"', page, booking_type.name)
        self.assertIn('href="/booking"', page)
        # the website's logo is the association's, not Odoo's sample "YourLogo"
        website = self.env["website"].get_current_website()
        with file_open("website/static/src/img/website_logo.svg", "rb") as sample:
            self.assertNotEqual(base64.b64decode(website.with_context(bin_size=False).logo), sample.read())
