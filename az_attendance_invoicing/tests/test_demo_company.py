from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoCompanyInvoicesInEuros(TransactionCase):
    """The demo company is a French association: its books are French, its money is euros."""

    def test_the_demo_company_keeps_french_books_in_euros(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id, self.env.ref("base.fr"))
        self.assertEqual(company.currency_id.name, "EUR")
        self.assertEqual(company.chart_template, "fr")
        self.assertTrue(
            self.env["account.tax"].search(
                [("company_id", "=", company.id), ("type_tax_use", "=", "sale"), ("amount", "=", 20.0)]
            ),
            "the French 20 % VAT",
        )

    def test_the_demo_funding_is_invoiced_in_euros(self):
        funding = self.env.ref("az_project_base.az_funding_departement_demo")
        self.assertEqual(funding.currency_id.name, "EUR")
        today = fields.Date.context_today(funding)
        action = (
            self.env["az.attendance.invoice.wizard"]
            .create(
                {
                    "date_from": today - timedelta(days=60),
                    "date_to": today,
                    "funding_ids": [Command.set(funding.ids)],
                }
            )
            .action_create_invoices()
        )
        moves = self.env["account.move"].search(action.get("domain") or [("id", "=", action.get("res_id"))])
        self.assertTrue(moves)
        self.assertEqual(set(moves.mapped("currency_id.name")), {"EUR"})
