from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from . import test_portal_accessibility as a11y
from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestTerritoryWebsite(AzBookingPortalCommon):
    """A visitor types an address on /booking and books at the site that serves it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Site = cls.env["az.site"]
        cls.town = Site.create({"name": "Maison des solidarités Paris 5", "city": "Paris", "zip": "75005"})
        cls.street = Site.create({"name": "Antenne Saint-Michel", "city": "Paris", "zip": "75005"})
        cls.env["az.site.area"].create(
            [
                {"site_id": cls.town.id, "city": "Paris", "postcode": "75005"},
                {"site_id": cls.street.id, "city": "Paris", "street": "Boulevard Saint-Michel"},
            ]
        )
        cls.type_individual.write(
            {"site_ids": [Command.set((cls.town | cls.street).ids)], "territory_open": False}
        )
        # the other types (the demo's among them) serve only their sites' areas: none here
        cls.env["az.booking.type"].search([("id", "!=", cls.type_individual.id)]).territory_open = False

    def test_the_list_of_types_offers_the_address_search_as_a_plain_form(self):
        _response, doc = self.get_doc("/booking")
        form = doc.xpath("//form[contains(@class, 'o_az_territory_form')]")
        self.assertTrue(form, "the search works without JavaScript: a GET form")
        self.assertEqual((form[0].get("action"), form[0].get("method")), ("/booking/address", "get"))
        self.assertTrue(form[0].xpath(".//label[@for='az_address']"), "the field has its label")
        # the example is the structure's own address, one its people recognise
        company = self.env.company
        company.write({"street": "12 rue des Faures", "zip": "33000", "city": "Bordeaux"})
        _response, doc = self.get_doc("/booking")
        hint = doc.xpath("//*[@id='az_address_help']")[0].text_content()
        self.assertEqual(hint, "For example: 12 rue des Faures, 33000 Bordeaux — or only 33000.")

    def test_an_address_lists_the_site_serving_it_with_links_to_book(self):
        _response, doc = self.get_doc("/booking/address?address=12+bd+St-Michel,+75005+Paris")
        text = doc.text_content()
        self.assertIn("Antenne Saint-Michel", text)
        self.assertNotIn("Maison des solidarités Paris 5", text, "the street's site, not the town's")
        links = doc.xpath(
            "//ol[contains(@class, 'o_az_territory_results')]//a[contains(@class, 'o_az_slot')]/@href"
        )
        self.assertEqual(len(links), 3)
        self.assertTrue(all(f"&site={self.street.id}" in link for link in links))
        # the form keeps the site and the booking is made there
        _response, form = self.get_doc(links[0])
        self.assertIn("Antenne Saint-Michel", form.xpath("string(//p[contains(@class, 'o_az_site_chosen')])"))
        start = form.xpath("string(//input[@name='start']/@value)")
        slot = {"start": datetime.strptime(start, "%Y-%m-%dT%H:%M")}
        data = self.form_data(slot, self.csrf_from(form), site_id=str(self.street.id))
        response = self.url_open(f"/booking/{self.type_individual.id}/book", data=data)
        self.assertEqual(response.status_code, 200)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.site_id, self.street)

    def test_an_address_nobody_serves_says_so(self):
        response, doc = self.get_doc("/booking/address?address=13001")
        self.assertIn("No appointment online serves this address", doc.text_content())

    def test_hostile_input_is_a_clear_400_and_writes_nothing(self):
        before = self.counts()
        for query in (
            "",
            "?address=",
            "?address=" + "a" * 201,
            "?address=75005%00",
            "?address=%E2%80%AE75005",
        ):
            response = self.url_open(f"/booking/address{query}")
            self.assertEqual(response.status_code, 400, query)
            self.assertIn("az_address_error", response.text)
        slot = self.free_slots(self.type_individual)[0]
        book = f"/booking/{self.type_individual.id}/book?start={self.start_param(slot['start'])}"
        for site in ("x", "-1", "99999999999", str(self.env["az.site"].create({"name": "Ailleurs"}).id)):
            response = self.url_open(f"{book}&site={site}")
            self.assertEqual(response.status_code, 400, site)
        _response, form = self.get_doc(book)
        foreign = self.env["az.site"].search([("id", "not in", self.type_individual.site_ids.ids)], limit=1)
        response = self.url_open(
            f"/booking/{self.type_individual.id}/book",
            data=self.form_data(slot, self.csrf_from(form), site_id=str(foreign.id)),
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.counts()[0], before[0], "no booking written")

    def test_address_page_and_its_refusal_pass_the_accessibility_checks(self):
        check = a11y.TestPortalAccessibility.assert_accessible
        _doc, main = check(self, "/booking/address?address=75005")
        self.assertTrue(main.xpath(".//a[contains(@class, 'o_az_slot')]"), "free times as plain links")
        _doc, main = check(self, "/booking/address?address=", expected_status=400)
        field = main.xpath(".//input[@id='az_address']")[0]
        self.assertEqual(field.get("aria-invalid"), "true")
        self.assertIn("az_address_error", field.get("aria-describedby"), "the error is read with the field")
