import base64
import io
from datetime import timedelta

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.az_attendance.tests.common import (
    SheetCommon,
    jpeg_photo,
    signature_png,
)


@tagged("post_install", "-at_install")
class TestExcusedAbsences(SheetCommon):
    def test_the_funding_counts_an_accepted_excuse_by_its_rule(self):
        session = self.sheet(self.day_start, absent=self.amina, validate=False)
        justification = self.justify(self.line_of(session, self.amina), jpeg_photo(), "photo.jpeg")
        justification.with_user(self.trainer).action_accept()
        session.trainer_signature = base64.b64encode(signature_png(42))
        session.with_user(self.trainer).action_validate()
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertAlmostEqual(self.funding.quantity_used, 6.0)
        self.funding.count_excused = True
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertAlmostEqual(self.funding.quantity_used, 9.0)


@tagged("post_install", "-at_install")
class TestCompletionRate(SheetCommon):
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


class CertificateCommon(SheetCommon):
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
            "12 hours",
            "6 hours",
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
            self.assertIn(sheet.seal, html, "the digest stays, as a detail")
            self.assertIn(sheet.verify_url, html)
        self.assertEqual(html.count("Intact, sealed on"), len(sheets), html)
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
            "9 hours",
            "6 hours",
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
class TestDropoutAlerts(SheetCommon):
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

    def test_one_open_activity_whatever_its_language(self):
        """The job speaks the company's language; an alert raised in another language (a
        demo built in French, a company whose language changed) gets no second activity."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["az_attendance_funder"], ["fr_FR"])
        day = timedelta(days=1)
        self.project.az_dropout_absences = 2
        self.sheet(self.day_start, absent=self.amina)
        self.sheet(self.day_start + day, absent=self.amina)
        company = self.project.company_id or self.env.company
        company.partner_id.lang = "fr_FR"
        Enrolment = self.env["az.attendance.enrolment"]
        Enrolment._cron_dropout_alerts()
        amina = self.enrolment_of(self.amina)
        self.assertIn("2 absences de suite", amina.dropout_alert)
        self.assertEqual(amina.activity_ids.mapped("summary"), ["Risque d'abandon"])
        company.partner_id.lang = "en_US"
        Enrolment._cron_dropout_alerts()
        self.assertIn("2 absences in a row", amina.dropout_alert)
        self.assertEqual(amina.activity_ids.mapped("summary"), ["Risque d'abandon"], "no second activity")
        # once the referent closed it, a new alert opens a new one
        amina.activity_ids.action_feedback("Called her")
        amina.dropout_alert = False
        Enrolment._cron_dropout_alerts()
        self.assertEqual(amina.activity_ids.mapped("summary"), ["Risk of drop-out"])

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
