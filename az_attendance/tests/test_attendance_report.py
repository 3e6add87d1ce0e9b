import base64

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import AttendanceCommon, signature_data_uri, signature_png


class ReportMixin:

    def _render(self, session):
        report = self.env.ref("az_attendance.action_report_attendance_sheet")
        html, _kind = report._render_qweb_html(report.report_name, session.ids)
        return html.decode()

    def sign_all_and_validate_remaining(self, session):
        with freeze_time("2025-03-11 08:10:00"):
            for line in session.line_ids.filtered(
                    lambda ln: not ln.signed_at and ln.status == "expected"):
                line._record_signature(signature_data_uri(), "kiosk")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(3))
        session.with_user(self.trainer).action_validate()


@tagged("post_install", "-at_install")
class TestAttendanceReport(ReportMixin, AttendanceCommon):

    def test_sheet_holds_what_an_auditor_asks_for(self):
        session = self.make_session()
        wizard = self.env["az.attendance.sign.wizard"].create({
            "line_id": self.line_of(session, self.sofia).id, "witness_name": "Jean Témoin",
            "reason": "Cannot hold a pen",
            "signature": base64.b64encode(signature_png(5))})
        wizard.action_confirm()
        self.line_of(session, self.lucas).status = "absent"
        self.sign_all_and_validate_remaining(session)
        html = self._render(session)
        for expected in (
            self.company.name, "Ateliers numériques", "Atelier e-administration",
            "Département de la Gironde", "Centre social Bastide, 3 rue Pierre, 33100 Bordeaux",
            "09:00", "12:00",  # local times (Paris) of 08:00-11:00 UTC
            "09:10",  # signing time, 08:10 UTC, in the site's timezone
            "Amina Diallo", "Lucas Martin", "Sofia Pereira", "Absent", "Present",
            "Kiosk", "On behalf", "Jean Témoin", "Claire Trainer", session.seal,
            session.verify_url,
        ):
            self.assertIn(expected, html)
        self.assertIn("o_az_line_signature", html)
        self.assertIn("o_az_trainer_signature", html)
        self.assertRegex(html, r'class="o_az_verify_qr"[^>]*src="data:image/png;base64,')
        self.assertEqual(html.count('class="o_az_line"'), 3)

    def test_sheet_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["az_attendance"], ["fr_FR"])
        self.company.partner_id.lang = "fr_FR"
        session = self.make_session()
        self.sign_all_and_validate_remaining(session)
        html = self._render(session)
        self.assertIn("Feuille d&#39;émargement", html.replace("'", "&#39;"))
        self.assertIn("Présent", html)


@tagged("post_install", "-at_install")
class TestAttendanceReportPdf(HttpCase, ReportMixin, AttendanceCommon):
    """wkhtmltopdf fetches the report's styles over HTTP: an HttpCase lets those requests
    share the test transaction instead of waiting on its locks."""

    def test_pdf_renders(self):
        session = self.make_session()
        self.sign_all_and_validate_remaining(session)
        pdf, kind = self.env["ir.actions.report"].with_context(
            force_report_rendering=True)._render_qweb_pdf(
            "az_attendance.action_report_attendance_sheet", session.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 5000)
