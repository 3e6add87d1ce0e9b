import base64
import io
import re
from datetime import timedelta

import psycopg2
from freezegun import freeze_time
from PIL import Image

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.az_attendance.tests.common import AttendanceCommon, signature_data_uri, signature_png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg_photo():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


class FunderCommon(AttendanceCommon):
    def sheet(self, start, absent=(), hours=3, validate=True, version=None, **values):
        """A sheet of the project with Amina, Lucas and Sofia; ``absent`` people are marked
        absent, the others sign; validated (sealed) unless told otherwise."""
        session = self.make_session(start=start, hours=hours, **values)
        for line in session.line_ids:
            if line.partner_id in absent:
                line.status = "absent"
            else:
                line._record_signature(signature_data_uri(line.id % 7 + 1), "kiosk")
        if validate:
            session.trainer_signature = base64.b64encode(signature_png(42))
            if version:
                session._seal(version=version)
            else:
                session.with_user(self.trainer).action_validate()
            self.env.flush_all()
        return session

    def justify(self, line, data=PDF, name="note.pdf"):
        return self.env["az.attendance.justification"].create(
            {"line_id": line.id, "file": base64.b64encode(data), "filename": name}
        )


@tagged("post_install", "-at_install")
class TestJustificationWorkflow(FunderCommon):
    def test_accepted_on_an_open_sheet_excuses_the_line_and_feeds_the_funding(self):
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
        # the funding's rule on excused absences decides whether the hours count
        session.trainer_signature = base64.b64encode(signature_png(42))
        session.with_user(self.trainer).action_validate()
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertAlmostEqual(self.funding.quantity_used, 6.0)
        self.funding.count_excused = True
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertAlmostEqual(self.funding.quantity_used, 9.0)

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
        self.assertTrue(amendment.hash.startswith("$3$"))
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
class TestJustificationPortal(HttpCase, FunderCommon):
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
class TestCompletionRate(FunderCommon):
    def test_planned_done_excused_and_the_rate_rounded_down(self):
        day = timedelta(days=1)
        first = self.sheet(self.day_start, absent=self.sofia)
        second = self.sheet(self.day_start + day, absent=self.amina | self.sofia)
        self.sheet(self.day_start + 2 * day, validate=False)  # planned, not done yet
        cancelled = self.make_session(start=self.day_start + 3 * day)
        cancelled.action_cancel()
        Enrolment = self.env["az.attendance.enrolment"]
        amina = Enrolment.create({"partner_id": self.amina.id, "project_id": self.project.id})
        self.assertEqual((amina.planned_hours, amina.done_hours), (9.0, 3.0))
        self.assertEqual(amina.completion_rate, 33, "3 / 9 is 33.3 %: 33, never 34")
        # an amendment counts: Amina had an excuse for the second day
        self.env["az.attendance.amendment"].with_user(self.trainer).create(
            {
                "session_id": second.id,
                "line_id": self.line_of(second, self.amina).id,
                "field_name": "status",
                "new_status": "excused",
                "reason": "Convocation",
            }
        )
        amina.invalidate_recordset()
        self.assertEqual((amina.done_hours, amina.excused_hours), (3.0, 3.0))
        # and the hours of a late arrival: 2.99 h of 3 h is 99.7 % -> 99, not 100
        self.env["az.attendance.amendment"].with_user(self.trainer).create(
            {
                "session_id": first.id,
                "line_id": self.line_of(first, self.amina).id,
                "field_name": "hours_attended",
                "new_hours": 2.99,
                "reason": "Arrivée 9h01",
            }
        )
        amina.write({"date_end": first.date})
        self.assertEqual((amina.planned_hours, amina.completion_rate), (3.0, 99))
        # planned hours set by hand replace those of the sheets: 2.99 / 20 = 14.95 % -> 14
        amina.write({"date_end": False, "planned_hours_set": 20})
        self.assertEqual((amina.planned_hours, amina.done_hours), (20.0, 2.99))
        self.assertEqual(amina.completion_rate, 14)
        amina.partial_reason = "absence"

    def test_the_grant_report_shows_the_rate_and_the_reason_per_participant(self):
        day = timedelta(days=1)
        self.sheet(self.day_start, absent=self.amina)
        self.sheet(self.day_start + day)
        self.sheet(self.day_start + 2 * day, validate=False)
        self.env["az.attendance.enrolment"].create(
            {"partner_id": self.amina.id, "project_id": self.project.id, "partial_reason": "absence"}
        )
        self.env.flush_all()
        groups = self.env["az.grant.report"]._read_group(
            [("funding_id", "=", self.funding.id), ("partner_id", "!=", False)],
            ["partner_id"],
            ["completion_rate:max", "planned_hours:sum", "attended_hours:sum"],
        )
        rates = {partner: (rate, planned, done) for partner, rate, planned, done in groups}
        self.assertEqual(rates[self.amina], (33, 9.0, 3.0), "3 / 9 h: 33 %")
        self.assertEqual(rates[self.lucas], (66, 9.0, 6.0), "6 / 9 h: 66 %, never 67")
        rows = self.env["az.grant.report"].search([("partner_id", "=", self.amina.id)])
        self.assertEqual(set(rows.mapped("partial_reason")), {"absence"})

    def test_without_planned_hours_the_rate_is_unknown(self):
        enrolment = self.env["az.attendance.enrolment"].create(
            {"partner_id": self.amina.id, "project_id": self.project.id}
        )
        self.assertFalse(enrolment.completion_known)
        self.assertEqual((enrolment.planned_hours, enrolment.completion_rate), (0.0, 0))

    def test_a_full_completion_takes_no_reason(self):
        self.sheet(self.day_start)
        enrolment = self.env["az.attendance.enrolment"].create(
            {"partner_id": self.lucas.id, "project_id": self.project.id}
        )
        self.assertEqual(enrolment.completion_rate, 100)
        with self.assertRaisesRegex(ValidationError, "in full"):
            enrolment.partial_reason = "abandonment"

    def test_a_sheet_changed_since_its_seal_is_not_done(self):
        session = self.sheet(self.day_start)
        session.sudo().seal_broken = True
        enrolment = self.env["az.attendance.enrolment"].create(
            {"partner_id": self.lucas.id, "project_id": self.project.id}
        )
        self.assertEqual((enrolment.planned_hours, enrolment.done_hours), (3.0, 0.0))


