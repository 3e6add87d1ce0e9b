"""Each class of tampering that an auditor or a hostile insider can do to a sealed sheet, done
the way it would be done (SQL, or a plain staff user through the ORM), and what the
verification then names."""

import base64
import tempfile
import time
from datetime import timedelta
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import seal as sealer
from .common import AttendanceCommon, signature_png


@tagged("post_install", "-at_install")
class TestAttendanceSealIntegrity(AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.nadia = Partner.create({"name": "Nadia Benali", "az_is_beneficiary": True})
        cls.omar = Partner.create({"name": "Omar Haddad", "az_is_beneficiary": True})
        cls.site.capacity = 10
        # another company, for the fields that point at one
        cls.env["res.company"].create({"name": "Autre structure"})
        cls.session = cls.make_session(partners=cls.amina | cls.lucas | cls.sofia | cls.nadia | cls.omar)

    def setUp(self):
        super().setUp()
        self.sign_all_and_validate(self.session)
        self.lines = self.session._sealed_lines()
        self.names = self.lines.mapped("partner_name")

    def problems(self, session=None, **kwargs):
        self.env.invalidate_all()
        return (session or self.session)._verify_seal(**kwargs)

    def sql(self, query, *params):
        self.env.cr.execute(query, params)
        self.env.invalidate_all()

    def mutate_column(self, model, record, name):
        """Change one stored field of ``record`` behind the ORM, the way each type allows."""
        field = record._fields[name]
        table = record._table
        if field.type == "many2many":
            self.env.cr.execute(f'DELETE FROM "{field.relation}" WHERE "{field.column1}" = %s', [record.id])
            if not self.env.cr.rowcount:
                other = self.env[field.comodel_name].sudo().search([], limit=1)
                self.env.cr.execute(
                    f'INSERT INTO "{field.relation}" ("{field.column1}", "{field.column2}") VALUES (%s, %s)',
                    [record.id, other.id],
                )
            return
        expression = {
            "char": f"COALESCE({name}, '') || 'x'",
            "text": f"COALESCE({name}, '') || 'x'",
            "selection": f"COALESCE({name}, '') || 'x'",
            "boolean": f"NOT COALESCE({name}, false)",
            "float": f"COALESCE({name}, 0) + 1",
            "integer": f"COALESCE({name}, 0) + 1",
            "date": f"COALESCE({name}, '2020-01-01') - 1",
            "datetime": f"COALESCE({name}, '2020-01-01') - interval '1 hour'",
        }.get(field.type)
        if field.type == "many2one":
            current = record[name].id
            other = (
                self.env[field.comodel_name]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "!=", current)], limit=1)
            )
            self.assertTrue(other, f"no other {field.comodel_name} to point {name} at")
            self.env.cr.execute(f'UPDATE "{table}" SET "{name}" = %s WHERE id = %s', [other.id, record.id])
            return
        self.assertTrue(expression, f"no mutation for a {field.type} field ({name})")
        self.env.cr.execute(f'UPDATE "{table}" SET "{name}" = {expression} WHERE id = %s', [record.id])

    # ------------------------------------------------------------------ 1. fields
    def test_the_seal_covers_what_the_pdf_invoicing_and_purge_read(self):
        session_fields = set(self.session._get_seal_fields())
        for name in (
            "company_id",
            "project_id",
            "name",
            "date",
            "start",
            "stop",
            "duration",
            "granularity",
            "site_id",
            "site_label",
            "trainer_ids",
            "trainer_names",
            "sealed_funding_ids",
            "funder_names",
            "early_validation_reason",
        ):
            self.assertIn(name, session_fields)
        line_fields = set(self.lines._get_seal_fields())
        for name in (
            "partner_id",
            "partner_name",
            "status",
            "arrived_at",
            "left_at",
            "hours_attended",
            "signature_sha256",
            "signed_at",
            "sign_method",
            "sign_ip_sha256",
            "sign_user_agent_sha256",
            "device_time",
            "device_time_skewed",
            "offline",
            "witness_name",
            "on_behalf_reason",
            "justification_sha256",
            "project_id",
            "session_date",
            "company_id",
            "session_id",
        ):
            self.assertIn(name, line_fields)
        # the IP address and the browser as themselves up to version 3, as digests from version 4
        self.assertLessEqual({"sign_ip", "sign_user_agent"}, set(self.lines._get_seal_fields(3)))
        self.assertFalse({"sign_ip", "sign_user_agent"} & line_fields)
        self.assertEqual(self.session.site_label, "Centre social Bastide, 3 rue Pierre, 33100 Bordeaux")
        self.assertEqual(self.session.trainer_names, "Claire Trainer")
        self.assertEqual(self.session.funder_names, "Département de la Gironde")

    def test_every_sealed_field_of_the_sheet_changed_by_sql_is_named(self):
        self.assertEqual(self.problems(), [])
        header = "Sheet header (title, date, times, place, trainers, fundings)"
        for name in self.session._get_seal_fields():
            with self.subTest(field=name):
                self.env.cr.execute("SAVEPOINT mutate")
                self.mutate_column("az.attendance.session", self.session, name)
                problems = self.problems()
                self.env.cr.execute("ROLLBACK TO SAVEPOINT mutate")
                self.env.invalidate_all()
                self.assertTrue(problems and problems[0] == header, problems)
                if name not in ("seal_manifest", "trainer_signature_sha256", "paper_sheet_sha256"):
                    self.assertEqual(problems, [header])
        self.assertEqual(self.problems(), [])

    def test_every_sealed_field_of_a_line_changed_by_sql_names_that_person(self):
        line = self.lines[1]
        label = f"Line 2: {line.partner_name}"
        for name in line._get_seal_fields():
            with self.subTest(field=name):
                self.env.cr.execute("SAVEPOINT mutate")
                self.mutate_column("az.attendance.line", line, name)
                problems = self.problems()
                self.env.cr.execute("ROLLBACK TO SAVEPOINT mutate")
                self.env.invalidate_all()
                if name == "session_id":
                    self.assertIn(f"{label} was deleted.", problems)
                    continue
                self.assertIn(label, problems)
                self.assertTrue(all(line.partner_name in p for p in problems), problems)
        self.assertEqual(self.problems(), [])

    def test_moving_the_date_by_sql_is_named_and_blocks_the_purge(self):
        self.sql(
            "UPDATE az_attendance_session SET date = date - 4400, "
            "start = start - interval '4400 days', stop = stop - interval '4400 days' "
            "WHERE id = %s",
            self.session.id,
        )
        self.sql(
            "UPDATE az_attendance_line SET session_date = session_date - 4400 WHERE session_id = %s",
            self.session.id,
        )
        problems = self.problems()
        self.assertIn("Sheet header (title, date, times, place, trainers, fundings)", problems)
        with freeze_time("2026-01-01"):
            purged = self.env["az.attendance.session"]._cron_purge_signatures()
        self.assertFalse(purged, "a sheet that does not verify is never purged")
        self.assertTrue(all(self.session.line_ids.mapped("signature")))
        activity = self.session.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager, "the project's manager is told")

    # ------------------------------------------------------------------ 2. whom it sealed
    def test_a_deleted_line_is_named_by_the_person_sealed(self):
        third, last = self.lines[2], self.lines[4]
        self.sql("DELETE FROM az_attendance_line WHERE id = %s", third.id)
        self.assertEqual(self.problems(), [f"Line 3: {self.names[2]} was deleted."])
        self.sql("DELETE FROM az_attendance_line WHERE id = %s", last.id)
        self.assertEqual(
            self.problems(),
            [f"Line 3: {self.names[2]} was deleted.", f"Line 5: {self.names[4]} was deleted."],
        )

    def test_an_inserted_line_is_not_sealed_and_a_reordering_is_named(self):
        self.sql(
            "INSERT INTO az_attendance_line (session_id, company_id, project_id, "
            "partner_id, partner_name, status, seal_sequence) "
            "SELECT session_id, company_id, project_id, %s, 'Intrus Ajouté', 'present', 6 "
            "FROM az_attendance_line WHERE id = %s",
            self.funder.id,
            self.lines[0].id,
        )
        self.assertEqual(self.problems(), ["Intrus Ajouté: line added after the seal (not sealed)."])
        self.sql("DELETE FROM az_attendance_line WHERE partner_name = 'Intrus Ajouté'")
        self.sql(
            "UPDATE az_attendance_line SET seal_sequence = 6 - seal_sequence WHERE session_id = %s",
            self.session.id,
        )
        self.assertEqual(self.problems(), ["The lines were reordered after the seal."])

    def test_a_row_copied_into_a_sheet_is_named_as_added_and_nothing_else(self):
        self.sql(
            "INSERT INTO az_attendance_line (session_id, company_id, project_id, partner_id, "
            "partner_name, status, seal_sequence, signed_at, sign_method, signature_sha256, "
            "hash, previous_hash) "
            "SELECT session_id, company_id, project_id, %s, 'Copie Conforme', status, 6, signed_at, "
            "sign_method, signature_sha256, hash, previous_hash FROM az_attendance_line WHERE id = %s",
            self.funder.id,
            self.lines[0].id,
        )
        self.assertEqual(self.problems(), ["Copie Conforme: line added after the seal (not sealed)."])

    def test_a_changed_stored_hash_accuses_that_line_alone(self):
        self.sql("UPDATE az_attendance_line SET hash = %s WHERE id = %s", "$3$" + "ab" * 32, self.lines[1].id)
        self.assertEqual(self.problems(), [f"Line 2: {self.names[1]}"])
        self.sql("UPDATE az_attendance_line SET hash = %s WHERE id = %s", self.session.seal, self.lines[4].id)
        self.sql(
            "UPDATE az_attendance_session SET header_hash = %s WHERE id = %s",
            "$3$" + "cd" * 32,
            self.session.id,
        )
        self.assertEqual(
            self.problems(),
            ["Sheet header (title, date, times, place, trainers, fundings)", f"Line 2: {self.names[1]}"],
        )

    def test_a_seal_without_its_version_prefix_names_the_seal_not_the_lines(self):
        self.sql(
            "UPDATE az_attendance_session SET seal = substring(seal from 4) WHERE id = %s", self.session.id
        )
        problems = self.problems()
        self.assertFalse([p for p in problems if p.startswith("Line")], problems)
        self.assertEqual(
            problems,
            [
                "The sheet's final seal",
                "The seal stored with the sheet differs from the one recorded in the company "
                "ledger: the sheet was changed in the database after it was sealed.",
            ],
        )

    def test_a_sheet_reopened_behind_the_orm_and_sealed_again_is_named(self):
        first = self.session.seal
        self.sql(
            "UPDATE az_attendance_session SET state = 'open', seal = NULL WHERE id = %s", self.session.id
        )
        self.sql("UPDATE az_attendance_line SET status = 'absent' WHERE id = %s", self.lines[2].id)
        with self.assertRaisesRegex(UserError, "was sealed before"):
            self.session.with_user(self.trainer).action_validate()
        # an insider runs the sealing code past that refusal: the ledger now holds two seals
        Session = type(self.session)
        with patch.object(Session, "_ledger_seal_entry", lambda session: None):
            self.session.with_user(self.trainer).action_validate()
        self.env.flush_all()
        self.assertNotEqual(self.session.seal, first)
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertRegex(problems[0], r"records 2 seals of this sheet \(entries #\d+, #\d+\)")
        anomalies = self.company.with_user(self.manager)._az_attendance_integrity()["anomalies"]
        self.assertEqual([a["sheet"] for a in anomalies], [f"{self.session.name} (#{self.session.id})"])
        self.assertIn("records 2 seals", anomalies[0]["detail"])

    def test_a_missing_signature_image_is_a_change(self):
        line = self.lines[0]
        self.sql(
            "DELETE FROM ir_attachment WHERE res_model = 'az.attendance.line' "
            "AND res_field = 'signature' AND res_id = %s",
            line.id,
        )
        self.assertEqual(
            self.problems(), [f"Line 1: {self.names[0]} (signature image): the file is missing."]
        )
        # pretending it was purged, without the purge recorded in the ledger, changes nothing
        self.sql("UPDATE az_attendance_line SET signature_purged = true WHERE id = %s", line.id)
        self.sql("UPDATE az_attendance_session SET signatures_purged = true WHERE id = %s", self.session.id)
        self.assertEqual(
            self.problems(), [f"Line 1: {self.names[0]} (signature image): the file is missing."]
        )

    def test_a_missing_trainer_signature_is_a_change(self):
        self.sql(
            "DELETE FROM ir_attachment WHERE res_model = 'az.attendance.session' "
            "AND res_field = 'trainer_signature' AND res_id = %s",
            self.session.id,
        )
        self.assertEqual(self.problems(), ["The trainer's signature image: the file is missing."])

    # ------------------------------------------------------------------ 3. files
    def test_nobody_deletes_or_replaces_a_sealed_file_through_the_orm(self):
        line = self.lines[0]
        domain = [
            ("res_model", "=", "az.attendance.line"),
            ("res_id", "=", line.id),
            ("res_field", "=", "signature"),
        ]
        for user in (self.trainer, self.manager):
            attachment = self.env["ir.attachment"].with_user(user).search(domain)
            self.assertTrue(attachment, "the trainer sees the signature of their sheet")
            with self.assertRaisesRegex(UserError, "neither deleted nor replaced"):
                attachment.unlink()
            with self.assertRaisesRegex(UserError, "neither deleted nor replaced"):
                attachment.write({"datas": base64.b64encode(signature_png(99))})
        root = self.env(user=SUPERUSER_ID, su=True)["ir.attachment"]
        attachment = root.search(domain)
        for action in (
            attachment.unlink,
            lambda: attachment.write({"raw": signature_png(98)}),
            lambda: attachment.write({"res_id": self.lines[1].id}),
            lambda: root.create(
                {
                    "name": "signature",
                    "res_model": attachment.res_model,
                    "res_field": "justification",
                    "res_id": line.id,
                    "raw": b"%PDF fake note",
                }
            ),
        ):
            with self.assertRaisesRegex(UserError, "neither deleted nor replaced"):
                action()
        trainer_file = root.search(
            [
                ("res_model", "=", "az.attendance.session"),
                ("res_id", "=", self.session.id),
                ("res_field", "=", "trainer_signature"),
            ]
        )
        with self.assertRaisesRegex(UserError, "neither deleted nor replaced"):
            trainer_file.unlink()
        self.assertEqual(self.problems(), [])

    # ------------------------------------------------------------------ 4. amendments
    def _amend(self, line, **values):
        return (
            self.env["az.attendance.amendment"]
            .with_user(self.trainer)
            .create(
                {
                    "session_id": self.session.id,
                    "line_id": line.id,
                    "field_name": "status",
                    "reason": "Checked with the paper log",
                    **values,
                }
            )
        )

    def test_amendments_are_chained_and_each_change_is_named(self):
        first = self._amend(self.lines[1], new_status="late")
        second = self._amend(self.lines[2], new_status="absent")
        self.assertEqual(second.previous_hash, first.hash)
        self.assertEqual(self.session.amendment_head, second.hash)
        self.env.flush_all()
        self.assertEqual(self.problems(), [])
        # deleting the last one: the effective status would silently revert
        self.sql("DELETE FROM az_attendance_amendment WHERE id = %s", second.id)
        self.assertEqual(self.problems(), [f"Amendment 2 ({self.names[2]}) was deleted."])
        # changing one
        self.sql("UPDATE az_attendance_amendment SET new_value = 'present' WHERE id = %s", first.id)
        self.assertIn(f"Amendment 1 ({self.names[1]})", self.problems())

    def test_an_amendment_added_by_sql_is_named(self):
        self._amend(self.lines[1], new_status="late")
        self.env.flush_all()
        self.sql(
            "INSERT INTO az_attendance_amendment (session_id, company_id, line_id, "
            "field_name, old_value, new_value, reason, author_id) "
            "SELECT session_id, company_id, %s, 'status', 'present', 'absent', 'x', "
            "author_id FROM az_attendance_amendment WHERE session_id = %s",
            self.lines[3].id,
            self.session.id,
        )
        self.assertEqual(self.problems(), [f"Amendment 2 ({self.names[3]})"])

    # ------------------------------------------------------------------ 9. early
    def test_validating_before_the_end_needs_a_recorded_reason(self):
        session = self.make_session(
            partners=self.amina, name="Atelier du soir", start=self.day_start + timedelta(days=7)
        )
        session.line_ids._record_signature(
            "data:image/png;base64," + base64.b64encode(signature_png(3)).decode(), "kiosk"
        )
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(5))
        with freeze_time(session.stop - timedelta(minutes=34)):
            action = session.with_user(self.trainer).action_validate()
            self.assertEqual(action["res_model"], "az.attendance.validate.wizard")
            self.assertEqual(session.state, "open", "nothing sealed without a reason")
            wizard = (
                self.env["az.attendance.validate.wizard"]
                .with_user(self.trainer)
                .create({"session_id": session.id, "reason": "   "})
            )
            with self.assertRaisesRegex(UserError, "Say why"):
                wizard.action_confirm()
            wizard = (
                self.env["az.attendance.validate.wizard"]
                .with_user(self.trainer)
                .create({"session_id": session.id, "reason": "The group left for the fablab visit"})
            )
            wizard.action_confirm()
        self.assertEqual(session.state, "validated")
        self.assertEqual(session.early_validation_reason, "The group left for the fablab visit")
        self.assertIn("The group left for the fablab visit", session.message_ids[0].body)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("az_attendance.report_attendance_sheet", session.ids)[0]
            .decode()
        )
        self.assertIn("Validated before the end", html)
        self.assertIn("The group left for the fablab visit", html)
        self.env.flush_all()
        self.assertEqual(self.problems(session), [])
        self.sql("UPDATE az_attendance_session SET early_validation_reason = 'x' WHERE id = %s", session.id)
        self.assertEqual(
            self.problems(session), ["Sheet header (title, date, times, place, trainers, fundings)"]
        )
        # after the end, no reason is asked
        later = self.make_session(
            partners=self.amina, name="Atelier passé", start=self.day_start + timedelta(days=8)
        )
        later.line_ids.status = "absent"
        later.trainer_signature = base64.b64encode(signature_png(5))
        with freeze_time(later.stop + timedelta(minutes=1)):
            self.assertIs(later.with_user(self.trainer).action_validate(), True)

    # ------------------------------------------------------------------ whole sheet
    def test_a_reopened_sheet_is_named_and_stays_locked_for_the_orm(self):
        self.sql("UPDATE az_attendance_session SET state = 'open' WHERE id = %s", self.session.id)
        self.assertEqual(
            self.problems(), ["The sheet was reopened after its seal (it is no longer validated)."]
        )
        with self.assertRaisesRegex(UserError, "validated and sealed"):
            self.lines[0].with_user(self.trainer).write({"status": "absent"})

    def test_a_recomputed_sheet_is_caught_by_the_ledger_and_the_paper(self):
        printed = self.session.seal
        line = self.lines[1]
        self.sql("UPDATE az_attendance_line SET status = 'absent' WHERE id = %s", line.id)
        # recompute every hash with the project's own functions, as an insider could
        version = sealer.SEAL_VERSION
        header = self.session._seal_canonicals(version)
        texts = self.lines._seal_canonicals(version)
        previous = sealer.versioned_hash(version, sealer.GENESIS, header[self.session.id])
        self.sql("UPDATE az_attendance_session SET header_hash = %s WHERE id = %s", previous, self.session.id)
        for each in self.lines:
            current = sealer.versioned_hash(version, previous, texts[each.id])
            self.sql(
                "UPDATE az_attendance_line SET previous_hash = %s, hash = %s WHERE id = %s",
                previous,
                current,
                each.id,
            )
            previous = current
        self.sql(
            "UPDATE az_attendance_session SET seal = %s, amendment_head = %s WHERE id = %s",
            previous,
            previous,
            self.session.id,
        )
        ledger = (
            "The seal stored with the sheet differs from the one recorded in the "
            "company ledger: the sheet was changed in the database after it was sealed."
        )
        self.assertEqual(self.problems(), [ledger])
        self.assertEqual(
            self.problems(paper_seal=printed),
            [
                ledger,
                (
                    "The seal on the paper matches the company ledger but not the database: the "
                    "sheet was changed in the database after it was printed."
                ),
            ],
        )

    # ------------------------------------------------------------------ versions
    def test_a_sheet_sealed_under_version_1_still_verifies(self):
        old = self.make_session(
            partners=self.amina | self.lucas,
            name="Ancienne feuille",
            start=self.day_start + timedelta(days=1),
        )
        for line in old.line_ids:
            line._record_signature(
                "data:image/png;base64," + base64.b64encode(signature_png(4)).decode(), "kiosk"
            )
        old.trainer_signature = base64.b64encode(signature_png(6))
        old._seal(version=1)
        self.assertRegex(old.seal, r"^[0-9a-f]{64}$", "version 1 hashes carry no prefix")
        self.assertEqual(self.problems(old), [])
        self.sql("UPDATE az_attendance_line SET status = 'absent' WHERE id = %s", old._sealed_lines()[1].id)
        self.assertEqual(self.problems(old), ["Line 2: Lucas Martin"])
        # the ledger keeps the lines it sealed: a deleted line is named by its person
        self.sql("DELETE FROM az_attendance_line WHERE id = %s", old._sealed_lines()[0].id)
        self.assertEqual(self.problems(old), ["Line 1: Amina Diallo was deleted.", "Line 2: Lucas Martin"])

    def test_growing_the_field_list_keeps_older_seals_valid(self):
        Session = type(self.env["az.attendance.session"])
        original = Session._get_seal_fields
        current = sealer.SEAL_VERSION
        grown_version = current + 1

        def grown(record, version=None):
            version = version or sealer.SEAL_VERSION
            if version == grown_version:
                return original(record, current) + ["note"]
            return original(record, version)

        with (
            patch.object(sealer, "SEAL_VERSION", grown_version),
            patch.object(Session, "_get_seal_fields", grown),
        ):
            self.assertEqual(self.problems(), [], "sealed under the current version, still valid")
            new = self.make_session(
                partners=self.amina, name="Nouvelle feuille", start=self.day_start + timedelta(days=3)
            )
            new.line_ids.status = "absent"
            new.trainer_signature = base64.b64encode(signature_png(5))
            new.with_user(self.trainer).action_validate()
            self.assertTrue(new.seal.startswith(f"${grown_version}$"))
            self.assertEqual(self.problems(new), [])
            with self.assertRaisesRegex(UserError, "validated and sealed"):
                new.write({"note": "added later"})
            self.sql(
                "UPDATE az_attendance_session SET note = 'changed' WHERE id IN %s", (new.id, self.session.id)
            )
            self.assertEqual(
                self.problems(new), ["Sheet header (title, date, times, place, trainers, fundings)"]
            )
            self.assertEqual(self.problems(), [], "the current version does not cover the note")

    # ------------------------------------------------------------------ 5. ledger
    def test_integrity_check_lists_every_anomaly(self):
        Company = self.company.with_user(self.manager)
        self.assertEqual(Company._az_attendance_integrity()["anomalies"], [])
        with self.assertRaises(AccessError):
            self.company.with_user(self.trainer)._az_attendance_integrity()
        changed = self.session
        reopened = self.sign_all_and_validate(
            self.make_session(
                partners=self.amina, name="Feuille rouverte", start=self.day_start + timedelta(1)
            )
        )
        deleted = self.sign_all_and_validate(
            self.make_session(
                partners=self.lucas, name="Feuille supprimée", start=self.day_start + timedelta(2)
            )
        )
        intact = self.sign_all_and_validate(
            self.make_session(
                partners=self.sofia, name="Feuille intacte", start=self.day_start + timedelta(3)
            )
        )
        self.assertEqual(Company._az_attendance_integrity()["anomalies"], [])
        self.sql("UPDATE az_attendance_line SET status = 'absent' WHERE id = %s", self.lines[3].id)
        self.sql("UPDATE az_attendance_session SET state = 'open' WHERE id = %s", reopened.id)
        self.sql("DELETE FROM az_attendance_session WHERE id = %s", deleted.id)
        check = Company._az_attendance_integrity()
        found = {(a["label"], a["sheet"]) for a in check["anomalies"]}
        self.assertEqual(
            found,
            {
                ("Sheet changed", f"{changed.name} (#{changed.id})"),
                ("Sheet reopened", f"Feuille rouverte (#{reopened.id})"),
                ("Sheet deleted", f"Feuille supprimée (#{deleted.id})"),
            },
        )
        detail = {a["label"]: a["detail"] for a in check["anomalies"]}
        self.assertEqual(detail["Sheet changed"], f"Line 4: {self.names[3]}")
        self.assertNotIn(intact.name, str(check["anomalies"]))
        # a ledger entry removed by SQL (numbered after the sheets sealed before, the demo's)
        removed = self.env["az.attendance.ledger"].sudo().search([("session_ref", "=", reopened.id)]).sequence
        self.sql("DELETE FROM az_attendance_ledger WHERE session_ref = %s", reopened.id)
        labels = [a["label"] for a in Company._az_attendance_integrity()["anomalies"]]
        self.assertIn("Ledger entry missing", labels)
        self.assertIn("Ledger entry missing for a sealed sheet", labels)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html("az_attendance.report_attendance_integrity", self.company.ids)[0]
            .decode()
        )
        self.assertIn("Feuille supprimée", html)
        self.assertIn(f"Ledger entry {removed} is missing.", html)

    def test_the_ledger_is_chained_and_cannot_be_written(self):
        Ledger = self.env["az.attendance.ledger"].sudo()
        entries = Ledger.search([("company_id", "=", self.company.id)], order="sequence")
        self.assertTrue(entries)
        self.assertEqual(entries[-1].value, self.session.seal)
        for before, after in zip(entries[:-1], entries[1:], strict=False):
            self.assertEqual(after.previous_hash, before.hash)
            self.assertEqual(after.sequence, before.sequence + 1)
        with self.assertRaisesRegex(UserError, "An entry of the ledger of sealed sheets cannot be changed."):
            entries[-1].write({"value": "x"})
        with self.assertRaisesRegex(UserError, "An entry of the ledger of sealed sheets cannot be deleted."):
            entries[-1].unlink()
        with self.assertRaisesRegex(
            UserError, "The ledger of sealed sheets is written by the sealing code only."
        ):
            Ledger.create(
                {
                    "company_id": self.company.id,
                    "sequence": 999,
                    "kind": "seal",
                    "session_ref": self.session.id,
                }
            )
        self.sql("UPDATE az_attendance_ledger SET session_name = 'autre' WHERE id = %s", entries[-1].id)
        labels = [
            a["label"] for a in self.company.with_user(self.manager)._az_attendance_integrity()["anomalies"]
        ]
        self.assertEqual(labels, ["Ledger entry altered"])

    # ------------------------------------------------------------------ 8. purge
    def test_the_purge_is_recorded_in_the_ledger_and_the_sheet_still_verifies(self):
        with freeze_time("2031-03-12"):
            purged = self.env["az.attendance.session"]._cron_purge_signatures()
            self.assertEqual(purged, self.session)
            entry = (
                self.env["az.attendance.ledger"]
                .sudo()
                .search([("session_ref", "=", self.session.id), ("kind", "=", "purge")])
            )
            self.assertEqual(len(entry), 1)
            self.assertEqual(self.problems(), [])
            self.assertEqual(self.company.with_user(self.manager)._az_attendance_integrity()["anomalies"], [])

    def test_a_purge_entry_written_by_hand_excuses_no_missing_image(self):
        line = self.lines[0]
        missing = f"Line 1: {self.names[0]} (signature image): the file is missing."
        self.sql(
            "DELETE FROM ir_attachment WHERE res_model = 'az.attendance.line' "
            "AND res_field = 'signature' AND res_id = %s",
            line.id,
        )
        self.sql("UPDATE az_attendance_line SET signature_purged = true WHERE id = %s", line.id)
        self.sql("UPDATE az_attendance_session SET signatures_purged = true WHERE id = %s", self.session.id)
        # a purge entry with a hash computed by the product's own code, on a sheet sealed
        # within its retention period: the image is still missing
        self.env["az.attendance.ledger"]._append(self.session, "purge", self.session.seal)
        self.assertEqual(self.problems(), [missing])
        with freeze_time("2031-03-12"):
            # past the retention period, the purge recorded by the sheet and the ledger holds
            self.assertEqual(self.problems(), [])
            # but not for a line whose own purge record says it kept its image
            self.sql("UPDATE az_attendance_line SET signature_purged = false WHERE id = %s", line.id)
            self.assertEqual(self.problems(), [missing])
            self.sql("UPDATE az_attendance_line SET signature_purged = true WHERE id = %s", line.id)
            self.sql(
                "UPDATE az_attendance_session SET signatures_purged = false WHERE id = %s", self.session.id
            )
            self.assertEqual(self.problems(), [missing])
        # an EU-funded action keeps its proofs ten years: six years later is not enough
        self.sql("UPDATE az_attendance_session SET signatures_purged = true WHERE id = %s", self.session.id)
        self.funding.is_eu_funded = True
        with freeze_time("2031-03-12"):
            self.assertEqual(self.problems(), [missing])

    def test_a_later_change_of_the_site_timezone_does_not_move_a_sealed_sheet(self):
        day, times = self.session.date, self.session._format_local_time(self.session.start)
        self.site.tz = "America/Cayenne"
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.session.tz, "Europe/Paris")
        self.assertEqual(
            (self.session.date, self.session._format_local_time(self.session.start)), (day, times)
        )
        self.assertEqual(self.problems(), [])
        self.sql(
            "UPDATE az_attendance_session SET seal_tz = 'America/Cayenne' WHERE id = %s", self.session.id
        )
        self.assertEqual(self.problems(), ["Sheet header (title, date, times, place, trainers, fundings)"])

    def test_company_and_project_snapshots_follow_the_sheet(self):
        self.site.name = "Nouveau nom du site"
        self.trainer.name = "Claire Renommée"
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("az_attendance.report_attendance_sheet", self.session.ids)[0]
            .decode()
        )
        self.assertIn("Centre social Bastide, 3 rue Pierre", html)
        self.assertIn(f"seal={sealer.SEAL_VERSION}-", html, "the verify address carries the seal")
        self.assertEqual(self.problems(), [])

    def test_the_update_records_older_sheets_without_sealing_them_again(self):
        old = self.make_session(
            partners=self.amina, name="Feuille de 2024", start=self.day_start + timedelta(days=1)
        )
        old.line_ids.status = "absent"
        old.trainer_signature = base64.b64encode(signature_png(6))
        old._seal(version=1)
        self.env["az.attendance.amendment"].with_user(self.trainer).create(
            {
                "session_id": old.id,
                "line_id": old.line_ids.id,
                "field_name": "status",
                "new_status": "excused",
                "reason": "Certificate received",
            }
        )
        self.env.flush_all()
        # as before the update: no ledger
        self.sql("DELETE FROM az_attendance_ledger")
        seal, hashes = old.seal, old.line_ids.mapped("hash")
        Ledger = self.env["az.attendance.ledger"]
        # the sheets sealed before this test (demo data) are registered too
        self.env.cr.execute(
            "SELECT (SELECT count(*) FROM az_attendance_session WHERE seal IS NOT NULL "
            "AND id NOT IN %s) + (SELECT count(*) FROM az_attendance_amendment "
            "WHERE hash IS NOT NULL AND session_id NOT IN %s)",
            [(old.id, self.session.id), (old.id, self.session.id)],
        )
        others = self.env.cr.fetchone()[0]
        self.assertEqual(Ledger._register_existing_sheets(), 3 + others, "2 seals and 1 amendment")
        self.assertEqual(Ledger._register_existing_sheets(), 0, "a second run adds nothing")
        self.env.invalidate_all()
        self.assertEqual((old.seal, old.line_ids.mapped("hash")), (seal, hashes))
        self.assertEqual(self.problems(old), [])
        self.assertEqual(self.problems(), [])
        self.assertEqual(self.company.with_user(self.manager)._az_attendance_integrity()["anomalies"], [])
        self.sql("DELETE FROM az_attendance_amendment")
        self.sql("DELETE FROM az_attendance_line WHERE session_id = %s", old.id)
        self.assertEqual(
            self.problems(old),
            ["Line 1: Amina Diallo was deleted.", "Amendment 1 (Amina Diallo) was deleted."],
        )


