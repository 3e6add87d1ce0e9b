import base64
import csv
import io
import zipfile
from ast import literal_eval
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from ..models.az_attendance_bundle import BUS_CHANNEL
from ..tools import bundle as bundler
from .test_attendance_funder import CertificateCommon


class FrenchCompanyCommon(CertificateCommon):
    """The company speaks French; the staff member and the job speak English."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["az_project_base", "az_attendance", "az_attendance_funder"], ["fr_FR"]
        )
        cls.company.partner_id.lang = "fr_FR"

    def build(self, bundle):
        """Run the job as the scheduler does (in its own, English, language) and write its
        chatter as the end of the transaction would."""
        self.env["az.attendance.bundle"].with_context(
            lang="en_US", tracking_disable=False
        )._cron_build_bundles()
        self.env.flush_all()
        self.env.cr.precommit.run()
        bundle.invalidate_recordset()


@tagged("post_install", "-at_install")
class TestBundleJobInFrench(FrenchCompanyCommon):
    def test_the_zip_and_the_chatter_speak_the_company_language(self):
        sheets = self.make_sheets()
        self.env["az.attendance.certificate"]._issue(
            self.project, sheets[0].date, sheets[2].date, funding=self.funding
        )
        bundle = (
            self.env["az.attendance.bundle"]
            .with_user(self.manager)
            .with_context(lang="en_US", tracking_disable=False)
            .create({"funding_id": self.funding.id, "date_from": sheets[0].date, "date_to": sheets[2].date})
        )
        self.build(bundle)
        self.assertEqual(bundle.state, "done")
        data = base64.b64decode(bundle.file)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            by_participant = archive.read("heures_par_participant.csv").decode("utf-8-sig")
        self.assertEqual(len([n for n in names if n.startswith("feuilles/")]), 3, names)
        self.assertTrue([n for n in names if n.startswith("certificats/")], names)
        for name in ("heures_par_session.csv", "heures_par_mois.csv", "heures.xlsx", "manifeste.csv"):
            self.assertIn(name, names)
        self.assertFalse([n for n in names if n.startswith(("sheets/", "certificates/", "hours"))], names)
        rows = list(csv.reader(io.StringIO(by_participant), delimiter=";"))
        self.assertEqual(rows[0][:3], ["Participant", "Heures prévues", "Heures réalisées"], by_participant)
        amina = next(row for row in rows if row[0] == "Amina Diallo")
        self.assertEqual(amina[1:3], ["9,00", "6,00"], "decimal commas, as a French spreadsheet reads them")
        listed = bundler.read_manifest(data, "manifeste.csv")
        self.assertEqual(set(listed), set(names) - {"manifeste.csv"})
        # the job's chatter: the change of state and the result, in French
        messages = bundle.message_ids
        self.assertEqual(bundle.file_count, len(names) - 1, "every file but the manifest")
        self.assertIn(
            f"Dossier de justification prêt : {bundle.file_count} fichiers.",
            " ".join(messages.mapped("body")),
        )
        tracked = messages.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(tracked.mapped("new_value_char")[:1], ["Prêt"])
        self.assertNotIn("Ready", messages.tracking_value_ids.mapped("new_value_char"))

    def test_the_title_names_the_funding_and_its_period_in_the_language(self):
        Bundle = self.env["az.attendance.bundle"].with_user(self.manager)
        self.assertEqual(Bundle.new({}).display_name, "New justification bundle")
        bundle = Bundle.create({"funding_id": self.funding.id})
        self.assertEqual(
            (bundle.date_from, bundle.date_to),
            (self.funding.date_start, self.funding.date_end),
            "the period follows the funding unless set",
        )
        self.assertEqual(
            bundle.with_context(lang="fr_FR").display_name,
            "Dossier Convention inclusion numérique, 01/01/2020 – 31/12/2035",
        )

    def test_the_funding_field_offers_the_active_fundings_of_the_user(self):
        draft = self.funding.copy({"name": "Convention en projet"})
        field = self.env["az.attendance.bundle"]._fields["funding_id"]
        found = (
            self.env["az.funding"]
            .with_user(self.manager)
            .name_search("Convention", args=literal_eval(field.domain))
        )
        self.assertIn(self.funding.id, [fid for fid, _name in found])
        self.assertNotIn(draft.id, [fid for fid, _name in found], "a draft funding has nothing to justify")


@tagged("post_install", "-at_install")
class TestBundleProgressOnTheBus(CertificateCommon):
    def test_the_job_pushes_its_progress_and_ends_on_the_result(self):
        sheets = self.make_sheets()
        bundle = (
            self.env["az.attendance.bundle"]
            .with_user(self.manager)
            .create({"funding_id": self.funding.id, "date_from": sheets[0].date, "date_to": sheets[2].date})
        )
        sent = []
        Bus = type(self.env["bus.bus"])
        original = Bus._sendone

        def record(bus, target, kind, message):
            sent.append((target, kind, message))
            return original(bus, target, kind, message)

        with patch.object(Bus, "_sendone", record):
            self.env["az.attendance.bundle"]._cron_build_bundles()
        ours = [message for target, kind, message in sent if kind == BUS_CHANNEL]
        self.assertTrue(
            all(target == (self.company, BUS_CHANNEL) for target, kind, _m in sent if kind == BUS_CHANNEL),
            "sent to the staff of the bundle's company",
        )
        self.assertEqual([m["id"] for m in ours], [bundle.id] * len(ours))
        self.assertEqual(ours[0]["state"], "running")
        progress = [m["progress"] for m in ours]
        self.assertEqual(progress, sorted(progress), "the bar only moves forward")
        self.assertTrue([p for p in progress if 0 < p < 100], f"progress on the way: {progress}")
        self.assertEqual(
            (ours[-1]["state"], ours[-1]["progress"], ours[-1]["file_count"]),
            ("done", 100, bundle.file_count),
            "the last word is the result the page shows",
        )
        self.assertGreater(bundle.file_count, 0)

    def test_staff_of_the_company_listen_and_portal_users_do_not(self):
        Websocket = self.env["ir.websocket"]
        for user, listens in ((self.trainer, True), (self.portal_user, False)):
            channels = Websocket.with_user(user)._az_bundle_channels()
            self.assertEqual((self.company, BUS_CHANNEL) in channels, listens, user.login)


@tagged("post_install", "-at_install")
class TestCertificateWords(FrenchCompanyCommon):
    def test_the_french_certificate_writes_hours_dates_and_the_seal_in_words(self):
        sheets = self.make_sheets()
        made = self.env["az.attendance.certificate"]._issue(
            self.project, sheets[0].date, self.open_sheet.date, funding=self.funding
        )
        cert = self.certificate_of(made, self.amina)
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="en_US")
            ._render_qweb_html("az_attendance_funder.report_certificate", cert.ids)[0]
            .decode()
        )
        text = " ".join(html.split())
        self.assertIn("Certificat de réalisation", text)
        self.assertIn("12 heures", text)
        self.assertIn("6 heures", text)
        self.assertNotIn("12.00", text)
        fr = self.env(context={"lang": "fr_FR"})
        self.assertIn(format_date(fr, sheets[0].date), text)
        self.assertIn("11/03/2025", text, "the French day, not 2025-03-11")
        self.assertNotIn("(2025-03-11)", text)
        self.assertEqual(
            text.count("Intacte, scellée le"), 3, "the seal of each sheet in words, with who sealed it"
        )
        self.assertIn("(heure de Paris) par Claire Trainer", text)
        self.assertIn(f"Empreinte du sceau (pour un contrôle technique) : {sheets[0].seal}", text)


@tagged("post_install", "-at_install")
class TestBundleFormFromItsMenu(HttpCase, CertificateCommon):
    def test_a_bundle_is_made_from_its_menu_and_shows_its_result(self):
        self.env["az.funding"].create(
            {
                "name": "Convention Tour bundle",
                "funder_id": self.funder.id,
                "project_id": self.project.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
                "unit": "hour",
                "rate": 20.0,
                "target_quantity": 100.0,
            }
        ).action_activate()
        self.start_tour("/odoo", "az_attendance_bundle_from_menu_tour", login="admin")
        bundle = self.env["az.attendance.bundle"].search([("funding_id.name", "=", "Convention Tour bundle")])
        self.assertEqual(len(bundle), 1)
        self.assertEqual((str(bundle.date_from), str(bundle.date_to)), ("2025-01-01", "2025-03-31"))
        self.assertEqual(bundle.state, "queued")
        self.make_sheets()
        self.env["az.attendance.bundle"]._cron_build_bundles()
        self.assertEqual(bundle.state, "done")
        self.start_tour(
            f"/odoo/action-az_attendance_funder.az_attendance_bundle_action/{bundle.id}",
            "az_attendance_bundle_ready_tour",
            login="admin",
        )


@tagged("post_install", "-at_install")
class TestDropoutJobInFrench(FrenchCompanyCommon):
    def test_the_daily_job_alerts_in_the_company_language(self):
        day = timedelta(days=1)
        self.project.az_dropout_absences = 2
        enrolment = self.env["az.attendance.enrolment"].create(
            {"partner_id": self.lucas.id, "project_id": self.project.id, "referent_id": self.trainer.id}
        )
        self.sheet(self.day_start, absent=self.lucas)
        self.sheet(self.day_start + day, absent=self.lucas)
        self.env["az.attendance.enrolment"].with_context(lang="en_US")._cron_dropout_alerts()
        self.assertIn("2 absences de suite", enrolment.dropout_alert)
        self.assertIn("12/03/2025", enrolment.dropout_alert, "the day in French")
        self.assertEqual(enrolment.activity_ids.summary, "Risque d'abandon")
