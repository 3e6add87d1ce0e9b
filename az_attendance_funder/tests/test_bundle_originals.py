"""The bundle and the certificates from the archived originals: the manifest names each
original's digest and ledger entry; certificates of several people are rendered together
and each PDF is its own person's."""

import base64
import hashlib
import io
import zipfile
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.az_attendance.tests.test_report_batch import link_targets, poppler
from odoo.addons.az_attendance.tools import pdf_batch

from ..tools import bundle as bundler
from .test_attendance_funder import CertificateCommon
from .test_funder_words import FrenchCompanyCommon


@tagged("post_install", "-at_install")
class TestBundleManifestOfOriginals(CertificateCommon):
    def test_the_manifest_lists_each_originals_digest_and_ledger_entry(self):
        sheets = self.make_sheets()
        certificates = self.env["az.attendance.certificate"]._issue(
            self.project, sheets[0].date, sheets[2].date, funding=self.funding
        )
        bundle = self.env["az.attendance.bundle"].create(
            {"funding_id": self.funding.id, "date_from": sheets[0].date, "date_to": sheets[2].date}
        )
        self.env["az.attendance.bundle"]._cron_build_bundles()
        self.assertEqual(bundle.state, "done")
        data = base64.b64decode(bundle.file)
        header, *rows = bundler.read_manifest_rows(data)
        self.assertEqual(
            header,
            ["File", "Bytes", "SHA-256", "Seal", "SHA-256 of the original in the ledger", "Ledger entry"],
        )
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            documents = [row for row in rows if row[0].startswith(("sheets/", "certificates/"))]
            self.assertEqual(len(documents), len(sheets) + len(certificates))
            for path, _size, sha256, _seal, original_sha256, _entry in documents:
                self.assertEqual(bundler.digest(archive.read(path)), sha256, path)
                self.assertEqual(original_sha256, sha256, f"{path}: the file is the original")
        # the ledger entry of each original (none yet while originals are not recorded)
        originals = sheets._az_original_pdfs() | certificates._az_original_pdfs()
        self.assertEqual(
            sorted(row[5] for row in documents),
            sorted(str(original["ledger_sequence"] or "") for original in originals.values()),
        )
        tables = [row for row in rows if row[0].endswith((".csv", ".xlsx"))]
        self.assertTrue(tables)
        for row in tables:
            self.assertEqual(row[4:], ["", ""], f"{row[0]} is no original")


@tagged("post_install", "-at_install")
class TestBundleManifestInFrench(FrenchCompanyCommon):
    def test_the_manifest_names_the_original_and_its_ledger_entry_in_french(self):
        sheets = self.make_sheets()
        bundle = self.env["az.attendance.bundle"].create(
            {"funding_id": self.funding.id, "date_from": sheets[0].date, "date_to": sheets[2].date}
        )
        self.build(bundle)
        header = bundler.read_manifest_rows(base64.b64decode(bundle.file), "manifeste.csv")[0]
        self.assertEqual(header[4:], ["SHA-256 de l'original dans le registre", "Entrée du registre"])


@tagged("post_install", "-at_install")
class TestCertificatesInBatches(HttpCase, CertificateCommon):
    def test_the_certificates_of_several_people_come_from_one_run_each_its_own(self):
        sheets = self.make_sheets()
        Report = type(self.env["ir.actions.report"])
        original = Report._run_wkhtmltopdf
        runs = []

        def run(this, bodies, *args, **kwargs):
            runs.append(any(pdf_batch.MARKER_URL in body for body in bodies))
            return original(this, bodies, *args, **kwargs)

        with patch.object(Report, "_run_wkhtmltopdf", run):
            made = (
                self.env["az.attendance.certificate"]
                .with_context(force_report_rendering=True)
                ._issue(self.project, sheets[0].date, sheets[2].date)
            )
        self.assertEqual(made.partner_id, self.amina | self.lucas | self.sofia)
        self.assertEqual(runs, [True], "one run of wkhtmltopdf for the three certificates")
        names = {certificate.id: certificate.partner_name for certificate in made}
        for certificate in made:
            pdf = base64.b64decode(certificate.pdf)
            self.assertEqual(certificate.pdf_sha256, hashlib.sha256(pdf).hexdigest())
            text = " ".join(poppler(pdf, "pdftotext", "-layout").split())
            self.assertIn(certificate.partner_name, text)
            self.assertIn(certificate.number, text)
            for other_id, other in names.items():
                if other_id != certificate.id:
                    self.assertNotIn(other, text, f"{certificate.partner_name}'s certificate only")
            for font in poppler(pdf, "pdffonts").splitlines()[2:]:
                self.assertIn(" yes ", font, "every font is embedded")
            self.assertFalse([t for t in link_targets(pdf) if pdf_batch.MARKER_URL in t])
