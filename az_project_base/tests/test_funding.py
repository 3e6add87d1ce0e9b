from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import AzProjectBaseCase


@tagged("post_install", "-at_install")
class TestFunding(AzProjectBaseCase):
    def test_period_must_not_end_before_start(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["az.funding"].create(
                    self._funding_vals(date_start="2026-06-01", date_end="2026-05-31")
                )

    def test_rate_and_target_cannot_be_negative(self):
        for field, value in (("rate", -1.0), ("target_quantity", -5.0)):
            with (
                self.subTest(field=field),
                mute_logger("odoo.sql_db"),
                self.assertRaises(IntegrityError),
                self.env.cr.savepoint(),
            ):
                self.env["az.funding"].create(self._funding_vals(**{field: value}))

    def test_active_funding_needs_target_and_rate(self):
        funding = self.env["az.funding"].create(self._funding_vals(target_quantity=0))
        with self.assertRaisesRegex(ValidationError, "target quantity"):
            funding.action_activate()
        self.assertEqual(funding.state, "draft")
        flat = self.env["az.funding"].create(self._funding_vals(unit="flat", rate=0, target_quantity=0))
        with self.assertRaisesRegex(ValidationError, "rate"):
            flat.action_activate()
        flat.rate = 12000
        flat.action_activate()
        self.assertEqual(flat.state, "active")

    def test_funder_must_be_flagged(self):
        stranger = self.env["res.partner"].create({"name": "Not a funder"})
        with self.assertRaisesRegex(ValidationError, "not marked as a funder"):
            self.env["az.funding"].create(self._funding_vals(funder_id=stranger.id))

    def test_amount_planned_per_unit(self):
        hourly = self.env["az.funding"].create(self._funding_vals())
        self.assertEqual(hourly.amount_planned, 40.0 * 250.0)
        flat = self.env["az.funding"].create(self._funding_vals(unit="flat", rate=15000.0))
        self.assertEqual(flat.amount_planned, 15000.0)

    def test_defaults_from_project(self):
        funding = self.env["az.funding"].create(self._funding_vals())
        self.assertEqual(funding.analytic_account_id, self.analytic)
        self.assertEqual(funding.company_id, self.project.company_id)

    def test_state_flow_is_tracked(self):
        funding = self.env["az.funding"].create(self._funding_vals())
        self.env.cr.flush()  # as at the end of the request that created it
        funding.action_activate()
        self.env.cr.flush()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "az.funding"),
                ("mail_message_id.res_id", "=", funding.id),
                ("field_id.name", "=", "state"),
            ]
        )
        self.assertTrue(tracked, "the activation must appear in the chatter")
        self.assertEqual(tracked[0].new_value_char, "Active")
        with self.assertRaises(UserError):
            funding.action_activate()
        funding.action_close()
        self.assertEqual(funding.state, "closed")
        with self.assertRaises(UserError):
            funding.action_reset_to_draft()

    def test_project_kpis(self):
        self.env["az.funding"].create(self._funding_vals()).action_activate()
        self.env["az.funding"].create(
            self._funding_vals(name="Second", target_quantity=100.0, rate=30.0)
        ).action_activate()
        self.env["az.funding"].create(self._funding_vals(name="Draft", target_quantity=999))
        self.assertEqual(self.project.az_funding_count, 2)
        self.assertEqual(self.project.az_funded_hours_target, 350.0)
        self.assertEqual(self.project.az_funding_amount, 40.0 * 250 + 30.0 * 100)
        self.assertEqual(self.project.az_funder_ids, self.funder)
        self.assertEqual(self.project.az_funded_hours_used, 0.0)

    def test_consent_date_not_in_future(self):
        with self.assertRaisesRegex(ValidationError, "future"):
            self.env["res.partner"].create(
                {
                    "name": "Futur",
                    "az_is_beneficiary": True,
                    "az_consent_date": "2999-01-01",
                }
            )

    def test_site_capacity_and_timezone(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["az.site"].create({"name": "Bad", "capacity": -1, "tz": "Europe/Paris"})
        with self.assertRaisesRegex(ValidationError, "not a known timezone"):
            self.env["az.site"].create({"name": "Bad", "tz": "Mars/Olympus"})
        self.assertEqual(self.site.display_name, "Antenne nord (Lille)")
