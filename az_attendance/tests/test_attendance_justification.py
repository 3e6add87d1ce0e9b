import base64
import re
from datetime import timedelta

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import seal as sealer
from .common import PDF, SheetCommon, jpeg_photo, signature_data_uri


@tagged("post_install", "-at_install")
class TestJustificationWorkflow(SheetCommon):
    def test_accepted_on_an_open_sheet_excuses_the_line(self):
        session = self.sheet(self.day_start, absent=self.amina, validate=False)
        line = self.line_of(session, self.amina)
        justification = self.justify(line, jpeg_photo(), "photo.jpeg")
        self.assertEqual((justification.state, justification.mimetype), ("pending", "image/jpeg"))
        self.assertEqual(len(justification.file_sha256), 64)
        justification.with_user(self.trainer).action_accept()
        self.assertEqual(justification.state, "accepted")
        self.assertEqual(justification.decided_by_id, self.trainer)
        self.assertEqual(line.status, "excused")
        self.assertEqual(
            line.justification_sha256,
            justification.file_sha256,
            "the proof is on the line, and the seal will cover its digest",
        )
        self.assertFalse(line._get_checklist_problem(), "an excused line with proof is ready")
        self.assertIn("accepted", justification.message_ids[0].body)

    def test_accepted_on_a_sealed_sheet_goes_through_the_amendment_chain(self):
        # a sheet sealed under the former version: its amendment is chained under the new
        # one, and both keep verifying
        session = self.sheet(self.day_start, absent=self.amina, version=2)
        line = self.line_of(session, self.amina)
        seal = session.seal
        justification = self.justify(line)
        justification.with_user(self.trainer).action_accept()
        amendment = justification.amendment_id
        self.assertTrue(amendment)
        self.assertEqual((amendment.old_value, amendment.new_value), ("absent", "excused"))
        self.assertEqual(amendment.justification_sha256, justification.file_sha256)
        self.assertTrue(
            amendment.hash.startswith(f"${sealer.SEAL_VERSION}$"), "chained under the current version"
        )
        self.assertEqual(line.status, "absent", "the sealed line itself never changes")
        self.assertEqual(line.effective_status, "excused")
        self.assertEqual(session.seal, seal)
        self.env.flush_all()
        self.assertEqual(session._verify_seal(), [])
        # the digest of the proof is sealed: changing it in the database is caught
        self.env.cr.execute(
            "UPDATE az_attendance_amendment SET justification_sha256 = %s WHERE id = %s",
            ["0" * 64, amendment.id],
        )
        self.env.invalidate_all()
        self.assertEqual(session._verify_seal(), ["Amendment 1 (Amina Diallo)"])

    def test_refusal_needs_a_reason_and_is_kept(self):
        session = self.sheet(self.day_start, absent=self.amina)
        justification = self.justify(self.line_of(session, self.amina))
        with self.assertRaisesRegex(UserError, "reason"):
            justification.with_user(self.trainer).action_refuse()
        justification.with_user(self.trainer).refusal_reason = "Le document est illisible."
        justification.with_user(self.trainer).action_refuse()
        self.assertEqual(justification.state, "refused")
        self.assertFalse(session.amendment_ids)
        self.assertIn("illisible", justification.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "already decided"):
            justification.with_user(self.trainer).action_accept()

    def test_decisions_only_through_the_buttons_and_by_staff(self):
        session = self.sheet(self.day_start, absent=self.amina)
        justification = self.justify(self.line_of(session, self.amina))
        with self.assertRaises(UserError):
            justification.with_user(self.trainer).write({"state": "accepted"})
        other = self.sheet(self.day_start + timedelta(days=1), absent=self.amina)
        forged = (
            self.env["az.attendance.justification"]
            .with_user(self.trainer)
            .create(
                {
                    "line_id": self.line_of(other, self.amina).id,
                    "file": base64.b64encode(PDF),
                    "filename": "x.pdf",
                    "state": "accepted",
                    "decided_by_id": self.manager.id,
                    "file_sha256": "0" * 64,
                }
            )
        )
        self.assertEqual((forged.state, forged.decided_by_id.id), ("pending", False))
        self.assertNotEqual(forged.file_sha256, "0" * 64)
        with self.assertRaises(AccessError):
            justification.with_user(self.portal_user).action_accept()
        with self.assertRaises(AccessError):
            justification.with_user(self.other_staff).action_accept()
        self.assertEqual(justification.state, "pending")
        self.assertFalse(session.amendment_ids)

    def test_one_pending_proof_per_line_and_none_for_a_presence(self):
        session = self.sheet(self.day_start, absent=self.amina)
        line = self.line_of(session, self.amina)
        self.justify(line)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            self.justify(line)
        with self.assertRaisesRegex(ValidationError, "marked present"):
            self.justify(self.line_of(session, self.lucas))

    def test_files_are_checked_by_content(self):
        session = self.sheet(self.day_start, absent=self.amina)
        line = self.line_of(session, self.amina)
        for data, message in (
            (b"MZ\x90\x00", "PDF file or a photo"),
            (b"<html></html>", "PDF file or a photo"),
            (b"%PDF-1.4 cut", "damaged"),
            (b"%PDF-" + b"x" * (5 * 1024 * 1024), "too large"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self.justify(line, data, "note.pdf")
        self.assertFalse(self.env["az.attendance.justification"].search([("line_id", "=", line.id)]))


@tagged("post_install", "-at_install")
class TestJustificationPortal(HttpCase, SheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lucas_user = new_test_user(
            cls.env,
            login="az_att_portal_lucas",
            name="Lucas Portal",
            groups="base.group_portal",
            password="az_att_portal_lucas",
        )
        cls.lucas_user.partner_id = cls.lucas
        cls.portal_user.password = "az_att_portal"
        cls.sheet_session = cls.make_session(start=cls.day_start)
        cls.sheet_session.line_ids.filtered(lambda ln: ln.partner_id != cls.lucas).status = "absent"
        cls.amina_line = cls.line_of(cls.sheet_session, cls.amina)
        cls.line_of(cls.sheet_session, cls.lucas)._record_signature(signature_data_uri(3), "kiosk")

    def _form(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, page.text[:300])
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _post(self, url, csrf, data=PDF, name="arret.pdf", note="Malade"):
        return self.url_open(
            url, data={"csrf_token": csrf, "note": note}, files={"file": (name, data, "application/pdf")}
        )

    def _justifications(self):
        return self.env["az.attendance.justification"].search(
            [("line_id", "in", self.sheet_session.line_ids.ids)]
        )

    def test_a_participant_sends_a_proof_for_their_own_line(self):
        self.authenticate("az_att_portal", "az_att_portal")
        listing = self.url_open("/my/attendance")
        url = f"/my/attendance/{self.amina_line.id}/justification"
        self.assertIn(url, listing.text)
        self.assertIn("o_az_cell_label", listing.text)
        csrf = self._form(url)
        response = self._post(url, csrf)
        self.assertEqual(response.status_code, 200)
        self.assertIn("sent=1", response.url)
        self.assertIn("Your proof has been sent", response.text)
        justification = self._justifications()
        self.assertEqual(justification.line_id, self.amina_line)
        self.assertEqual(justification.note, "Malade")
        self.assertEqual(justification.submitted_by_id, self.portal_user)
        self.assertEqual(base64.b64decode(justification.file), PDF)
        # a second proof waits for the first decision
        self.assertEqual(self._post(url, csrf).status_code, 409)
        self.assertEqual(len(self._justifications()), 1)
        self.assertIn("Pending", self.url_open("/my/attendance").text)

    def test_another_person_gets_not_found_and_nothing_is_written(self):
        self.authenticate("az_att_portal_lucas", "az_att_portal_lucas")
        url = f"/my/attendance/{self.amina_line.id}/justification"
        self.assertEqual(self.url_open(url).status_code, 404)
        # the form of one's own present line is refused, never a 500
        own = f"/my/attendance/{self.line_of(self.sheet_session, self.lucas).id}/justification"
        self.assertEqual(self.url_open(own).status_code, 409)
        # a valid form of Lucas's own, posted to Amina's line
        other = self.make_session(start=self.day_start + timedelta(days=1))
        other.line_ids.status = "absent"
        token = self._form(f"/my/attendance/{self.line_of(other, self.lucas).id}/justification")
        self.assertEqual(self._post(url, token).status_code, 404)
        for bad in ("abc", "0", "-1", "99999999", "1.5", "²"):
            self.assertEqual(self.url_open(f"/my/attendance/{bad}/justification").status_code, 404)
        self.assertFalse(self._justifications())

    def test_bad_files_are_refused_with_a_clear_message(self):
        self.authenticate("az_att_portal", "az_att_portal")
        url = f"/my/attendance/{self.amina_line.id}/justification"
        csrf = self._form(url)
        for data, message in (
            (b"MZ\x90\x00 exe", "PDF file or a photo"),
            (b"%PDF-1.4 cut", "damaged"),
            (b"%PDF-" + b"x" * (5 * 1024 * 1024), "too large"),
        ):
            response = self._post(url, csrf, data, "arret.pdf")
            self.assertEqual(response.status_code, 400)
            self.assertIn(message, response.text)
        response = self.url_open(url, data={"csrf_token": csrf, "note": "x"})
        self.assertEqual(response.status_code, 400)
        response = self._post(url, csrf, note="a" * 1001)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._justifications())


@tagged("post_install", "-at_install")
class TestRetention(SheetCommon):
    def test_each_funding_says_how_long_and_the_longest_wins(self):
        self.assertEqual(self.funding.retention_years, 6)
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.funding.write({"retention_years": 5})
            self.env.flush_all()
        eu = self.env["az.funding"].create(
            {
                "name": "FSE+",
                "funder_id": self.funder.id,
                "project_id": self.project.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
                "unit": "hour",
                "rate": 10,
                "target_quantity": 10,
                "is_eu_funded": True,
            }
        )
        self.assertEqual(eu.retention_years, 10)
        with self.assertRaisesRegex(ValidationError, "at least 10"):
            eu.retention_years = 8
        eu.action_activate()
        other_year = self.env["az.funding"].create(
            {
                "name": "Région 2024",
                "funder_id": self.funder.id,
                "project_id": self.project.id,
                "date_start": "2024-01-01",
                "date_end": "2024-12-31",
                "unit": "hour",
                "rate": 10,
                "target_quantity": 10,
                "retention_years": 15,
            }
        )
        other_year.action_activate()
        self.funding.retention_years = 8
        session = self.sheet(self.day_start)  # 2025-03-11: our funding (8) and the EU one (10)
        self.assertEqual(session.sealed_funding_ids, self.funding | eu)
        Session = self.env["az.attendance.session"]
        with freeze_time("2035-03-10"):
            self.assertFalse(Session._cron_purge_signatures() & session, "10 years not over")
        with freeze_time("2035-03-12"):
            self.assertIn(session, Session._cron_purge_signatures())
        # a funding that keeps longer, added after the seal, keeps the sheet longer too
        kept = self.sheet(self.day_start + timedelta(days=20))
        self.env["az.funding"].create(
            {
                "name": "Fondation",
                "funder_id": self.funder.id,
                "project_id": self.project.id,
                "date_start": "2025-03-01",
                "date_end": "2025-04-30",
                "unit": "hour",
                "rate": 10,
                "target_quantity": 10,
                "retention_years": 12,
            }
        ).action_activate()
        with freeze_time("2036-01-01"):
            self.assertFalse(Session._cron_purge_signatures() & kept)
        with freeze_time("2037-04-01"):
            self.assertIn(
                kept,
                Session._cron_purge_signatures(),
                "the 15 years of a funding of another period do not apply",
            )


@tagged("post_install", "-at_install")
class TestJustificationTourOnPhone(HttpCase, SheetCommon):
    # a phone held upright, with a touch screen
    browser_size = "375x740"
    touch_enabled = True

    def test_a_participant_sends_a_proof_from_a_phone(self):
        session = self.make_session(start=self.day_start)
        line = self.line_of(session, self.amina)
        line.status = "absent"
        self.portal_user.password = "az_att_portal"
        self.start_tour("/my/attendance", "az_attendance_justification_phone", login="az_att_portal")
        justification = self.env["az.attendance.justification"].search([("line_id", "=", line.id)])
        self.assertEqual(justification.state, "pending")
        self.assertEqual(justification.note, "J'étais malade ce jour-là.")
        self.assertEqual(justification.mimetype, "application/pdf")
        self.assertEqual(justification.submitted_by_id, self.portal_user)
