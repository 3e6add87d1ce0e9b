from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date

from odoo.addons.az_attendance.tests.common import AttendanceCommon


class InvoicingCommon(AttendanceCommon):
    """A company with a sales journal, an analytic account on the funding, an accountant."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        if not cls.env["account.journal"].search(
            [*cls.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1
        ):
            cls.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        plan = cls.env["account.analytic.plan"].create({"name": "Actions"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "Ateliers numériques 2025", "plan_id": plan.id}
        )
        cls.funding.analytic_account_id = cls.analytic
        cls.accountant = new_test_user(
            cls.env,
            login="az_att_accountant",
            name="Alice Accountant",
            groups="az_project_base.group_accountant",
            tz="Europe/Paris",
        )
        cls.march = (date(2025, 3, 1), date(2025, 3, 31))

    def _invoice(self, fundings=None, period=None, user=None):
        period = period or self.march
        wizard = (
            self.env["az.attendance.invoice.wizard"]
            .with_user(user or self.accountant)
            .create(
                {
                    "date_from": period[0],
                    "date_to": period[1],
                    "funding_ids": [Command.set((fundings or self.funding).ids)],
                }
            )
        )
        action = wizard.action_create_invoices()
        return self.env["account.move"].browse(action["domain"][0][2])

    def _validated_session(self, start=None, partners=None):
        session = self.make_session(partners=partners, start=start)
        return self.sign_all_and_validate(session)


@tagged("post_install", "-at_install")
class TestAttendanceInvoicing(InvoicingCommon):
    """Validated attendance → draft invoices per funder, never twice, credit notes for
    corrections, the grant report."""

    def test_hours_become_one_draft_invoice_per_funder(self):
        self._validated_session()
        moves = self._invoice()
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves.move_type, "out_invoice")
        self.assertEqual(moves.state, "draft")
        self.assertEqual(moves.partner_id, self.funder)
        line = moves.invoice_line_ids
        self.assertEqual(len(line), 1, "one line per funding")
        self.assertEqual(line.quantity, 9.0, "3 people × 3 hours")
        self.assertEqual(line.price_unit, 20.0)
        self.assertEqual(moves.amount_untaxed, 180.0)
        self.assertEqual(line.analytic_distribution, {str(self.analytic.id): 100.0})
        self.assertIn(f"Atelier e-administration ({format_date(self.env, date(2025, 3, 11))})", line.name)
        self.assertFalse(line.tax_ids)

    def test_a_second_run_invoices_nothing(self):
        self._validated_session()
        first = self._invoice()
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "Nothing new to invoice"):
            self._invoice()
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        # a new session of the same month is invoiced alone
        self._validated_session(start=self.day_start + timedelta(days=7), partners=self.amina)
        second = self._invoice()
        self.assertNotEqual(first, second)
        self.assertEqual(second.invoice_line_ids.quantity, 3.0)

    def test_open_and_draft_sessions_are_not_invoiced(self):
        self.make_session()  # open, not validated
        with self.assertRaisesRegex(UserError, "Nothing new to invoice"):
            self._invoice()

    def test_amendment_lowering_hours_gives_a_credit_note(self):
        session = self._validated_session()
        self._invoice()
        self.env["az.attendance.amendment"].create(
            {
                "session_id": session.id,
                "line_id": self.line_of(session, self.lucas).id,
                "field_name": "hours_attended",
                "new_hours": 1.0,
                "reason": "Left at 10:00, signed by mistake for the whole morning",
            }
        )
        refund = self._invoice()
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.partner_id, self.funder)
        self.assertEqual(refund.invoice_line_ids.quantity, 2.0)
        self.assertEqual(refund.amount_untaxed, 40.0)
        entries = self.env["az.attendance.invoice.entry"].search([("funding_id", "=", self.funding.id)])
        self.assertEqual(sum(entries.mapped("quantity")), 7.0)

    def test_cancelled_or_deleted_invoice_frees_the_attendance(self):
        self._validated_session()
        invoice = self._invoice()
        invoice.button_cancel()
        again = self._invoice()
        self.assertEqual(again.invoice_line_ids.quantity, 9.0)
        again.unlink()
        self.assertEqual(self._invoice().invoice_line_ids.quantity, 9.0)

    def test_units_sessions_participants_and_excused(self):
        per_session = self.env["az.funding"].create(
            {
                "name": "Forfait séance",
                "funder_id": self.funder.id,
                "project_id": self.project.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
                "unit": "session",
                "rate": 150.0,
                "target_quantity": 20,
            }
        )
        per_person = self.env["az.funding"].create(
            {
                "name": "Parcours",
                "funder_id": self.funder.id,
                "project_id": self.project.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
                "unit": "participant",
                "rate": 400.0,
                "target_quantity": 10,
                "count_excused": True,
            }
        )
        (per_session | per_person).action_activate()
        self.funding.count_excused = True
        first = self.make_session()
        self.line_of(first, self.sofia).write(
            {
                "status": "excused",
                "justification": "UERGLTEuNA==",
                "justification_filename": "convocation.pdf",
            }
        )
        for line in first.line_ids - self.line_of(first, self.sofia):
            line._record_signature("data:image/png;base64," + self._png(), "kiosk")
        first.with_user(self.trainer).write({"trainer_signature": self._png()})
        first.with_user(self.trainer).action_validate()
        self._validated_session(start=self.day_start + timedelta(days=2), partners=self.amina | self.lucas)
        moves = self._invoice(fundings=self.funding | per_session | per_person)
        self.assertEqual(len(moves), 1, "one invoice for the funder, whatever the fundings")
        quantities = {line.price_unit: line.quantity for line in moves.invoice_line_ids}
        self.assertEqual(
            quantities,
            {
                20.0: 15.0,  # 9 h + 6 h, Sofia's excused 3 h counting
                150.0: 2.0,  # two sessions held
                400.0: 3.0,  # three people, Sofia's excused absence counting
            },
        )
        # a later month adds nobody new for the per-participant funding
        self._validated_session(start=self.day_start + timedelta(days=30), partners=self.amina)
        april = self._invoice(fundings=per_person | per_session, period=(date(2025, 4, 1), date(2025, 4, 30)))
        self.assertEqual({ln.price_unit: ln.quantity for ln in april.invoice_line_ids}, {150.0: 1.0})

    def test_the_accountant_and_the_manager_make_invoices_with_this_addon(self):
        # az_project_base gives the roles no accounting right: this bridge does
        for user in (self.accountant, self.manager):
            with self.subTest(user=user.login):
                self.assertTrue(user.has_group("account.group_account_invoice"))
        self.assertFalse(self.trainer.has_group("account.group_account_invoice"))

    def test_only_accountants_invoice(self):
        self._validated_session()
        with self.assertRaises(AccessError):
            self._invoice(user=self.trainer)
        self.assertFalse(self.env["az.attendance.invoice.entry"].search([]))

    def test_grant_report(self):
        session = self._validated_session()
        self.env["az.attendance.amendment"].create(
            {
                "session_id": session.id,
                "line_id": self.line_of(session, self.sofia).id,
                "field_name": "status",
                "new_status": "absent",
                "reason": "Signed by someone else",
            }
        )
        self.make_session(start=self.day_start + timedelta(days=1))  # planned, still open
        self.env.flush_all()
        Report = self.env["az.grant.report"].with_user(self.accountant)
        rows = Report.read_group(
            [("funding_id", "=", self.funding.id)],
            [
                "planned_hours:sum",
                "attended_hours:sum",
                "funded_hours:sum",
                "funded_amount:sum",
                "target_quantity:sum",
            ],
            [],
        )
        totals = rows[0]
        self.assertEqual(totals["planned_hours"], 18.0, "two sessions × 3 people × 3 hours")
        self.assertEqual(totals["attended_hours"], 6.0, "Sofia amended to absent")
        self.assertEqual(totals["funded_hours"], 6.0)
        self.assertEqual(totals["funded_amount"], 120.0)
        self.assertEqual(totals["target_quantity"], 100.0, "the target counted once")
        per_person = {
            row["partner_id"][0]: row["attended_hours"]
            for row in Report.read_group(
                [("funding_id", "=", self.funding.id), ("partner_id", "!=", False)],
                ["attended_hours:sum"],
                ["partner_id"],
            )
        }
        self.assertEqual(per_person, {self.amina.id: 3.0, self.lucas.id: 3.0, self.sofia.id: 0.0})
        with self.assertRaises(AccessError):
            self.env["az.grant.report"].with_user(self.trainer).search([])

    @staticmethod
    def _png():
        import base64

        from odoo.addons.az_attendance.tests.common import signature_png

        return base64.b64encode(signature_png(5)).decode()

    # ------------------------------------------------------------------ verified sheets only
    def _wizard(self):
        return (
            self.env["az.attendance.invoice.wizard"]
            .with_user(self.accountant)
            .create(
                {
                    "date_from": self.march[0],
                    "date_to": self.march[1],
                    "funding_ids": [Command.set(self.funding.ids)],
                }
            )
        )

    def test_a_tampered_sheet_is_listed_and_never_invoiced(self):
        good = self._validated_session()
        bad = self._validated_session(start=self.day_start + timedelta(days=1))
        bad_line = self.line_of(bad, self.lucas)
        # an insider turns an absence into hours, behind the ORM
        self.env.cr.execute("UPDATE az_attendance_line SET hours_attended = 7 WHERE id = %s", [bad_line.id])
        self.env.invalidate_all()
        wizard = self._wizard()
        preview = wizard._preview_values()
        self.assertEqual(len(preview["rows"]), 1)
        row = preview["rows"][0]
        self.assertEqual(
            (row["funder"], row["sessions"], row["quantity"], row["amount"]),
            (self.funder.name, 1, 9.0, 180.0),
        )
        self.assertEqual([(s, p) for s, p in preview["broken"]], [(bad, ["Line 2: Lucas Martin"])])
        self.assertIn("Line 2: Lucas Martin", wizard.preview_html)
        self.assertIn("left out", wizard.preview_html)
        moves = self._invoice()
        self.assertEqual(moves.invoice_line_ids.quantity, 9.0, "the broken sheet is left out")
        self.assertNotIn(bad.name + f" ({format_date(self.env, bad.date)})", moves.invoice_line_ids.name)
        self.assertIn(f"({format_date(self.env, good.date)})", moves.invoice_line_ids.name)
        self.assertIn("Line 2: Lucas Martin", moves.message_ids[0].body)
        self.assertTrue(bad.seal_broken)
        self.assertFalse(good.seal_broken)

    def test_the_grant_report_counts_verified_sheets_only(self):
        session = self._validated_session()
        self.env.cr.execute(
            "UPDATE az_attendance_line SET status = 'absent' WHERE id = %s",
            [self.line_of(session, self.sofia).id],
        )
        action = self.env["az.grant.report"].with_user(self.accountant).action_open()
        self.assertEqual(action["res_model"], "az.grant.report")
        self.env.invalidate_all()
        totals = (
            self.env["az.grant.report"]
            .with_user(self.accountant)
            .read_group(
                [("funding_id", "=", self.funding.id)], ["planned_hours:sum", "attended_hours:sum"], []
            )[0]
        )
        self.assertEqual(totals["planned_hours"], 9.0)
        self.assertEqual(totals["attended_hours"], 0.0, "a changed sheet counts for nothing")
