"""An HTML check of the booking pages a screen-reader or keyboard user relies on: one h1,
a main landmark, a label for every field, links and buttons with a text, no positive
tabindex, and the slots reachable without JavaScript (plain links and forms)."""

from lxml import html

from odoo.tests import tagged

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestPortalAccessibility(AzBookingPortalCommon):
    def assert_accessible(self, url, expected_status=200, content=None):
        response = self.url_open(url) if content is None else None
        if response is not None:
            self.assertEqual(response.status_code, expected_status, url)
            content = response.content
        doc = html.fromstring(content)
        self.assertEqual(len(doc.xpath("//h1")), 1, f"{url}: exactly one h1")
        self.assertTrue(doc.xpath("string(//h1)").strip(), f"{url}: the h1 has a text")
        mains = doc.xpath("//main")
        self.assertEqual(len(mains), 1, f"{url}: one main landmark")
        main = mains[0]
        self.assertTrue(doc.xpath("//html/@lang"), f"{url}: the page language is set")
        self.assertTrue(doc.xpath("string(//title)").strip(), f"{url}: the page has a title")
        # every field of the page content has a label (or an accessible name)
        for field in main.xpath(".//input[not(@type='hidden')] | .//select | .//textarea"):
            field_id = field.get("id")
            labelled = (
                (field_id and main.xpath(f".//label[@for='{field_id}']"))
                or field.get("aria-label")
                or field.get("aria-labelledby")
                or field.xpath("ancestor::label")
            )
            self.assertTrue(labelled, f"{url}: field {field.get('name')} has no label")
        # links and buttons say what they do
        for element in main.xpath(".//a | .//button"):
            name = (element.text_content() or "").strip() or element.get("aria-label") or element.get("title")
            self.assertTrue(name, f"{url}: {html.tostring(element)[:200]} has no text")
        # no positive tabindex anywhere (it breaks the focus order)
        for value in doc.xpath("//@tabindex"):
            self.assertLessEqual(int(value), 0, f"{url}: positive tabindex")
        # headings do not skip levels inside the content
        levels = [int(h.tag[1]) for h in main.xpath(".//h1 | .//h2 | .//h3 | .//h4")]
        for previous, current in zip(levels, levels[1:], strict=False):
            self.assertLessEqual(current, previous + 1, f"{url}: heading levels {levels}")
        # an error message is announced
        for alert in main.xpath(".//*[contains(@class, 'alert-danger')]"):
            self.assertIn(alert.get("role"), ("alert", "status"), url)
        return doc, main

    def test_list_and_type_pages(self):
        self.assert_accessible("/booking")
        slot = self.free_slots(self.type_individual)[0]
        doc, main = self.assert_accessible(
            f"/booking/{self.type_individual.id}?week={slot['start'].date().isoformat()}"
        )
        slot_links = main.xpath(".//a[contains(@class, 'o_az_slot')]")
        self.assertTrue(slot_links)
        for link in slot_links:
            self.assertTrue(
                link.get("href").startswith(f"{self.type_individual.website_url}/book?start="), "a real link"
            )
            self.assertRegex(link.text_content().strip(), r"^Book \w+ \d+ \w+ \d{4} at \d\d:\d\d")
        self.assertTrue(main.xpath(".//nav[@aria-label]"))
        self.assert_accessible(f"/booking/{self.type_workshop.id}")

    def test_form_pages_including_errors(self):
        slot = self.free_slots(self.type_individual)[0]
        url = f"/booking/{self.type_individual.id}/book"
        doc, main = self.assert_accessible(f"{url}?start={self.start_param(slot['start'])}")
        self.assertTrue(main.xpath(".//input[@name='name'][@autocomplete='name']"))
        self.assertTrue(main.xpath(".//input[@name='email'][@type='email']"))
        self.assertTrue(main.xpath(".//fieldset/legend"), "yes/no answers are grouped")
        honeypot = main.xpath(".//input[@name='website_url']")[0]
        self.assertEqual(honeypot.get("tabindex"), "-1")
        self.assertTrue(honeypot.xpath("ancestor::*[@aria-hidden='true']"))
        csrf = self.csrf_from(doc)
        response = self.url_open(url, data=self.form_data(slot, csrf, name="", email="bad"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("Please correct the fields marked below.", response.text)
        _doc, main = self.assert_accessible(url, content=response.content)
        name_field = main.xpath(".//input[@name='name']")[0]
        self.assertEqual(name_field.get("aria-invalid"), "true")
        described = name_field.get("aria-describedby")
        self.assertTrue(main.xpath(f".//*[@id='{described}']/text()"), "the error is tied to its field")
        # slot taken: the proposed times are labelled radio buttons
        self.book_directly(self.type_individual, slot, self.portal_user_2.partner_id)
        response = self.url_open(url, data=self.form_data(slot, csrf))
        self.assertEqual(response.status_code, 409)
        self.assertIn("no longer available", response.text)
        _doc, main = self.assert_accessible(url, content=response.content)
        self.assertTrue(main.xpath(".//fieldset/legend"))
        self.assertTrue(main.xpath(".//input[@type='radio'][@name='start']"))

    def test_manage_reschedule_and_error_pages(self):
        slots = self.free_slots(self.type_individual)
        booking = self.book_directly(self.type_individual, slots[1], self.portal_user.partner_id)
        _doc, main = self.assert_accessible(self.manage_url(booking, "/cancel"))
        self.assertTrue(main.xpath(".//textarea[@name='reason']"))
        _doc, main = self.assert_accessible(self.manage_url(booking, "/reschedule"))
        links = main.xpath(".//a[contains(@class, 'o_az_slot')]")
        self.assertTrue(links)
        self.assertTrue(links[0].text_content().strip().startswith("Move my appointment to"))
        self.assertTrue(
            main.xpath(".//*[@aria-current='true'][contains(@class, 'o_az_slot_current')]"),
            "the current time is marked",
        )
        _doc, main = self.assert_accessible(links[0].get("href"))
        self.assertEqual(
            main.xpath(".//button[contains(@class, 'o_az_booking_move')]/ancestor::form/@method"), ["post"]
        )
        self.assert_accessible("/booking/manage/1-nope", expected_status=404)
        self.assert_accessible(
            f"/my/bookings/{booking.id}?access_token=nope-nope-nope-nope", expected_status=404
        )
        self.assert_accessible("/booking/999999", expected_status=404)
        self.assert_accessible(f"/booking/{self.type_individual.id}?week=2026-13-45", expected_status=400)

    def test_earlier_time_and_offer_pages(self):
        self.type_individual.write({"earlier_offers": True, "earlier_offer_stop_days": 0})
        slots = self.free_slots(self.type_individual)
        booking = self.book_directly(self.type_individual, slots[3], self.portal_user.partner_id)
        _doc, main = self.assert_accessible(self.manage_url(booking))
        self.assertTrue(main.xpath(".//button[contains(@class, 'o_az_booking_earlier_ask')]/ancestor::form"))
        Offer = self.env["az.booking.offer"].sudo()
        offer = Offer.create(Offer._prepare_values(booking, slots[0]))
        _doc, main = self.assert_accessible(f"/booking/offer/{offer.id}?token={offer.token}")
        self.assertEqual(
            main.xpath(".//button[contains(@class, 'o_az_offer_accept')]/ancestor::form/@method"), ["post"]
        )
        offer.state = "expired"
        self.assert_accessible(f"/booking/offer/{offer.id}?token={offer.token}", expected_status=410)
