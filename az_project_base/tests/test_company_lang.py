from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCompanyLanguage(TransactionCase):
    """One rule for the language a message speaks: the person's when the database has it,
    else the company's, else English; never a language the database no longer has."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Les Ateliers du Quai"})
        cls.inactive = (
            cls.env["res.lang"].with_context(active_test=False).search([("active", "=", False)], limit=1)
        )

    def test_a_person_language_the_database_no_longer_has_gives_the_company_one(self):
        self.company.partner_id.lang = "en_US"
        self.assertTrue(self.inactive, "a language that is not installed")
        self.assertEqual(self.company._az_lang(self.inactive.code), "en_US")
        # and it can be spoken: the environment accepts it
        self.assertEqual(self.env(context={"lang": self.company._az_lang(self.inactive.code)}).lang, "en_US")

    def test_the_person_language_first_then_the_company_one(self):
        self.company.partner_id.lang = "en_US"
        self.assertEqual(self.company._az_lang(False, "en_US"), "en_US")
        self.assertEqual(self.company._az_lang(), "en_US")
