import base64
import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import seal as sealer
from .common import AttendanceCommon, signature_data_uri, signature_png


@tagged("post_install", "-at_install")
class TestAttendanceSession(AttendanceCommon):
    def test_signing_records_method_time_and_proof(self):
        session = self.make_session()
        line = self.line_of(session, self.amina)
        with freeze_time("2025-03-11 08:05:00"):
            line.with_user(self.trainer)._record_signature(
                signature_data_uri(), "kiosk", ip="192.0.2.7", user_agent="Mozilla/5.0 Tablet"
            )
        self.assertEqual(line.status, "present")
        self.assertEqual(line.sign_method, "kiosk")
        self.assertEqual(line.signed_at, datetime(2025, 3, 11, 8, 5))
        self.assertEqual(line.sign_ip, "192.0.2.7")
        self.assertEqual(line.sign_user_agent, "Mozilla/5.0 Tablet")
        self.assertEqual(line.sign_user_id, self.trainer)
        self.assertEqual(len(line.signature_sha256), 64)
        self.assertEqual(base64.b64decode(line.signature)[:4], b"\x89PNG")
        self.assertEqual(line.hours_attended, 3.0)
        # a second signature of the same line is refused
        with self.assertRaisesRegex(UserError, "already signed"):
            line._record_signature(signature_data_uri(2), "kiosk")

    def test_signature_must_be_a_png(self):
        line = self.line_of(self.make_session(), self.amina)
        for bad, message in (
            ("", "The signature is missing."),
            ("data:image/svg+xml;base64,PHN2Zz4=", "The signature must be a PNG image."),
            ("not base64 at all!", "The signature image is not readable."),
            (base64.b64encode(b"GIF89a" + b"x" * 200).decode(), "The signature must be a PNG image."),
            ("data:image/png;base64," + "A" * 1_000_000, "The signature image is too large."),
        ):
            with self.assertRaisesRegex(UserError, f"^{re.escape(message)}$", msg=bad[:40]):
                line._record_signature(bad, "kiosk")
        self.assertFalse(line.signed_at)
        self.assertEqual(line.status, "expected")

    def test_signing_needs_an_open_session(self):
        session = self.make_session(open_it=False)
        with self.assertRaisesRegex(UserError, "not open"):
            self.line_of(session, self.amina)._record_signature(signature_data_uri(), "kiosk")
        absent = self.line_of(
            self.make_session(name="Other", start=self.day_start + timedelta(days=1)), self.lucas
        )
        absent.status = "absent"
        with self.assertRaisesRegex(UserError, "absent"):
            absent._record_signature(signature_data_uri(), "kiosk")

    def test_kiosk_qr_code_and_links_say_to_open_the_sheet_first(self):
        session = self.make_session(open_it=False).with_user(self.trainer)
        for action in ("action_kiosk", "action_show_qr", "action_send_remote_links"):
            with self.assertRaisesRegex(UserError, "^Open the session for signing first.$", msg=action):
                getattr(session, action)()
        session.action_open()
        self.assertEqual(session.action_kiosk()["url"], f"/attendance/kiosk/{session.id}")

    def test_on_behalf_wizard_needs_witness_and_reason(self):
        session = self.make_session()
        line = self.line_of(session, self.sofia)
        Wizard = self.env["az.attendance.sign.wizard"].with_user(self.trainer)
        wizard = Wizard.create(
            {
                "line_id": line.id,
                "witness_name": "  ",
                "reason": "Injured hand",
                "signature": base64.b64encode(signature_png()),
            }
        )
        with self.assertRaisesRegex(UserError, "witness"):
            wizard.action_confirm()
        self.assertFalse(line.signed_at)
        wizard = Wizard.create(
            {
                "line_id": line.id,
                "witness_name": "Jean Témoin",
                "reason": "Injured hand",
                "signature": base64.b64encode(signature_png()),
            }
        )
        wizard.action_confirm()
        self.assertEqual(line.sign_method, "on_behalf")
        self.assertEqual(line.witness_name, "Jean Témoin")
        self.assertEqual(line.on_behalf_reason, "Injured hand")
        self.assertEqual(line.sign_user_id, self.trainer)
        self.assertEqual(line.status, "present")
        self.assertIn("Jean Témoin", session.message_ids[0].body)

    def test_paper_line_needs_the_scan(self):
        session = self.make_session()
        line = self.line_of(session, self.lucas)
        wizard = (
            self.env["az.attendance.sign.wizard"]
            .with_user(self.trainer)
            .create({"line_id": line.id, "method": "paper"})
        )
        with self.assertRaisesRegex(UserError, "paper sheet"):
            wizard.action_confirm()
        session.paper_sheet = base64.b64encode(b"%PDF-1.4 scan")
        wizard.action_confirm()
        self.assertEqual(line.sign_method, "paper")
        self.assertTrue(line.signed_at)
        self.assertEqual(len(session.paper_sheet_sha256), 64)

    def test_checklist_blocks_validation_until_complete(self):
        session = self.make_session(site_id=False)
        session.trainer_ids = [Command.clear()]
        self.assertFalse(session.checklist_ok)
        for expected in ("site", "trainer", "signature", "Amina Diallo", "Sofia Pereira"):
            self.assertIn(expected, session.checklist_message)
        with self.assertRaises(UserError) as caught:
            session.with_user(self.manager).action_validate()
        self.assertIn("Amina Diallo: neither signed nor marked absent", str(caught.exception))
        self.assertEqual(session.state, "open")
        session.write({"site_id": self.site.id, "trainer_ids": [Command.set(self.trainer.ids)]})
        self.line_of(session, self.amina)._record_signature(signature_data_uri(), "qr")
        self.line_of(session, self.lucas).status = "absent"
        sofia = self.line_of(session, self.sofia)
        sofia.status = "excused"
        session.invalidate_recordset(["checklist_message", "checklist_ok"])
        self.assertIn("Sofia Pereira: excused without justification", session.checklist_message)
        sofia.write(
            {"justification": base64.b64encode(b"%PDF medical note"), "justification_filename": "note.pdf"}
        )
        session.invalidate_recordset(["checklist_message", "checklist_ok"])
        self.assertEqual(session.checklist_message, "The trainer's signature")
        with self.assertRaisesRegex(UserError, "trainer's signature"):
            session.with_user(self.trainer).action_validate()
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(9))
        self.assertEqual(session.trainer_signed_by_id, self.trainer)
        session.with_user(self.trainer).action_validate()
        self.assertEqual(session.state, "validated")
        self.assertRegex(session.seal, rf"^\${sealer.SEAL_VERSION}\$[0-9a-f]{{64}}$")

    def test_only_trainer_or_manager_validates(self):
        session = self.make_session(partners=self.amina)
        session.project_id.message_subscribe(self.other_staff.partner_id.ids)
        self.line_of(session, self.amina)._record_signature(signature_data_uri(), "kiosk")
        session.trainer_signature = base64.b64encode(signature_png())
        with self.assertRaisesRegex(UserError, "trainer of the session or a manager"):
            session.with_user(self.other_staff).action_validate()
        session.with_user(self.manager).action_validate()
        self.assertEqual(session.state, "validated")

    def test_warnings(self):
        session = self.make_session()
        self.assertFalse(session.warning_message)
        # public holiday
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Fête imaginaire",
                "date_from": "2025-03-11 00:00:00",
                "date_to": "2025-03-11 23:00:00",
                "resource_id": False,
                "calendar_id": False,
            }
        )
        # the trainer in another session at the same time
        self.make_session(
            partners=self.env["res.partner"],
            name="Permanence",
            start=self.day_start + timedelta(hours=1),
            open_it=False,
        )
        # more people than the site receives
        session._add_participants(self.env["res.partner"].create({"name": "Zoé Quatre"}))
        # a signature long after the session
        with freeze_time("2025-03-13 10:00:00"):
            self.line_of(session, self.amina)._record_signature(signature_data_uri(), "remote")
        session.invalidate_recordset(["warning_message"])
        warnings = session.warning_message
        self.assertIn("public holiday (Fête imaginaire)", warnings)
        self.assertIn("Claire Trainer also runs 'Permanence'", warnings)
        self.assertIn("4 participants for a site that receives 3 people", warnings)
        self.assertIn("more than a day after the session: Amina Diallo", warnings)

    def test_warning_trainer_on_leave(self):
        session = self.make_session(partners=self.amina)
        resource = self.env["resource.resource"].create(
            {
                "name": self.trainer.name,
                "user_id": self.trainer.id,
                "calendar_id": self.company.resource_calendar_id.id,
            }
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Congés",
                "resource_id": resource.id,
                "calendar_id": self.company.resource_calendar_id.id,
                "date_from": "2025-03-10 00:00:00",
                "date_to": "2025-03-12 23:00:00",
            }
        )
        session.invalidate_recordset(["warning_message"])
        self.assertIn("Claire Trainer is on leave during the session.", session.warning_message)
        self.assertNotIn("public holiday", session.warning_message)

    def test_state_changes_are_tracked_in_the_chatter(self):
        session = (
            self.env["az.attendance.session"]
            .with_context(tracking_disable=False)
            .create(
                {
                    "name": "Atelier suivi",
                    "project_id": self.project.id,
                    "site_id": self.site.id,
                    "start": self.day_start,
                    "stop": self.day_start + timedelta(hours=2),
                }
            )
        )
        # the creation is committed first: changes made in the creating transaction are not
        # tracked separately
        self.env.flush_all()
        self.env.cr.precommit.run()
        session.action_open()
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written just before the commit
        session.invalidate_recordset(["message_ids"])
        tracked = session.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual((tracked.old_value_char, tracked.new_value_char), ("Draft", "Signing open"))

    def test_add_participants_and_split_half_days(self):
        session = self.make_session(partners=self.amina, open_it=False, hours=8)
        new = session._add_participants(self.amina | self.lucas)
        self.assertEqual(new.partner_id, self.lucas, "Amina was already on the sheet")
        session.action_split_half_days()
        afternoon = self.env["az.attendance.session"].search(
            [("name", "=", "Atelier e-administration (afternoon)")]
        )
        self.assertEqual(session.name, "Atelier e-administration (morning)")
        # Paris is UTC+1 in March: noon local = 11:00 UTC; the afternoon starts 13:30 local
        self.assertEqual(session.stop, datetime(2025, 3, 11, 11, 0))
        self.assertEqual(afternoon.start, datetime(2025, 3, 11, 12, 30))
        self.assertEqual(afternoon.stop, datetime(2025, 3, 11, 16, 0))
        self.assertEqual(afternoon.line_ids.partner_id, self.amina | self.lucas)
        self.assertEqual(afternoon.granularity, "half_day")
        with self.assertRaises(ValidationError) as caught:
            session.write({"stop": datetime(2025, 3, 11, 16, 0)})
        self.assertIn("spans more than a half-day", str(caught.exception))

    def test_signed_line_cannot_be_deleted_nor_change_person(self):
        session = self.make_session()
        line = self.line_of(session, self.amina)
        line._record_signature(signature_data_uri(), "kiosk")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.with_user(self.trainer).unlink()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            line.with_user(self.trainer).partner_id = self.sofia
        with self.assertRaisesRegex(UserError, "cancel it instead"):
            session.with_user(self.manager).unlink()
        self.line_of(session, self.lucas).with_user(self.trainer).unlink()
        self.assertEqual(len(session.line_ids), 2)

    def test_access_rules(self):
        session = self.make_session()
        Session = self.env["az.attendance.session"]
        Line = self.env["az.attendance.line"]
        self.assertEqual(Session.with_user(self.trainer).search([("id", "=", session.id)]), session)
        self.assertFalse(Session.with_user(self.other_staff).search([("id", "=", session.id)]))
        self.assertFalse(Line.with_user(self.other_staff).search([("session_id", "=", session.id)]))
        with self.assertRaises(AccessError):
            session.with_user(self.other_staff).read(["name"])
        with self.assertRaises(AccessError):
            self.line_of(session, self.amina).with_user(self.other_staff).write({"status": "absent"})
        # following the project gives access
        self.project.message_subscribe(self.other_staff.partner_id.ids)
        self.assertEqual(Session.with_user(self.other_staff).search([("id", "=", session.id)]), session)
        self.assertEqual(Session.with_user(self.manager).search([("id", "=", session.id)]), session)
        # accountants read every sheet (invoices, grant reports) but change none
        accountant = new_test_user(
            self.env,
            login="az_att_accountant",
            name="Alice Compta",
            groups="az_project_base.group_accountant",
        )
        self.assertEqual(Session.with_user(accountant).search([("id", "=", session.id)]), session)
        with self.assertRaises(AccessError):
            self.line_of(session, self.amina).with_user(accountant).write({"status": "absent"})
        # a portal user sees only their own line, not the others nor the codes
        portal_lines = Line.with_user(self.portal_user).search([("session_id", "=", session.id)])
        self.assertEqual(portal_lines.partner_id, self.amina)
        with self.assertRaises(AccessError):
            self.line_of(session, self.lucas).with_user(self.portal_user).read(["status"])
        with self.assertRaises(AccessError):
            portal_lines.with_user(self.portal_user).write({"status": "present"})
        with self.assertRaises(AccessError):
            portal_lines.with_user(self.portal_user).read(["sign_code"])

    def test_multi_company_isolation(self):
        other_company = self.env["res.company"].create({"name": "Autre association"})
        boss = self.manager
        boss.write({"company_ids": [Command.link(other_company.id)]})
        session = self.make_session()
        visible = (
            self.env["az.attendance.session"]
            .with_user(boss)
            .with_context(allowed_company_ids=[other_company.id])
            .search([("id", "=", session.id)])
        )
        self.assertFalse(visible)

    def test_funding_counts_validated_hours(self):
        session = self.make_session()
        self.line_of(session, self.amina)._record_signature(signature_data_uri(), "kiosk")
        late = self.line_of(session, self.lucas)
        late.write({"status": "late", "arrived_at": self.day_start + timedelta(hours=1)})
        late._record_signature(signature_data_uri(2), "kiosk")
        self.line_of(session, self.sofia).status = "absent"
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertEqual(self.funding.quantity_used, 0.0, "open sheets do not count")
        session.trainer_signature = base64.b64encode(signature_png())
        session.with_user(self.trainer).action_validate()
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertEqual(self.funding.quantity_used, 5.0)  # 3 h + 2 h (late by one hour)
        self.project.invalidate_recordset(["az_attendance_hours", "az_session_count"])
        self.assertEqual(self.project.az_attendance_hours, 5.0)
        self.assertEqual(self.project.az_session_count, 1)

    def test_proof_cannot_be_forged_through_the_orm(self):
        session = self.make_session()
        line = self.line_of(session, self.amina).with_user(self.trainer)
        forged = {
            "signature": base64.b64encode(signature_png()),
            "signed_at": "2025-03-11 08:00:00",
            "sign_method": "kiosk",
        }
        for vals in (forged, {"hash": "0" * 64}, {"sign_ip": "1.2.3.4"}):
            with self.assertRaisesRegex(UserError, "signing method only"):
                line.write(vals)
        with self.assertRaisesRegex(UserError, "signing method only"):
            self.env["az.attendance.line"].with_user(self.trainer).create(
                {"session_id": session.id, "partner_id": self.funder.id, **forged}
            )
        # a context key sent by a client opens nothing
        with self.assertRaisesRegex(UserError, "signing method only"):
            line.with_context(az_attendance_internal=True).write(forged)
        with self.assertRaisesRegex(UserError, "Validate button only"):
            session.with_user(self.manager).write({"state": "validated"})
        with self.assertRaisesRegex(UserError, "Validate button only"):
            session.with_user(self.manager).write({"seal": "f" * 64})
        self.assertFalse(line.signed_at)
        self.assertEqual(session.state, "open")
