"""What a French association reads: the seal in words (the digest behind a detail), dates,
times and hours in French formats and the sheet's time zone named as people say it, jobs
that write in the company's language, the integrity check's verdict on screen and its
report readable by pdftotext."""

import os
import subprocess
import tempfile
from urllib.parse import urlsplit

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from .common import AttendanceCommon, signature_data_uri

SEALED = "scellée le 11/03/2025 12:05 par Claire Trainer."


class FrenchCommon(AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_attendance"], ["fr_FR"])
        cls.company.partner_id.write({"lang": "fr_FR", "tz": "Europe/Paris"})
        cls.trainer.lang = "fr_FR"
        cls.manager.lang = "fr_FR"

    def sealed_sheet(self, **values):
        """A sheet signed by everyone and validated on 11/03/2025 at 12:05, Paris time."""
        session = self.make_session(**values)
        with freeze_time("2025-03-11 11:05:00"):
            self.sign_all_and_validate(session)
        return session

    def tamper(self, session):
        self.env.cr.execute(
            "UPDATE az_attendance_line SET status = 'absent' WHERE id = %s", [session.line_ids[0].id]
        )
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestAttendanceWordsFrench(FrenchCommon):
    def test_the_form_says_the_seal_in_words(self):
        session = self.sealed_sheet()
        shown = session.with_user(self.trainer).with_context(lang="fr_FR")
        self.assertEqual(shown.seal_summary, f"Feuille intacte, {SEALED}")
        self.assertTrue(shown.seal_intact)
        self.assertNotIn(session.seal[:12], shown.seal_summary)
        self.assertEqual(shown.tz_label, "heure de Paris")
        self.tamper(session)
        shown.invalidate_recordset()
        self.assertFalse(shown.seal_intact)
        self.assertEqual(shown.seal_summary, f"Feuille modifiée depuis qu'elle a été {SEALED}")

    def test_the_chatter_says_the_seal_in_words_and_keeps_the_digest_behind_a_detail(self):
        session = self.sealed_sheet()
        body = session.message_ids.filtered(lambda m: "scellée" in str(m.body))[:1].body
        self.assertTrue(body, session.message_ids.mapped("body"))
        doc = lxml_html.fromstring(str(body))
        self.assertIn(f"Feuille validée et {SEALED}", doc.text_content())
        details = doc.xpath("//details")
        self.assertEqual(len(details), 1)
        self.assertIn(session.seal, details[0].text_content())
        outside = "".join(doc.xpath("//p//text()"))
        self.assertNotIn(session.seal, outside)
        # no tracking line that shows the digest alone
        self.assertFalse(session.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "seal"))

    def test_pdf_sheet_names_the_time_zone_as_people_say_it(self):
        session = self.sealed_sheet()
        report = self.env.ref("az_attendance.action_report_attendance_sheet")
        page = report._render_qweb_html(report.report_name, session.ids)[0].decode()
        text = " ".join(lxml_html.fromstring(page).text_content().split())
        self.assertIn("09:00 – 12:00 (heure de Paris)", text)
        self.assertNotIn("Europe/Paris", text)
        self.assertIn(f"Feuille intacte, {SEALED}", text)

    def test_the_kiosk_says_what_happened_after_a_signature(self):
        session = self.make_session()
        line = self.line_of(session, self.amina)
        with freeze_time("2025-03-11 08:10:00"):
            line._record_signature(signature_data_uri(3), "kiosk")
        values = line.with_context(lang="fr_FR")._kiosk_values()
        self.assertEqual(values["signed_label"], "Signature enregistrée à 09:10")

    def test_hours_read_as_a_quantity_not_a_clock(self):
        Session = self.env["az.attendance.session"].with_context(lang="fr_FR")
        self.assertEqual(Session._format_hours(3.0), "3 h")
        self.assertEqual(Session._format_hours(1.5), "1 h 30 min")
        self.assertEqual(Session._format_hours(0.75), "0 h 45 min")
        self.sealed_sheet()
        project = self.project.with_context(lang="fr_FR")
        self.assertEqual(project.az_attendance_hours_label, "9 h")

    def test_the_purge_job_writes_in_the_company_language(self):
        session = self.sealed_sheet()
        # the job runs as OdooBot, whose language is English
        Session = self.env["az.attendance.session"].with_context(lang="en_US")
        with freeze_time("2036-03-12"):
            self.assertIn(session, Session._cron_purge_signatures())
        bodies = " ".join(str(body) for body in session.message_ids.mapped("body"))
        self.assertIn("Images des signatures purgées", bodies)
        self.assertNotIn("Signature images purged", bodies)

    def test_the_integrity_job_writes_its_findings_in_the_company_language(self):
        session = self.sealed_sheet()
        self.tamper(session)
        self.env["az.attendance.session"].with_context(lang="en_US")._cron_check_integrity()
        session.invalidate_recordset()
        self.assertTrue(session.seal_broken)
        self.assertIn("Ligne 1", session.seal_problems)
        self.assertNotIn("Line 1", session.seal_problems)