@tagged("post_install", "-at_install")
class TestAttendanceTimestamp(AttendanceCommon):
    """Trusted timestamps from a real local authority (openssl ts on 127.0.0.1)."""

    def test_sealing_is_timestamped_and_a_later_reseal_is_named(self):
        from . import local_tsa

        if not local_tsa.available():
            self.skipTest("openssl is not installed")
        session = self.make_session()
        with local_tsa.local_authority() as (url, certificate, _directory):
            self.company.az_tsa_url = url
            self.sign_all_and_validate(session)
            entry = (
                self.env["az.attendance.ledger"]
                .sudo()
                .search([("session_ref", "=", session.id), ("kind", "=", "seal")])
            )
            self.env["az.attendance.ledger"]._cron_timestamp_pending()
            self.assertTrue(entry.timestamp_token)
            self.assertTrue(entry.timestamped_at)
            self.assertEqual(
                base64.b64decode(self.company.az_tsa_certificate),
                certificate,
                "the authority's certificate is recorded at first use",
            )
            amendment = (
                self.env["az.attendance.amendment"]
                .with_user(self.trainer)
                .create(
                    {
                        "session_id": session.id,
                        "line_id": session.line_ids[0].id,
                        "field_name": "status",
                        "new_status": "late",
                        "reason": "Came at 9:40",
                    }
                )
            )
        self.env.flush_all()
        self.assertEqual(session._verify_seal(), [])
        # an insider seals the sheet again and rewrites the ledger to match: the timestamp,
        # signed by the authority, still holds the first seal
        self.env.cr.execute(
            "UPDATE az_attendance_session SET seal = %s WHERE id = %s", ["$2$" + "ef" * 32, session.id]
        )
        self.env.cr.execute(
            "UPDATE az_attendance_ledger SET value = %s WHERE id = %s", ["$2$" + "ef" * 32, entry.id]
        )
        self.env.cr.execute(
            "UPDATE az_attendance_amendment SET previous_hash = %s WHERE id = %s",
            ["$2$" + "ef" * 32, amendment.id],
        )
        problems = session._verify_seal()
        self.assertTrue(
            any("The trusted timestamp" in p and "the sheet's seal" in p for p in problems), problems
        )

    def _triggers(self):
        cron = self.env.ref("az_attendance.ir_cron_timestamp_pending")
        return self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])

    def test_sealing_never_waits_for_a_slow_authority_and_the_token_comes_afterwards(self):
        from . import local_tsa

        if not local_tsa.available():
            self.skipTest("openssl is not installed")
        Ledger = self.env["az.attendance.ledger"].sudo()
        sessions = [self.make_session(start=self.day_start + timedelta(days=day)) for day in range(3)]
        with local_tsa.local_authority(delay=3) as (url, _certificate, _directory):
            self.company.az_tsa_url = url
            triggers = self._triggers()
            started = time.monotonic()
            for session in sessions:
                self.sign_all_and_validate(session)
            # three sheets of the company sealed one after the other: none waited for the
            # authority (3 s an answer), none waited for another's timestamp
            self.assertLess(time.monotonic() - started, 3)
            entries = Ledger.search([("session_ref", "in", [s.id for s in sessions])])
            self.assertEqual(len(entries), 3)
            self.assertFalse(any(entries.mapped("timestamp_token")))
            self.assertGreater(self._triggers(), triggers, "the job is asked to run after the commit")
            started = time.monotonic()
            Ledger._cron_timestamp_pending()
            self.assertGreaterEqual(time.monotonic() - started, 3, "the job is what waits")
        self.assertTrue(all(entries.mapped("timestamp_token")))
        for session in sessions:
            self.assertEqual(session._verify_seal(), [])

    def test_a_token_from_another_authority_than_the_pinned_one_is_not_kept(self):
        from . import local_tsa

        if not local_tsa.available():
            self.skipTest("openssl is not installed")
        session = self.make_session()
        with tempfile.TemporaryDirectory() as other:
            pinned = local_tsa.make_authority(other, name="The authority the company chose")
        self.company.az_tsa_certificate = base64.b64encode(pinned)
        with local_tsa.local_authority() as (url, _certificate, _directory):
            self.company.az_tsa_url = url
            self.sign_all_and_validate(session)
            with mute_logger("odoo.addons.az_attendance.models.az_attendance_ledger"):
                self.env["az.attendance.ledger"]._cron_timestamp_pending()
        entry = self.env["az.attendance.ledger"].sudo().search([("session_ref", "=", session.id)])
        self.assertFalse(entry.timestamp_token)
        self.assertEqual(base64.b64decode(self.company.az_tsa_certificate), pinned)

    def test_without_an_authority_nothing_changes(self):
        session = self.sign_all_and_validate(self.make_session())
        entry = self.env["az.attendance.ledger"].sudo().search([("session_ref", "=", session.id)])
        self.assertFalse(entry.timestamp_token)
        self.assertEqual(session._verify_seal(), [])

    def test_an_unreachable_authority_does_not_block_sealing(self):
        self.company.az_tsa_url = "http://127.0.0.1:9/tsa"
        session = self.sign_all_and_validate(self.make_session())
        self.assertEqual(session.state, "validated")
        self.assertEqual(session._verify_seal(), [])
        self.sign_all_and_validate(self.make_session(start=self.day_start + timedelta(days=1)))
        # the job asks an authority that does not answer once a run, not once an entry
        with (
            patch("odoo.addons.az_attendance.models.az_attendance_ledger.requests.post") as post,
            mute_logger("odoo.addons.az_attendance.models.az_attendance_ledger"),
        ):
            post.side_effect = requests.ConnectionError("no answer")
            self.env["az.attendance.ledger"]._cron_timestamp_pending()
        self.assertEqual(post.call_count, 1)
