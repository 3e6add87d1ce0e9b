import re
from datetime import date

from odoo import Command
from odoo.tests import tagged
from odoo.tools import formatLang

from .test_attendance_invoicing import InvoicingCommon


@tagged("post_install", "-at_install")
class TestInvoicingInFrench(InvoicingCommon):
    """The preview speaks the accountant's language, the invoice the funder's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["az_attendance_funder", "az_attendance_invoicing"], ["fr_FR"]
        )

    def test_the_preview_writes_hours_and_amounts_in_french(self):
        self._validated_session()
        self.accountant.lang = "fr_FR"
        wizard = (
            self.env["az.attendance.invoice.wizard"]
            .with_user(self.accountant)
            .with_context(lang="fr_FR")
            .create(
                {
                    "date_from": self.march[0],
                    "date_to": self.march[1],
                    "funding_ids": [Command.set(self.funding.ids)],
                }
            )
        )
        html = " ".join(wizard.preview_html.split())
        text = re.sub(r"<[^>]+>", "", str(wizard.preview_html)).replace("\xa0", " ")
        self.assertIn("9,00 h", html)
        self.assertNotIn("9.00 h", html)
        fr = self.env(context={"lang": "fr_FR"})
        amount = formatLang(fr, 180.0, currency_obj=self.env.company.currency_id)
        self.assertIn(amount.replace("\xa0", " "), text, "the language's separators, the currency's side")
        self.assertIn("180,00", amount)
        self.assertIn("Ce que contiendront les brouillons", html)

    def test_the_invoice_line_gives_the_period_in_the_funders_language(self):
        self._validated_session()
        self.funder.lang = "fr_FR"
        moves = self._invoice()  # by an accountant who reads English
        label = moves.invoice_line_ids.name
        self.assertIn("du 01/03/2025 au 31/03/2025", label)
        self.assertIn("Atelier e-administration (11/03/2025)", label)
        self.assertNotIn(str(date(2025, 3, 11)), label)
        self.assertIn("Sessions : ", label)
