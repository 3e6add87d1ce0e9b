import base64
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.az_attendance.tests.common import signature_data_uri, signature_png
from odoo.addons.az_attendance_funder.tools import bundle as bundler

from .test_attendance_invoicing import InvoicingCommon


@tagged("post_install", "-at_install")
class TestInvoicingHoursThatHappened(InvoicingCommon):
    """A 19:00-22:00 workshop that ended early and was validated at 20:29: the sheet, the
    invoice, the certificate, the grant report, the bundle and the completion rate all
    credit 19:00-20:29 (1.48 h a person), never the three planned hours."""

    def early_sheet(self):
        # 19:00-22:00 Paris time on a winter Tuesday = 18:00-21:00 UTC
        session = self.make_session(start=datetime(2025, 3, 11, 18, 0), hours=3, name="Atelier du soir")
        with freeze_time("2025-03-11 18:02:00"):
            for index, line in enumerate(session.line_ids, start=1):
                line._record_signature(signature_data_uri(index), "kiosk")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(8))
        with freeze_time("2025-03-11 19:29:00"):  # 20:29 Paris time
            action = session.with_user(self.trainer).action_validate_with_end()
            wizard = (
                self.env["az.attendance.validate.wizard"]
                .with_user(self.trainer)
                .with_context(**action["context"])
                .create({"reason": "Atelier terminé plus tôt, tous les participants présents"})
            )
            wizard.action_confirm()
        self.env.flush_all()
        self.assertEqual(session.state, "validated")
        self.assertEqual(session.line_ids.mapped("effective_hours"), [1.48] * 3)
        return session

    def test_the_invoice_credits_the_hours_until_the_actual_end(self):
        self.early_sheet()
        move = self._invoice()
        self.assertEqual(move.invoice_line_ids.quantity, 4.44, "3 people × 1.48 h, not 9 h")
        self.assertEqual(move.amount_untaxed, 88.8)

    def test_the_certificate_and_the_completion_rate_count_the_hours_held(self):
        session = self.early_sheet()
        certificates = self.env["az.attendance.certificate"]._issue(
            self.project, session.date, session.date, funding=self.funding
        )
        amina = certificates.filtered(lambda c: c.partner_id == self.amina)
        self.assertEqual(
            (amina.planned_hours, amina.done_hours, amina.completion_rate),
            (1.48, 1.48, 100),
            "present from the start to the actual end: all the hours held",
        )
        enrolment = self.env["az.attendance.enrolment"].create(
            {"partner_id": self.lucas.id, "project_id": self.project.id}
        )
        self.assertEqual((enrolment.planned_hours, enrolment.done_hours), (1.48, 1.48))

    def test_the_grant_report_and_the_bundle_read_the_same_hours(self):
        session = self.early_sheet()
        totals = (
            self.env["az.grant.report"]
            .with_user(self.accountant)
            .read_group(
                [("funding_id", "=", self.funding.id)],
                ["planned_hours:sum", "attended_hours:sum", "funded_hours:sum", "funded_amount:sum"],
                [],
            )[0]
        )
        self.assertEqual(
            (totals["planned_hours"], totals["attended_hours"], totals["funded_hours"]), (4.44, 4.44, 4.44)
        )
        self.assertEqual(totals["funded_amount"], 88.8)
        bundle = (
            self.env["az.attendance.bundle"]
            .with_user(self.manager)
            .create({"funding_id": self.funding.id, "date_from": session.date, "date_to": session.date})
        )
        header, body = bundler.summaries(bundle.sudo()._hour_rows(bundle.sudo()._sheets()))["participant"]
        self.assertEqual(header, ["participant", "planned", "done", "excused", "funded"])
        self.assertEqual(
            body,
            [
                ["Amina Diallo", 1.48, 1.48, 0.0, 1.48],
                ["Lucas Martin", 1.48, 1.48, 0.0, 1.48],
                ["Sofia Pereira", 1.48, 1.48, 0.0, 1.48],
            ],
        )

    def test_an_excused_absence_is_credited_the_hours_held(self):
        self.funding.count_excused = True
        session = self.make_session(start=datetime(2025, 3, 11, 18, 0), hours=3, name="Atelier du soir")
        sofia = self.line_of(session, self.sofia)
        sofia.write({"status": "excused", "justification": base64.b64encode(b"%PDF-1.4 note")})
        with freeze_time("2025-03-11 18:02:00"):
            for line in session.line_ids - sofia:
                line._record_signature(signature_data_uri(2), "kiosk")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(8))
        with freeze_time("2025-03-12 09:00:00"):
            action = session.with_user(self.trainer).action_validate_with_end()
            self.env["az.attendance.validate.wizard"].with_user(self.trainer).with_context(
                **action["context"]
            ).create({"actual_stop_time": 21.0}).action_confirm()
        move = self._invoice()
        self.assertEqual(move.invoice_line_ids.quantity, 6.0, "two present and one excused, 2 h each")
