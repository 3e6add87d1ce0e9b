"""Each version of a certificate of completion keeps its archived original, made at issue:
a PDF/A recorded in the company ledger, embedding the seals of the sheets it rests on."""

import hashlib
import json

from odoo.tests import tagged

from odoo.addons.az_attendance.tools import verify_original

from .test_attendance_funder import CertificateCommon


@tagged("post_install", "-at_install")
class TestCertificateOriginal(CertificateCommon):
    def test_each_version_of_a_certificate_keeps_its_original(self):
        sheets = self.make_sheets()
        Certificate = self.env["az.attendance.certificate"].with_context(force_report_rendering=True)
        first = Certificate._issue(self.project, sheets[0].date, sheets[2].date, partners=self.amina)
        original = first.az_original_id
        self.assertTrue(original, "made at issue")
        pdf = original._pdf()
        self.assertEqual(
            hashlib.sha256(pdf).hexdigest(), first.pdf_sha256, "the certificate's PDF is its original"
        )
        entry = original.ledger_entry_id
        self.assertEqual(
            (entry.kind, entry.res_model, entry.res_ref, entry.value),
            ("original", first._name, first.id, original.sha256),
        )
        proof, problems, _notes = verify_original.verify(pdf)
        self.assertEqual(problems, [])
        self.assertEqual([s["seal"] for s in proof["sheets"]], sheets[:3].sorted("start").mapped("seal"))
        # a sheet's seal changed in the embedded proof is named
        proof["sheets"][0]["seal"] = "$4$" + "ab" * 32
        live = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True, az_original_rendering=True)
            ._render_qweb_pdf("az_attendance_funder.action_report_certificate", first.ids)[0]
        )
        forged = first._az_original_pdfa(live, proof)
        self.assertIn(("sheet_ledger", {"index": 1}), verify_original.verify(forged)[1])
        # issued again after an amendment: a new version, each with its original
        self.env["az.attendance.amendment"].with_user(self.trainer).create(
            {
                "session_id": sheets[1].id,
                "line_id": self.line_of(sheets[1], self.amina).id,
                "field_name": "status",
                "new_status": "present",
                "reason": "Signed on paper",
            }
        )
        second = Certificate._issue(self.project, sheets[0].date, sheets[2].date, partners=self.amina)
        self.assertEqual(second.version, 2)
        self.assertNotEqual(second.az_original_id.sha256, original.sha256)
        self.assertEqual(first.az_original_id, original, "the former version keeps its original")
        self.assertTrue(original._pdf())
        second_proof = verify_original.verify(second.az_original_id._pdf())[0]
        self.assertEqual(second_proof["document"]["version"], 2)
        self.assertEqual(json.loads(second.sheet_seals), second_proof["sheets"])
        self.assertFalse(self.env["az.attendance.ledger"]._check_integrity(self.company)["anomalies"])
