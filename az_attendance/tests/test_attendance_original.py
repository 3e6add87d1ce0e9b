"""The archived original of a sealed sheet: a PDF/A-3 made once by a job after the sealing
commits, its digest in the company ledger, its proof embedded and checked offline, what the
verify page says of a file, and what an amendment and the GDPR purge do to it."""

import base64
import hashlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import unittest
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import OdooPdfFileReader

from ..tools import seal as sealer
from ..tools import verify_original
from . import local_tsa
from .common import SheetCommon, signature_data_uri, signature_png

TOOL = os.path.join(os.path.dirname(os.path.dirname(__file__)), "tools", "verify_original.py")


@tagged("post_install", "-at_install")
class TestAttendanceOriginal(HttpCase, SheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the sheets of the demo data wait for their originals too: not the business of these tests
        cls.env.cr.execute("UPDATE az_attendance_session SET az_original_pending = FALSE")
        cls.Session = cls.env["az.attendance.session"]
        cls.Original = cls.env["az.attendance.original"]

    def make_originals(self):
        made = self.Session._cron_make_originals()
        self.env.invalidate_all()
        return made

    def signed_sheet(self, version=None):
        """A sheet signed at the kiosk of a tablet (IP address and browser recorded), sealed."""
        session = self.make_session()
        for index, line in enumerate(session.line_ids, start=1):
            line._record_signature(
                signature_data_uri(index), "kiosk", ip=f"10.0.0.{index}", user_agent="Tablet"
            )
        session.trainer_signature = base64.b64encode(signature_png(42))
        if version:
            session._seal(version=version)
        else:
            session.with_user(self.trainer).action_validate()
        self.env.flush_all()
        return session

    def sealed_with_original(self):
        session = self.signed_sheet()
        made = self.make_originals()
        self.assertEqual(made.mapped("res_id"), session.ids)
        return session, made

    def amend(self, session, partner, status="absent"):
        return self.env["az.attendance.amendment"].create(
            {
                "session_id": session.id,
                "line_id": self.line_of(session, partner).id,
                "field_name": "status",
                "new_status": status,
                "reason": "Left before the start, told the trainer",
            }
        )

    # ------------------------------------------------------------------ 1. made after commit
    def test_sealing_renders_nothing_and_asks_the_job(self):
        """The validation request renders no PDF: it only asks the job, which makes the original."""
        with patch.object(
            type(self.env["ir.actions.report"]), "_render_qweb_pdf", side_effect=AssertionError("rendered")
        ):
            session = self.sheet(self.day_start)
        self.assertTrue(session.seal)
        self.assertTrue(session.az_original_pending, "the sheet waits for its original")
        self.assertFalse(session.az_original_id)
        cron = self.env.ref("az_attendance.ir_cron_make_originals")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the job is triggered"
        )
        made = self.make_originals()
        self.assertEqual(made.res_id, session.id)
        self.assertFalse(session.az_original_pending)
        self.assertEqual(session.az_original_id, made)

    def test_the_original_is_a_pdfa_whose_digest_is_in_the_ledger(self):
        session, original = self.sealed_with_original()
        pdf = original._pdf()
        self.assertEqual(hashlib.sha256(pdf).hexdigest(), original.sha256)
        entries = self.env["az.attendance.ledger"].search(
            [("session_ref", "=", session.id)], order="sequence"
        )
        self.assertEqual(
            entries.mapped("kind"), ["seal", "original"], "an entry of its own, after the seal's"
        )
        self.assertEqual(entries[-1].value, original.sha256)
        self.assertEqual(entries[-1].res_model, "az.attendance.session")
        self.assertEqual(original.ledger_entry_id, entries[-1])
        self.assertFalse(self.env["az.attendance.ledger"]._check_chain(self.company)[0], "the chain holds")
        # PDF/A-3: header, output intent, XMP identification, embedded fonts, the proof
        self.assertTrue(pdf.startswith(b"%PDF-1.7"))
        reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
        root = reader.trailer["/Root"]
        intents = root["/OutputIntents"]
        self.assertEqual(intents[0].get_object()["/S"], "/GTS_PDFA1")
        self.assertTrue(intents[0].get_object()["/DestOutputProfile"].get_object().get_data())
        xmp = root["/Metadata"].get_object().get_data().decode()
        self.assertIn("<pdfaid:part>3</pdfaid:part>", xmp)
        self.assertIn("<pdfaid:conformance>B</pdfaid:conformance>", xmp)
        self.assertIn(session.name, xmp)
        fonts = []
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                for descendant in font.get("/DescendantFonts", [font]):
                    fonts.append(descendant.get_object())
        self.assertTrue(fonts)
        for font in fonts:
            descriptor = font["/FontDescriptor"].get_object()
            self.assertTrue(
                any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")),
                f"font {font.get('/BaseFont')} is embedded",
            )
        names = [str(n) for n in root["/Names"]["/EmbeddedFiles"]["/Names"][::2]]
        self.assertEqual(names, ["az-attendance-proof.json"])
        self.assertEqual(len(root["/AF"]), 1, "the proof is an associated file (PDF/A-3)")
        # the text is searchable and the company's identity and the seal are printed
        text = verify_original.page_text(verify_original.read_pdf(pdf))
        self.assertIn(sealer.parse_hash(session.seal)[1], text)
        self.assertIn(self.company.name.replace(" ", ""), text)

    def test_a_changed_byte_of_the_stored_original_is_named_by_the_integrity_check(self):
        session, original = self.sealed_with_original()
        self.assertFalse(
            [a for a in self.env["az.attendance.ledger"]._check_integrity(self.company)["anomalies"]]
        )
        attachment = original.attachment_id
        path = attachment._full_path(attachment.store_fname)
        data = bytearray(original._pdf())
        data[len(data) // 2] ^= 1
        with open(path, "wb") as handle:
            handle.write(bytes(data))
        anomalies = self.env["az.attendance.ledger"]._check_integrity(self.company)["anomalies"]
        self.assertEqual([a["label"] for a in anomalies], ["Archived original changed"])
        self.assertIn(original.name, anomalies[0]["detail"])

    # ------------------------------------------------------------------ 2. embedded proof
    def test_the_embedded_proof_verifies_offline_and_fails_on_a_changed_sheet(self):
        session, original = self.sealed_with_original()
        pdf = original._pdf()
        proof, problems, notes = verify_original.verify(pdf)
        self.assertEqual(problems, [])
        self.assertEqual(proof["seal"]["value"], session.seal)
        self.assertEqual(notes, [("no_timestamp", {})], "made without a timestamp, and it says so")
        # personal values travel as digests only (seal version 4)
        text = json.dumps(proof)
        self.assertNotIn("10.0.0.", text)
        lines = [json.loads(line["content"]) for line in proof["seal"]["lines"]]
        self.assertEqual(len(lines), 3)
        self.assertIn("sign_ip_sha256", lines[0])
        self.assertNotIn("sign_ip", lines[0])
        # the command, as an auditor runs it: a script with Python and the PDF library only
        path = os.path.join(self.env["ir.attachment"]._filestore(), "h4-original-test.pdf")
        try:
            with open(path, "wb") as handle:
                handle.write(pdf)
            run = subprocess.run([sys.executable, TOOL, path], capture_output=True, text=True, check=False)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            self.assertIn("OK:", run.stdout)
            # a sheet changed after its seal: Sofia marked absent in the embedded content
            changed = json.loads(json.dumps(proof))
            content = json.loads(changed["seal"]["lines"][2]["content"])
            content["status"] = "absent"
            changed["seal"]["lines"][2]["content"] = sealer.canonical(content)
            live = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True, az_original_rendering=True)
                ._render_qweb_pdf("az_attendance.action_report_attendance_sheet", session.ids)[0]
            )
            forged = session._az_original_pdfa(live, changed)
            with open(path, "wb") as handle:
                handle.write(forged)
            run = subprocess.run([sys.executable, TOOL, path], capture_output=True, text=True, check=False)
            self.assertEqual(run.returncode, 1, run.stdout)
            self.assertIn("FAILED: Line 3: its content does not give its recorded hash.", run.stdout)
        finally:
            os.unlink(path)

    @unittest.skipUnless(local_tsa.available(), "openssl is needed for the local time-stamping authority")
    def test_the_job_waits_for_the_timestamp_which_must_sign_the_seal(self):
        with local_tsa.local_authority() as (url, _certificate, _directory):
            self.company.az_tsa_url = url
            session = self.signed_sheet()
            self.assertFalse(self.make_originals(), "the job waits for the seal's trusted timestamp")
            self.assertTrue(session.az_original_pending)
            self.env["az.attendance.ledger"]._cron_timestamp_pending()
        original = self.make_originals()
        self.assertTrue(original.has_timestamp)
        proof, problems, notes = verify_original.verify(original._pdf())
        self.assertEqual(problems, [])
        self.assertEqual(notes[0][0], "timestamped")
        # a token whose imprint is not the seal's digest
        token = bytearray(base64.b64decode(proof["timestamp"]["token"]))
        digest = hashlib.sha256(session.seal.encode()).digest()
        at = bytes(token).index(digest)
        token[at] ^= 1
        proof["timestamp"]["token"] = base64.b64encode(bytes(token)).decode()
        live = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True, az_original_rendering=True)
            ._render_qweb_pdf("az_attendance.action_report_attendance_sheet", session.ids)[0]
        )
        problems = verify_original.verify(session._az_original_pdfa(live, proof))[1]
        self.assertEqual(problems, [("timestamp", {})])

    def test_without_the_timestamp_after_the_set_delay_the_original_says_so(self):
        self.company.az_tsa_url = "http://127.0.0.1:9/tsa"
        self.env["ir.config_parameter"].sudo().set_param("az_attendance.original_timestamp_wait", "0")
        session = self.signed_sheet()
        original = self.make_originals()
        self.assertEqual(original.res_id, session.id)
        self.assertFalse(original.has_timestamp)
        self.assertIn(("no_timestamp", {}), verify_original.verify(original._pdf())[2])

    # ------------------------------------------------------------------ print, amendment, purge
    def test_print_gives_the_original_and_the_live_sheet_while_it_is_made(self):
        session, original = self.sealed_with_original()
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        printed = Report._render_qweb_pdf("az_attendance.action_report_attendance_sheet", session.ids)[0]
        self.assertEqual(printed, original._pdf(), "Print gives the archived original")
        self.amend(session, self.sofia)
        self.assertTrue(session.az_original_pending)
        live = Report._render_qweb_pdf("az_attendance.action_report_attendance_sheet", session.ids)[0]
        self.assertNotEqual(live, original._pdf(), "while the new original is made, the live sheet")

    def test_an_amendment_gives_a_new_original_and_keeps_the_old_one(self):
        session, first = self.sealed_with_original()
        self.amend(session, self.sofia)
        second = self.make_originals()
        self.assertEqual(second.res_id, session.id)
        self.assertEqual((first.state, second.state), ("superseded", "current"))
        self.assertTrue(first._pdf(), "the former original is kept")
        self.assertEqual(second.seal_value, session.amendment_head)
        kinds = self.env["az.attendance.ledger"].search([("session_ref", "=", session.id)], order="sequence")
        self.assertEqual(kinds.mapped("kind"), ["seal", "original", "amendment", "original"])
        proof, problems, _notes = verify_original.verify(second._pdf())
        self.assertEqual(problems, [])
        self.assertEqual(len(proof["seal"]["amendments"]), 1)
        self.assertEqual(session._az_original_pdfs()[session.id]["sha256"], second.sha256)

    def test_the_purge_replaces_the_original_holding_images_after_the_funders_period(self):
        self.funding.retention_years = 8
        session, original = self.sealed_with_original()
        self.assertTrue(original.holds_images)
        with freeze_time("2031-03-12"):
            self.assertFalse(self.Session._cron_purge_signatures() & session, "the funding keeps 8 years")
        self.assertEqual(original.state, "current")
        self.assertTrue(original._pdf())
        with freeze_time("2033-03-12"):
            self.assertIn(session, self.Session._cron_purge_signatures())
        self.env.invalidate_all()
        self.assertEqual(original.state, "purged")
        self.assertFalse(original.attachment_id, "the PDF holding signature images is gone")
        purged = self.make_originals()
        self.assertEqual(purged.res_id, session.id)
        self.assertFalse(purged.holds_images)
        kinds = self.env["az.attendance.ledger"].search([("session_ref", "=", session.id)], order="sequence")
        self.assertEqual(kinds.mapped("kind"), ["seal", "original", "purge", "original_purge", "original"])
        self.assertEqual(kinds[3].value, original.sha256, "the purged original's digest stays in the ledger")
        with freeze_time("2033-03-12"):
            self.assertFalse(self.env["az.attendance.ledger"]._check_integrity(self.company)["anomalies"])

    def test_existing_sealed_sheets_get_their_originals_without_resealing(self):
        session = self.signed_sheet(version=3)
        self.env.cr.execute("UPDATE az_attendance_session SET az_original_pending = FALSE")
        seal = session.seal
        path = os.path.join(os.path.dirname(TOOL), "..", "migrations", "18.0.1.5.0", "post-original.py")
        spec = importlib.util.spec_from_file_location("az_attendance_post_original", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertTrue(session.az_original_pending)
        original = self.make_originals().filtered(lambda o: o.res_id == session.id)
        self.assertEqual(original.res_id, session.id)
        self.assertEqual(session.seal, seal, "nothing sealed again")
        proof, problems, notes = verify_original.verify(original._pdf())
        self.assertEqual(problems, [])
        self.assertEqual(proof["seal"]["version"], 3)
        self.assertIn(
            ("withheld", {"count": 3}), notes, "lines with an IP address sealed before v4: hashes only"
        )