@tagged("post_install", "-at_install")
class TestAttendanceIntegrityVerdict(FrenchCommon):
    def test_the_check_shows_its_verdict_on_screen(self):
        self.sealed_sheet()
        company = self.company.with_user(self.manager).with_context(lang="fr_FR")
        with freeze_time("2026-12-07 19:49:16"):
            action = company.action_az_attendance_integrity_check()
        self.assertEqual(action["res_model"], "az.attendance.integrity.check")
        self.assertEqual(action["target"], "new")
        check = self.env["az.attendance.integrity.check"].with_user(self.manager).browse(action["res_id"])
        self.assertFalse(check.anomaly_count)
        self.assertTrue(check.verdict.startswith("Aucune anomalie"), check.verdict)
        # 19:49 UTC is 20:49 in Paris
        self.assertIn("20:49:16", check.checked_at_label)
        self.assertIn("heure de Paris", check.checked_at_label)
        download = check.action_download()
        self.assertEqual(download["report_name"], "az_attendance.report_attendance_integrity")

    def test_without_its_own_time_zone_the_company_keeps_that_of_its_first_site(self):
        # an antenna overseas, whose name comes first, does not give the head office its time
        self.company.partner_id.tz = False
        self.env["az.site"].create(
            {"name": "Antenne de Saint-Denis", "city": "Saint-Denis", "tz": "Indian/Reunion"}
        )
        company = self.company.with_user(self.manager).with_context(lang="fr_FR")
        with freeze_time("2026-12-07 19:49:16"):
            action = company.action_az_attendance_integrity_check()
        check = self.env["az.attendance.integrity.check"].with_user(self.manager).browse(action["res_id"])
        self.assertIn("20:49:16", check.checked_at_label)
        self.assertIn("heure de Paris", check.checked_at_label)

    def test_the_verdict_names_what_is_wrong(self):
        session = self.sealed_sheet(name="Atelier CV")
        self.tamper(session)
        company = self.company.with_user(self.manager).with_context(lang="fr_FR")
        action = company.action_az_attendance_integrity_check()
        check = self.env["az.attendance.integrity.check"].browse(action["res_id"])
        self.assertEqual(check.anomaly_count, 1)
        self.assertIn("1 anomalie", check.verdict)
        table = lxml_html.fromstring(str(check.anomalies_html)).text_content()
        self.assertIn("Atelier CV", table)
        self.assertIn("Ligne 1", table)


@tagged("post_install", "-at_install")
class TestAttendanceWordsPages(HttpCase, FrenchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        website = cls.env["website"].get_current_website()
        website.language_ids = [(4, cls.env.ref("base.lang_fr").id)]

    def test_verify_page_says_the_seal_in_words_and_names_the_methods(self):
        session = self.sealed_sheet()
        self.authenticate(None, None)
        address = urlsplit(session.verify_url)
        page = self.url_open(f"/fr{address.path}?{address.query}")
        self.assertEqual(page.status_code, 200, page.text[-3000:])
        doc = lxml_html.fromstring(page.content)
        main = doc.xpath("//main")[0]
        verdict = " ".join(main.xpath("string(.//*[contains(@class, 'o_az_verify_verdict')])").split())
        self.assertEqual(verdict, f"Feuille intacte, {SEALED}")
        methods = " ".join(main.xpath("string(.//*[contains(@class, 'o_az_verify_methods')])").split())
        self.assertIn("Borne : 3", methods)
        # the digests are shown only inside the technical detail
        digest = session.seal
        self.assertEqual(len(main.xpath(".//details")), 1)
        for element in main.xpath(".//*[contains(text(), $d)]", d=digest):
            self.assertTrue(element.xpath("ancestor::details"), lxml_html.tostring(element))
        text = " ".join(main.text_content().split())
        self.assertNotIn("Entrée", text)
        self.assertNotIn("maillon", text)
        self.assertIn("heure de Paris", text)

    def test_integrity_report_is_text_in_the_company_layout(self):
        session = self.sealed_sheet(name="Atelier numérique")
        self.tamper(session)
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("az_attendance.action_report_attendance_integrity", self.company.ids)
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "integrity.pdf")
            with open(path, "wb") as stream:
                stream.write(pdf)
            text = subprocess.run(
                ["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True, timeout=60
            ).stdout
        flat = " ".join(text.split())
        self.assertIn("Intégrité des feuilles d'émargement", flat.replace("’", "'"))
        self.assertIn(self.company.name, flat)
        self.assertIn("heure de Paris", flat)
        self.assertIn("Atelier numérique", flat)
        self.assertIn("Ligne 1", flat)
        # on the first lines of the page, not a third of the way down
        self.assertIn(self.company.name, "\n".join(text.splitlines()[:5]))
