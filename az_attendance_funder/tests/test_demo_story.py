import base64
import os
import subprocess
import tempfile

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_open

# Odoo's sample texts that must never reach a page or a document of the demo
PLACEHOLDERS = (
    "YourLogo",
    "Your logo",
    "555-555",
    "yourcompany",
    "Nom de l'entreprise",
    "disruptifs",
    "Acme",
)


def pdf_text(pdf):
    """The text of a PDF as an auditor copies it (pdftotext, installed by the setup)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "document.pdf")
        with open(path, "wb") as stream:
            stream.write(pdf)
        text = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    """The demo as an auditor reads it: sheets of past weeks, signed while their session ran,
    by the trainer who ran it, sealed, and a ledger that checks clean."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        project = cls.env.ref("az_project_base.project_project_digital_demo")
        cls.sheets = cls.env["az.attendance.session"].search(
            [("project_id", "=", project.id), ("state", "=", "validated")], order="start"
        )
        cls.company = project.company_id or cls.env.company

    def test_the_demo_sheets_of_past_weeks_were_signed_during_their_sessions(self):
        self.assertGreaterEqual(len(self.sheets), 3)
        days = {sheet.start.date() for sheet in self.sheets}
        self.assertEqual(len(days), len(self.sheets), "one workshop a day, spread over the weeks")
        for sheet in self.sheets:
            signed = sheet.line_ids.filtered("signed_at")
            self.assertTrue(signed, sheet.name)
            for line in signed:
                self.assertTrue(
                    sheet.start <= line.signed_at <= sheet.stop,
                    f"{line.partner_name} signed '{sheet.name}' at {line.signed_at}, "
                    f"outside {sheet.start} - {sheet.stop}",
                )
            self.assertTrue(sheet.start <= sheet.trainer_signed_at <= sheet.stop + (sheet.stop - sheet.start))
            self.assertLess(sheet.validated_at.date().toordinal() - sheet.stop.date().toordinal(), 1)

    def test_the_demo_sheets_name_the_trainers_who_ran_them(self):
        robot = self.env.ref("base.user_root")
        for sheet in self.sheets:
            self.assertTrue(sheet.trainer_ids, sheet.name)
            self.assertNotIn(robot, sheet.trainer_ids)
            self.assertIn(sheet.trainer_signed_by_id, sheet.trainer_ids, sheet.name)
            self.assertIn(sheet.validated_by_id, sheet.trainer_ids, sheet.name)
            self.assertNotIn("OdooBot", sheet.trainer_names or "")
            signers = sheet.line_ids.filtered("signed_at").sign_user_id
            self.assertNotIn(robot, signers, sheet.name)

    def test_the_integrity_check_of_the_demo_finds_nothing_wrong(self):
        report = self.env["az.attendance.ledger"].sudo()._check_integrity(self.company)
        self.assertGreaterEqual(report["sheets"], 3)
        self.assertEqual(report["anomalies"], [])

    def test_the_demo_company_prints_on_a4_with_its_own_layout_and_logo(self):
        self.assertEqual(self.company.paperformat_id, self.env.ref("base.paperformat_euro"))
        self.assertTrue(self.company.external_report_layout_id)
        with file_open("base/static/img/res_company_logo.png", "rb") as default_logo:
            self.assertNotEqual(base64.b64decode(self.company.logo), default_logo.read())
        # the first print of a sheet gives the sheet, not Odoo's layout dialog with a sample invoice
        action = self.env.ref("az_attendance.action_report_attendance_sheet").report_action(self.sheets[-1])
        self.assertEqual(action["type"], "ir.actions.report")

    def test_no_sample_text_in_the_sheet_and_certificate_pdfs(self):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        html = Report._render_qweb_html("az_attendance.action_report_attendance_sheet", self.sheets[-1].ids)[
            0
        ]
        self.assertIn(self.company.logo.decode()[:200], html.decode())
        sheet = pdf_text(
            Report._render_qweb_pdf("az_attendance.action_report_attendance_sheet", self.sheets[-1].ids)[0]
        )
        self.assertIn("Les Ateliers Solidaires", sheet)
        certificates = (
            self.env["az.attendance.certificate"]
            .with_context(force_report_rendering=True)
            ._issue(self.sheets.project_id, self.sheets[0].date, self.sheets[-1].date)
        )
        self.assertTrue(certificates)
        certificate = pdf_text(base64.b64decode(certificates[0].pdf))
        self.assertIn("Les Ateliers Solidaires", certificate)
        for text in (sheet, certificate):
            for placeholder in PLACEHOLDERS:
                self.assertNotIn(placeholder, text)


@tagged("post_install", "-at_install")
class TestDemoContacts(TransactionCase):
    def test_the_demo_contacts_speak_french(self):
        for xmlid in (
            "az_project_base.res_partner_beneficiary_amina_demo",
            "az_project_base.res_partner_beneficiary_lucas_demo",
            "az_project_base.res_partner_beneficiary_sofia_demo",
            "az_project_base.res_partner_funder_departement_demo",
            "az_project_base.res_partner_funder_france_travail_demo",
        ):
            self.assertEqual(self.env.ref(xmlid).lang, "fr_FR", xmlid)