@tagged("post_install", "-at_install")
class TestRetention(FunderCommon):
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


class CertificateCommon(FunderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Les Ateliers Solidaires",
                "city": "Bordeaux",
                "street": "12 rue des Faures",
                "zip": "33000",
                "az_training_declaration": "75331234533",
                "az_legal_representative": "Hélène Durand, présidente",
                "az_certificate_signature": base64.b64encode(signature_png(9)),
                "az_certificate_stamp": base64.b64encode(jpeg_photo()),
            }
        )
        cls.employer = cls.env["res.partner"].create({"name": "Boulangerie Dupain", "is_company": True})
        cls.enrolment = cls.env["az.attendance.enrolment"].create(
            {
                "partner_id": cls.amina.id,
                "project_id": cls.project.id,
                "employer_id": cls.employer.id,
                "nature": "vae",
                "partial_reason": "absence",
            }
        )

    def make_sheets(self):
        day = timedelta(days=1)
        self.sheets = (
            self.sheet(self.day_start)
            | self.sheet(self.day_start + day, absent=self.amina)
            | self.sheet(self.day_start + 2 * day)
        )
        self.open_sheet = self.sheet(self.day_start + 3 * day, validate=False)
        return self.sheets

    def certificate_of(self, certificates, partner):
        return certificates.filtered(lambda c: c.partner_id == partner)


