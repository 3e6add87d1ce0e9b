from lxml import html

from odoo.tests import tagged

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestPortalFrench(AzBookingPortalCommon):
    """A visitor browsing the French website books in French and gets a French e-mail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lang_fr = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_booking"], ["fr_FR"])
        website = cls.env["website"].get_current_website()
        website.language_ids = [(4, lang_fr.id)]

    def test_french_pages_and_confirmation(self):
        slot = self.free_slots(self.type_individual)[0]
        response = self.url_open(f"/fr/booking/{self.type_individual.id}")
        self.assertEqual(response.status_code, 200)
        doc = html.fromstring(response.content)
        label = doc.xpath("//main//a[contains(@class, 'o_az_slot')]")[0].text_content()
        self.assertTrue(label.strip().startswith("Réserver "), label)
        # the time zone as people say it, not its technical name
        self.assertIn("heure de Paris", response.text)
        self.assertNotIn("Europe/Paris", response.text)
        response = self.url_open(
            f"/fr/booking/{self.type_individual.id}/book?start={self.start_param(slot['start'])}"
        )
        doc = html.fromstring(response.content)
        self.assertIn("Confirmer", doc.xpath("string(//main//button[@type='submit'])"))
        response = self.url_open(
            f"/fr/booking/{self.type_individual.id}/book",
            data=self.form_data(slot, self.csrf_from(doc), name=""),
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("votre nom", html.fromstring(response.content).xpath("string(//*[@id='name_error'])"))
        response = self.url_open(
            f"/fr/booking/{self.type_individual.id}/book", data=self.form_data(slot, self.csrf_from(doc))
        )
        self.assertEqual(response.status_code, 200)
        booking = self.env["az.booking"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(booking.partner_id.lang, "fr_FR")
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
        self.assertIn("Votre rendez-vous", mail.subject)
        self.assertIn("Bonjour", mail.body_html)
        self.assertIn(booking.access_token, mail.body_html)
        self.assertEqual(booking.lang, "fr_FR")
        # the personal link opens in French, whatever the browser asks
        response = self.url_open(self.manage_url(booking), headers={"Accept-Language": "en"})
        self.assertIn("Votre rendez-vous", response.text)
        self.assertNotRegex(mail.body_html, r"\d{2}:\d{2}:\d{2}", "times without seconds")
        self.assertIn("Gérer mon rendez-vous", mail.body_html)
