"""Several sheets rendered in one run of wkhtmltopdf, then split by sheet: each sheet's PDF
holds its own pages only, as an auditor reads them with pdftotext."""

import io
import os
import subprocess
import tempfile
from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from ..tools import pdf_batch
from .common import SheetCommon

SHEET_REPORT = "az_attendance.action_report_attendance_sheet"
BATCH_LOGGER = "odoo.addons.az_attendance.models.ir_actions_report_batch"


def poppler(pdf, *command):
    """The output of a poppler tool (pdftotext, pdfinfo, pdffonts) on ``pdf``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "document.pdf")
        with open(path, "wb") as stream:
            stream.write(pdf)
        arguments = [*command, path, "-"] if command[0] == "pdftotext" else [*command, path]
        return subprocess.run(arguments, check=True, capture_output=True, text=True, timeout=60).stdout


def page_count(pdf):
    return len(PdfFileReader(io.BytesIO(pdf)).pages)


def page_images(pdf):
    """Each page drawn at 40 dpi, as bytes of its pixels."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "document.pdf")
        with open(path, "wb") as stream:
            stream.write(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "40", "-gray", path, os.path.join(tmp, "page")], check=True, timeout=60
        )
        names = sorted(name for name in os.listdir(tmp) if name.startswith("page"))
        images = []
        for name in names:
            with open(os.path.join(tmp, name), "rb") as stream:
                images.append(stream.read())
        return images


def link_targets(pdf):
    """Every address a link of the PDF points to."""
    targets = []
    for page in PdfFileReader(io.BytesIO(pdf)).pages:
        annotations = page.get("/Annots")
        for annotation in annotations.get_object() if annotations is not None else []:
            action = annotation.get_object().get("/A")
            if action is not None:
                targets.append(str(action.get_object().get("/URI") or ""))
    return targets


@tagged("post_install", "-at_install")
class TestReportBatch(HttpCase, SheetCommon):
    """wkhtmltopdf fetches the report's styles over HTTP: an HttpCase lets those requests
    share the test transaction."""

    def setUp(self):
        super().setUp()
        day = timedelta(days=1)
        crowd = self.env["res.partner"].create(
            [{"name": f"Élise Nom{number:02d}", "az_is_beneficiary": True} for number in range(1, 31)]
        )
        self.sheets = (
            self.sheet(self.day_start, name="Atelier Alpha")
            | self.sheet(self.day_start + day, name="Atelier Bravo", partners=crowd)
            | self.sheet(self.day_start + 2 * day, name="Atelier Charlie")
        )
        self.Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        self.runs = []

    def counting_runs(self, change=None):
        """Patch wkhtmltopdf's runs: each run's number of documents is kept in self.runs;
        ``change`` may stand in for the run of a joined batch."""
        Report = type(self.env["ir.actions.report"])
        original = Report._run_wkhtmltopdf
        runs = self.runs

        def run(this, bodies, *args, **kwargs):
            joined = any(pdf_batch.MARKER_URL in body for body in bodies)
            runs.append("batch" if joined else "alone")
            if joined and change:
                return change(original, this, bodies, *args, **kwargs)
            return original(this, bodies, *args, **kwargs)

        return patch.object(Report, "_run_wkhtmltopdf", run)

    def assert_each_pdf_is_its_sheet(self, pdfs):
        self.assertEqual(set(pdfs), set(self.sheets.ids))
        names = {sheet.id: sheet.name for sheet in self.sheets}
        for sheet in self.sheets:
            pdf = pdfs[sheet.id]
            self.assertTrue(pdf.startswith(b"%PDF"), sheet.name)
            text = poppler(pdf, "pdftotext", "-layout")
            self.assertIn(sheet.name, text, "the sheet's own name, searchable")
            for other_id, other in names.items():
                if other_id != sheet.id:
                    self.assertNotIn(other, text, f"{sheet.name} holds none of {other}'s pages")
            self.assertIn("Attendance sheet", text)
            fonts = poppler(pdf, "pdffonts").splitlines()[2:]
            self.assertTrue(fonts, "the text is drawn with fonts")
            for font in fonts:
                self.assertIn(" yes ", font, "every font is embedded")
            self.assertFalse(
                [target for target in link_targets(pdf) if pdf_batch.MARKER_URL in target],
                "no trace of the batch's markers",
            )

    def test_one_run_for_the_batch_each_sheet_gets_exactly_its_pages(self):
        with self.counting_runs():
            pdfs = self.Report._az_render_pdf_batch(SHEET_REPORT, self.sheets.ids)
        self.assertEqual(self.runs, ["batch"], "one run of wkhtmltopdf for the three sheets")
        self.assert_each_pdf_is_its_sheet(pdfs)
        alone = {sheet.id: self.Report._az_render_pdf_alone(SHEET_REPORT, sheet.id) for sheet in self.sheets}
        for sheet in self.sheets:
            same = page_images(pdfs[sheet.id]) == page_images(alone[sheet.id])
            self.assertTrue(same, f"{sheet.name}: the same pages, drawn the same, as alone")
        self.assertGreater(page_count(pdfs[self.sheets[1].id]), 1, "the 30-line sheet takes several pages")

    def test_a_batch_that_fails_is_rendered_one_sheet_at_a_time(self):
        def failing(original, this, bodies, *args, **kwargs):
            raise UserError(this.env._("Wkhtmltopdf failed (error code: -11)."))

        with self.counting_runs(failing), self.assertLogs(BATCH_LOGGER, "WARNING") as logs:
            pdfs = self.Report._az_render_pdf_batch(SHEET_REPORT, self.sheets.ids)
        self.assertIn("by batch failed", logs.output[0])
        self.assertEqual(self.runs, ["batch", "alone", "alone", "alone"])
        self.assert_each_pdf_is_its_sheet(pdfs)

    def test_a_batch_whose_pdf_cannot_be_split_is_rendered_one_sheet_at_a_time(self):
        def without_links(original, this, bodies, *args, **kwargs):
            # a wkhtmltopdf that drops links: the markers are not in the PDF
            bodies = [body.replace(pdf_batch.MARKER_URL, "#") for body in bodies]
            return original(this, bodies, *args, **kwargs)

        with self.counting_runs(without_links), self.assertLogs(BATCH_LOGGER, "WARNING") as logs:
            pdfs = self.Report._az_render_pdf_batch(SHEET_REPORT, self.sheets.ids)
        self.assertIn("could not be split by document", logs.output[0])
        self.assertEqual(self.runs, ["batch", "alone", "alone", "alone"])
        self.assert_each_pdf_is_its_sheet(pdfs)

    def test_batches_follow_the_size_asked(self):
        with self.counting_runs():
            pdfs = self.Report._az_render_pdf_batch(SHEET_REPORT, self.sheets.ids, batch_size=2)
        self.assertEqual(self.runs, ["batch", "alone"], "two sheets together, the third on its own")
        self.assert_each_pdf_is_its_sheet(pdfs)