@tagged("post_install", "-at_install")
class TestCertificate(CertificateCommon):
    def test_the_certificate_holds_every_field_of_the_ministry_model(self):
        from odoo.tools import format_date

        sheets = self.make_sheets()
        made = self.env["az.attendance.certificate"]._issue(
            self.project, sheets[0].date, self.open_sheet.date, funding=self.funding
        )
        self.assertEqual(made.partner_id, self.amina | self.lucas | self.sofia)
        cert = self.certificate_of(made, self.amina)
        self.assertRegex(cert.number, r"^CR-\d{4}-\d{5}$")
        self.assertEqual(cert.version, 1)
        self.assertEqual((cert.first_date, cert.last_date), (sheets[0].date, sheets[2].date))
        self.assertEqual(
            (cert.planned_hours, cert.done_hours, cert.completion_rate),
            (12.0, 6.0, 50),
            "the open sheet is planned, not followed",
        )
        self.assertEqual(cert.partial_reason, "absence")
        self.assertEqual(cert.session_ids, sheets, "validated sheets only")
        self.assertEqual(len(cert.pdf_sha256), 64)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("az_attendance_funder.report_certificate", cert.ids)[0]
            .decode()
        )
        for expected in (
            "Les Ateliers Solidaires",
            "Hélène Durand, présidente",
            "Amina Diallo",
            "Boulangerie Dupain",
            "Ateliers numériques",
            "75331234533",
            "☒\n                    Validation of acquired experience (VAE)",
            "☐\n                    Training action",
            format_date(self.env, sheets[0].date),
            format_date(self.env, sheets[2].date),
            "12.00 hours",
            "6.00 hours",
            "50 %",
            "Absences",
            "Bordeaux",
            format_date(self.env, cert.date_issued),
            'class="o_az_cert_signature"',
            'class="o_az_cert_stamp"',
            cert.number,
        ):
            self.assertIn(expected, html)
        for sheet in sheets:
            self.assertIn(sheet.seal, html)
            self.assertIn(sheet.verify_url, html)
        self.assertNotIn(self.open_sheet.verify_url, html)
        lucas = self.certificate_of(made, self.lucas)
        self.assertIn(
            "(no employer)",
            self.env["ir.actions.report"]
            ._render_qweb_html("az_attendance_funder.report_certificate", lucas.ids)[0]
            .decode(),
        )
        self.assertFalse(lucas.partial_reason, "Lucas followed every validated hour")

    def test_issuing_again_after_an_amendment_makes_a_new_version(self):
        sheets = self.make_sheets()
        Certificate = self.env["az.attendance.certificate"]
        first = self.certificate_of(
            Certificate._issue(self.project, sheets[0].date, sheets[2].date), self.amina
        )
        self.assertFalse(
            Certificate._issue(self.project, sheets[0].date, sheets[2].date),
            "nothing changed: nothing issued",
        )
        self.assertEqual(first.completion_rate, 66)
        self.env["az.attendance.amendment"].with_user(self.trainer).create(
            {
                "session_id": sheets[1].id,
                "line_id": self.line_of(sheets[1], self.amina).id,
                "field_name": "status",
                "new_status": "present",
                "reason": "Signed on paper",
            }
        )
        second = Certificate._issue(self.project, sheets[0].date, sheets[2].date)
        self.assertEqual(second.partner_id, self.amina, "only Amina's certificate changed")
        self.assertEqual((second.number, second.version, second.previous_id), (first.number, 2, first))
        self.assertEqual((first.state, second.state), ("superseded", "current"))
        self.assertEqual((second.done_hours, second.completion_rate), (9.0, 100))
        self.assertTrue(first.pdf, "the former version keeps its PDF")
        self.assertIn(sheets[1].amendment_head, second.sheet_seals)
        self.assertNotIn(
            sheets[1].amendment_head,
            self.certificate_of(Certificate.search([("state", "=", "current")]), self.lucas).sheet_seals,
        )
        with self.assertRaises(UserError):
            first.write({"done_hours": 1})
        with self.assertRaises(UserError):
            first.unlink()

    def test_a_sheet_changed_since_its_seal_is_left_out(self):
        sheets = self.make_sheets()
        sheets[2].sudo().seal_broken = True
        cert = self.certificate_of(
            self.env["az.attendance.certificate"]._issue(self.project, sheets[0].date, sheets[2].date),
            self.amina,
        )
        self.assertEqual(cert.session_ids, sheets[:2])
        self.assertEqual(cert.done_hours, 3.0)

    def test_sending_by_email_attaches_the_pdf(self):
        sheets = self.make_sheets()
        wizard = (
            self.env["az.attendance.certificate.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "funding_id": self.funding.id,
                    "date_from": sheets[0].date,
                    "date_to": sheets[2].date,
                    "send_by_email": True,
                }
            )
        )
        wizard.action_issue()
        cert = self.env["az.attendance.certificate"].search([("partner_id", "=", self.amina.id)])
        mail = self.env["mail.mail"].search([("model", "=", cert._name), ("res_id", "=", cert.id)])
        self.assertEqual(mail.recipient_ids, self.amina)
        self.assertEqual(mail.attachment_ids.mapped("name"), [cert.pdf_filename])


