import base64
import io
import os
import re
import subprocess
import tempfile

from freezegun import freeze_time
from PIL import Image, ImageDraw

from odoo.tests import HttpCase, tagged

from .common import AttendanceCommon, signature_data_uri, signature_png


class ReportMixin:
    def _render(self, session):
        report = self.env.ref("az_attendance.action_report_attendance_sheet")
        html, _kind = report._render_qweb_html(report.report_name, session.ids)
        return html.decode()

    def sign_all_and_validate_remaining(self, session):
        with freeze_time("2025-03-11 08:10:00"):
            for line in session.line_ids.filtered(lambda ln: not ln.signed_at and ln.status == "expected"):
                line._record_signature(signature_data_uri(), "kiosk")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(3))
        session.with_user(self.trainer).action_validate()


@tagged("post_install", "-at_install")
class TestAttendanceReport(ReportMixin, AttendanceCommon):
    def test_sheet_holds_what_an_auditor_asks_for(self):
        session = self.make_session()
        wizard = self.env["az.attendance.sign.wizard"].create(
            {
                "line_id": self.line_of(session, self.sofia).id,
                "witness_name": "Jean Témoin",
                "reason": "Cannot hold a pen",
                "signature": base64.b64encode(signature_png(5)),
            }
        )
        wizard.action_confirm()
        self.line_of(session, self.lucas).status = "absent"
        self.sign_all_and_validate_remaining(session)
        html = self._render(session)
        for expected in (
            self.company.name,
            "Ateliers numériques",
            "Atelier e-administration",
            "Département de la Gironde",
            "Centre social Bastide, 3 rue Pierre, 33100 Bordeaux",
            "09:00",
            "12:00",  # local times (Paris) of 08:00-11:00 UTC
            "09:10",  # signing time, 08:10 UTC, in the site's timezone
            "Amina Diallo",
            "Lucas Martin",
            "Sofia Pereira",
            "Absent",
            "Present",
            "Kiosk",
            "On behalf",
            "Jean Témoin",
            "Claire Trainer",
            session.seal,
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
        self.assertIn("3,00", html, "hours written the French way")
        self.assertNotIn("3.00", html)


@tagged("post_install", "-at_install")
class TestAttendanceReportPdf(HttpCase, ReportMixin, AttendanceCommon):
    """wkhtmltopdf fetches the report's styles over HTTP: an HttpCase lets those requests
    share the test transaction instead of waiting on its locks."""

    def test_pdf_renders(self):
        session = self.make_session()
        self.sign_all_and_validate_remaining(session)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("az_attendance.action_report_attendance_sheet", session.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 5000)


def _signature_of_width(width):
    """A drawn-looking PNG whose width tells which row it belongs to in the PDF."""
    image = Image.new("RGBA", (width, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(
        [(10, 80), (width // 3, 20), (width // 2, 70), (width - 10, 30)], fill=(10, 20, 120, 255), width=3
    )
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()


@tagged("post_install", "-at_install")
class TestAttendanceSheetPdfForAuditors(HttpCase, ReportMixin, AttendanceCommon):
    """The PDF as an auditor reads it: text extracted with pdftotext (poppler-utils, installed
    by the setup), images located with pdfimages."""

    def _pdf(self, session):
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("az_attendance.action_report_attendance_sheet", session.ids)
        )
        return pdf

    def _poppler(self, pdf, *command):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "sheet.pdf")
            with open(path, "wb") as stream:
                stream.write(pdf)
            return subprocess.run(
                [*command, path, "-"] if command[0] == "pdftotext" else [*command, path],
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout

    def test_thirty_line_sheet(self):
        self.company.write(
            {
                "country_id": self.env.ref("base.fr").id,
                "company_registry": "12345678900012",
                "az_training_declaration": "75331234567",
                "paperformat_id": self.env.ref("base.paperformat_us").id,
            }
        )
        partners = self.env["res.partner"].create(
            [{"name": f"Élise Nom{number:02d}", "az_is_beneficiary": True} for number in range(1, 31)]
        )
        session = self.make_session(partners=partners, name="Atelier trente")
        width_of = {}
        with freeze_time("2025-03-11 08:10:00"):
            for number, line in enumerate(session.line_ids, start=1):
                width_of[line.partner_name] = 300 + number
                line._record_signature(_signature_of_width(300 + number), "kiosk")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(3))
        session.with_user(self.trainer).action_validate()
        pdf = self._pdf(session)

        info = self._poppler(pdf, "pdfinfo")
        self.assertRegex(
            info,
            r"Page size:\s+595(\.\d+)? x 84[12](\.\d+)? pts \(A4\)",
            "A4 in France, whatever the company's default paper",
        )
        pages = self._poppler(pdf, "pdftotext", "-layout").split("\f")
        pages = [page for page in pages if page.strip()]
        self.assertGreater(len(pages), 1, "30 signed lines take several pages")
        text = "\n".join(pages)
        for name in width_of:
            self.assertIn(name, text, "every name can be searched and copied")
        self.assertIn("Attendance sheet", text)
        self.assertIn(session.seal, re.sub(r"\s", "", text))
        for number, page in enumerate(pages, start=1):
            # every page names the organisation and the session and repeats the headers
            self.assertIn(self.company.name, page, f"page {number}")
            self.assertIn("Atelier trente", page, f"page {number}")
            self.assertRegex(page, r"Participant\s+Status\s+Signature\s+Signed at", f"page {number}")
        self.assertIn("12345678900012", text)
        self.assertIn("75331234567", text)
        self.assertRegex(text, r"Present: 30\s+Late: 0\s+Absent: 0\s+Excused: 0\s+Hours: 90\.00")
        self.assertIn("Validated by Claire Trainer", text)
        self.assertIn("30/30", text)
        # no row split across pages: each name is on the page of its own signature image
        page_of_name = {
            name: next(index for index, page in enumerate(pages, start=1) if name in page)
            for name in width_of
        }
        page_of_width = {}
        for row in self._poppler(pdf, "pdfimages", "-list").splitlines()[2:]:
            columns = row.split()
            page_of_width.setdefault(int(columns[3]), int(columns[0]))
        for name, width in width_of.items():
            self.assertEqual(page_of_width.get(width), page_of_name[name], name)