@tagged("post_install", "-at_install")
class TestCertificatePdf(HttpCase, CertificateCommon):
    def test_pdf_text_and_portal_access(self):
        import subprocess
        import tempfile

        sheets = self.make_sheets()
        made = (
            self.env["az.attendance.certificate"]
            .with_context(force_report_rendering=True)
            ._issue(self.project, sheets[0].date, sheets[2].date)
        )
        cert = self.certificate_of(made, self.amina)
        pdf = base64.b64decode(cert.pdf)
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", handle.name, "-"], check=True, capture_output=True, text=True
            ).stdout
        text = " ".join(text.split())
        for expected in (
            "Certificate of completion",
            "Les Ateliers Solidaires",
            "Hélène Durand, présidente",
            "Amina Diallo",
            "Boulangerie Dupain",
            "Ateliers numériques",
            "Validation of acquired experience (VAE)",
            "9.00 hours",
            "6.00 hours",
            "66 %",
            "Bordeaux",
            cert.number,
            sheets[0].seal[:30],
        ):
            self.assertIn(expected, text)
        # the participant downloads their own; another person gets 404
        self.portal_user.password = "az_att_portal"
        self.authenticate("az_att_portal", "az_att_portal")
        listing = self.url_open("/my/attendance")
        self.assertIn(f"/my/attendance/certificate/{cert.id}", listing.text)
        response = self.url_open(f"/my/attendance/certificate/{cert.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, pdf)
        lucas_cert = self.certificate_of(made, self.lucas)
        for bad in (lucas_cert.id, "abc", 0, 99999999):
            self.assertEqual(self.url_open(f"/my/attendance/certificate/{bad}").status_code, 404)


@tagged("post_install", "-at_install")
class TestBundle(CertificateCommon):
    def test_the_bundle_holds_every_file_with_its_digest_and_seal(self):
        import csv
        import zipfile

        from ..tools import bundle as bundler

        sheets = self.make_sheets()
        self.funding.count_excused = True
        justification = self.justify(self.line_of(sheets[1], self.amina))
        justification.with_user(self.trainer).action_accept()
        broken = self.sheet(self.day_start + timedelta(days=5))
        broken.sudo().seal_broken = True
        certificates = self.env["az.attendance.certificate"]._issue(
            self.project, sheets[0].date, sheets[2].date, funding=self.funding
        )
        bundle = (
            self.env["az.attendance.bundle"]
            .with_user(self.manager)
            .create({"funding_id": self.funding.id, "date_from": sheets[0].date, "date_to": broken.date})
        )
        self.assertEqual(bundle.state, "queued")
        self.env["az.attendance.bundle"]._cron_build_bundles()
        self.assertEqual((bundle.state, bundle.progress), ("done", 100))
        data = base64.b64decode(bundle.file)
        self.assertEqual(bundler.digest(data), bundle.file_sha256)
        listed = bundler.read_manifest(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            self.assertEqual(names - {"manifest.csv"}, set(listed))
            for name, (sha, _seal) in listed.items():
                self.assertEqual(bundler.digest(archive.read(name)), sha, name)
            by_participant = list(
                csv.reader(io.StringIO(archive.read("hours_by_participant.csv").decode("utf-8-sig")))
            )
        sheet_files = sorted(n for n in listed if n.startswith("sheets/"))
        self.assertEqual(len(sheet_files), 3, "validated, intact sheets only")
        self.assertEqual(sorted(listed[n][1] for n in sheet_files), sorted(sheets.mapped("seal")))
        self.assertEqual(len([n for n in listed if n.startswith("certificates/")]), len(certificates))
        self.assertIn("hours.xlsx", listed)
        amina = next(row for row in by_participant if row[0] == "Amina Diallo")
        # planned: 4 sheets + the broken one (15 h); done 6; excused 3 (accepted proof);
        # funded: the funding counts excused absences
        self.assertEqual(amina[1:], ["15.00", "6.00", "3.00", "9.00"])
        self.assertEqual(by_participant[0][:2], ["Participant", "Planned hours"])


@tagged("post_install", "-at_install")
class TestDropoutAlerts(FunderCommon):
    def setUp(self):
        super().setUp()
        Enrolment = self.env["az.attendance.enrolment"]
        self.enrolments = Enrolment.create(
            [
                {"partner_id": p.id, "project_id": self.project.id, "referent_id": self.trainer.id}
                for p in (self.amina, self.lucas, self.sofia)
            ]
        )

    def enrolment_of(self, partner):
        return self.enrolments.filtered(lambda e: e.partner_id == partner)

    def test_absences_in_a_row_alert_the_referent_once(self):
        day = timedelta(days=1)
        self.project.az_dropout_absences = 3
        self.sheet(self.day_start, absent=self.amina | self.sofia)
        self.sheet(self.day_start + day, absent=self.amina | self.sofia)
        last = self.sheet(self.day_start + 2 * day, absent=self.amina | self.sofia)
        # Sofia had an excuse for the last one: her run of absences is broken
        self.justify(self.line_of(last, self.sofia)).with_user(self.trainer).action_accept()
        Enrolment = self.env["az.attendance.enrolment"]
        Enrolment._cron_dropout_alerts()
        amina = self.enrolment_of(self.amina)
        self.assertIn("3 absences in a row", amina.dropout_alert)
        self.assertFalse(self.enrolment_of(self.lucas).dropout_alert)
        self.assertFalse(self.enrolment_of(self.sofia).dropout_alert)
        activity = amina.activity_ids
        self.assertEqual((activity.user_id, activity.summary), (self.trainer, "Risk of drop-out"))
        self.assertEqual(self.project.az_dropout_alert_count, 1)
        Enrolment._cron_dropout_alerts()
        self.assertEqual(len(amina.activity_ids), 1, "one activity, not one a day")
        # she comes back: the alert is cleared
        self.sheet(self.day_start + 3 * day)
        Enrolment._cron_dropout_alerts()
        self.assertFalse(amina.dropout_alert)
        self.project.invalidate_recordset(["az_dropout_alert_count"])
        self.assertEqual(self.project.az_dropout_alert_count, 0)

    def test_attendance_under_a_share_of_the_last_weeks(self):
        day = timedelta(days=1)
        self.project.write({"az_dropout_absences": 0, "az_dropout_rate": 50, "az_dropout_weeks": 2})
        self.sheet(self.day_start - 30 * day, absent=self.lucas)  # too old to count
        self.sheet(self.day_start, absent=self.lucas)
        self.sheet(self.day_start + day)
        self.sheet(self.day_start + 2 * day, absent=self.lucas | self.amina)
        with freeze_time("2025-03-20"):
            self.env["az.attendance.enrolment"]._cron_dropout_alerts()
        self.assertIn("33 %", self.enrolment_of(self.lucas).dropout_alert)
        self.assertFalse(self.enrolment_of(self.amina).dropout_alert, "66 % is above 50 %")
        self.assertFalse(self.enrolment_of(self.sofia).dropout_alert)
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.project.az_dropout_rate = 120
            self.env.flush_all()


@tagged("post_install", "-at_install")
class TestJustificationTourOnPhone(HttpCase, FunderCommon):
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
