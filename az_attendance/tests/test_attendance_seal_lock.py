import base64
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.az_attendance_sealed_mixin import PURGE
from ..tools import seal as sealer
from .common import AttendanceCommon, signature_data_uri, signature_png


@tagged("post_install", "-at_install")
class TestAttendanceSealLock(AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session = cls.make_session()

    def setUp(self):
        super().setUp()
        self.sign_all_and_validate(self.session)

    def _verify(self):
        return self.session._verify_seal()

    def test_validation_seals_every_line_in_a_chain(self):
        lines = self.session.line_ids.sorted("id")
        self.assertEqual(lines[0].previous_hash, self.session.header_hash)
        for before, after in zip(lines[:-1], lines[1:], strict=False):
            self.assertEqual(after.previous_hash, before.hash)
        self.assertEqual(self.session.seal, lines[-1].hash)
        self.assertEqual(self._verify(), [])
        action = self.session.action_verify()
        self.assertEqual(action["params"]["type"], "success")

    def test_locked_for_everyone_including_superuser(self):
        line = self.line_of(self.session, self.amina)
        for env_user in (self.trainer, self.manager):
            with self.assertRaisesRegex(UserError, "validated and sealed"):
                line.with_user(env_user).write({"status": "absent"})
            with self.assertRaisesRegex(UserError, "validated and sealed"):
                line.with_user(env_user).unlink()
            with self.assertRaisesRegex(UserError, "validated and sealed"):
                self.session.with_user(env_user).write({"name": "Renamed"})
            with self.assertRaisesRegex(UserError, "validated and sealed"):
                self.session.with_user(env_user).unlink()
        root = self.env(user=SUPERUSER_ID, su=True)
        with self.assertRaisesRegex(UserError, "validated and sealed"):
            line.with_env(root).write({"status": "absent"})
        with self.assertRaisesRegex(UserError, "validated and sealed"):
            line.with_env(root).unlink()
        with self.assertRaisesRegex(UserError, "validated and sealed"):
            self.session.with_env(root).write({"stop": self.session.stop})
        with self.assertRaisesRegex(UserError, "validated and sealed"):
            self.session.with_env(root).unlink()
        # a purge context key sent by a client opens nothing, superuser or not
        for env in (line.with_user(self.manager), line.with_env(root)):
            with self.assertRaisesRegex(UserError, "validated and sealed"):
                env.with_context(az_attendance_purge=True).write({"signature": False})
        # the purge itself may clear an image, never change anything else
        with self.assertRaisesRegex(UserError, "validated and sealed"):
            line.with_env(root).with_context(az_attendance_purge=PURGE).write({"status": "absent"})
        self.assertTrue(line.signature)
        with self.assertRaisesRegex(UserError, "validated or cancelled"):
            self.env["az.attendance.line"].create(
                {"session_id": self.session.id, "partner_id": self.funder.id}
            )
        with self.assertRaisesRegex(UserError, "cannot be added"):
            self.session._add_participants(self.funder)
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            self.session.action_cancel()
        self.assertEqual(line.status, "present")
        self.assertEqual(self._verify(), [])
        # the chatter stays usable
        self.session.with_user(self.trainer).message_post(body="Checked by the auditor")

    def test_sql_tampering_is_detected_and_named(self):
        line = self.line_of(self.session, self.lucas)
        line.invalidate_recordset()
        self.env.cr.execute("UPDATE az_attendance_line SET status='absent' WHERE id=%s", [line.id])
        problems = self._verify()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("Lucas Martin", problems[0])
        action = self.session.action_verify()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("Lucas Martin", action["params"]["message"])

    def test_sql_tampering_of_time_hash_or_header_is_detected(self):
        amina = self.line_of(self.session, self.amina)
        self.env.cr.execute(
            "UPDATE az_attendance_line SET signed_at = signed_at - interval '2 hours' WHERE id=%s", [amina.id]
        )
        problems = self._verify()
        self.assertTrue(any("Amina Diallo" in p for p in problems), problems)
        self.env.cr.execute(
            "UPDATE az_attendance_line SET signed_at = signed_at + interval '2 hours' WHERE id=%s", [amina.id]
        )
        self.assertEqual(self._verify(), [])
        self.env.cr.execute(
            "UPDATE az_attendance_session SET start = start - interval '1 hour' WHERE id=%s",
            [self.session.id],
        )
        problems = self._verify()
        self.assertTrue(problems and "Sheet header" in problems[0], problems)

    def test_replaced_signature_image_is_detected(self):
        sofia, amina = self.line_of(self.session, self.sofia), self.line_of(self.session, self.amina)
        Attachment = self.env["ir.attachment"].sudo()

        def attachment_of(line):
            return Attachment.search(
                [
                    ("res_model", "=", "az.attendance.line"),
                    ("res_id", "=", line.id),
                    ("res_field", "=", "signature"),
                ]
            )

        # nobody replaces it through the ORM, superuser included
        with self.assertRaisesRegex(UserError, "neither deleted nor replaced"):
            attachment_of(sofia).write({"datas": base64.b64encode(signature_png(77))})
        # behind the ORM: Sofia's attachment now points at Amina's file
        self.env.cr.execute(
            "UPDATE ir_attachment SET store_fname = %s WHERE id = %s",
            [attachment_of(amina).store_fname, attachment_of(sofia).id],
        )
        self.assertEqual(self._verify(), ["Line 3: Sofia Pereira (signature image)"])

    def test_amendment_is_traced_chained_and_immutable(self):
        line = self.line_of(self.session, self.lucas)
        Amendment = self.env["az.attendance.amendment"].with_user(self.trainer)
        with self.assertRaises(ValidationError) as caught:
            Amendment.create(
                {
                    "session_id": self.session.id,
                    "line_id": line.id,
                    "field_name": "status",
                    "new_status": "absent",
                    "reason": "  ",
                }
            )
        self.assertEqual(str(caught.exception), "An amendment needs a reason.")
        amendment = Amendment.create(
            {
                "session_id": self.session.id,
                "line_id": line.id,
                "field_name": "status",
                "new_status": "late",
                "reason": "Arrived at 10:00, noted on the paper log",
            }
        )
        self.assertEqual((amendment.old_value, amendment.new_value), ("present", "late"))
        self.assertEqual(amendment.author_id, self.trainer)
        self.assertEqual(amendment.previous_hash, self.session.seal)
        self.assertRegex(amendment.hash, rf"^\${sealer.SEAL_VERSION}\$[0-9a-f]{{64}}$")
        self.assertEqual(line.status, "present", "the sealed line itself never changes")
        self.assertEqual(line.effective_status, "late")
        self.assertIn("Arrived at 10:00", self.session.message_ids[0].body)
        second = Amendment.create(
            {
                "session_id": self.session.id,
                "line_id": line.id,
                "field_name": "hours_attended",
                "new_hours": 2.0,
                "reason": "Left early",
            }
        )
        self.assertEqual(second.previous_hash, amendment.hash)
        self.assertEqual(line.effective_hours, 2.0)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            amendment.write({"reason": "other"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            amendment.sudo().unlink()
        self.assertEqual(self._verify(), [])

    def test_purge_keeps_the_seal_valid(self):
        self.assertEqual(self.session.date, date(2025, 3, 11))
        Session = self.env["az.attendance.session"]
        with freeze_time("2031-03-10"):
            self.assertFalse(Session._cron_purge_signatures(), "6 years not over yet")
        with freeze_time("2031-03-12"):
            purged = Session._cron_purge_signatures()
        self.assertEqual(purged, self.session)
        self.session.invalidate_recordset()
        self.assertFalse(self.session.line_ids.filtered("signature"))
        self.assertFalse(self.session.trainer_signature)
        self.assertTrue(all(self.session.line_ids.mapped("signature_purged")))
        self.assertTrue(all(self.session.line_ids.mapped("signature_sha256")))
        # checked after the purge, as it always is (the purge holds once the period is past)
        with freeze_time("2031-03-12"):
            self.assertEqual(self._verify(), [], "the digests keep the seal valid")
            self.env.cr.execute(
                "UPDATE az_attendance_line SET status='absent' WHERE id=%s", [self.session.line_ids[0].id]
            )
            self.assertEqual(len(self._verify()), 1, "tampering is still detected after purge")

    def test_eu_funding_keeps_signatures_ten_years(self):
        self.funding.sudo().write({"is_eu_funded": True})
        Session = self.env["az.attendance.session"]
        with freeze_time("2031-03-12"):
            self.assertFalse(Session._cron_purge_signatures())
        with freeze_time("2035-03-12"):
            self.assertEqual(Session._cron_purge_signatures(), self.session)

    def test_retention_never_below_six_years(self):
        with self.assertRaises(ValidationError):
            self.company.az_signature_retention_years = 5
        self.company.az_signature_retention_years = 8
        with freeze_time("2032-03-12"):
            self.assertFalse(self.env["az.attendance.session"]._cron_purge_signatures())
        with freeze_time("2033-03-12"):
            self.assertEqual(self.env["az.attendance.session"]._cron_purge_signatures(), self.session)

    def test_tampered_amendment_is_detected(self):
        line = self.line_of(self.session, self.lucas)
        amendment = (
            self.env["az.attendance.amendment"]
            .with_user(self.trainer)
            .create(
                {
                    "session_id": self.session.id,
                    "line_id": line.id,
                    "field_name": "status",
                    "new_status": "absent",
                    "reason": "Left before the start",
                }
            )
        )
        self.env.flush_all()
        self.assertEqual(self._verify(), [])
        self.env.cr.execute(
            "UPDATE az_attendance_amendment SET new_value='present' WHERE id=%s", [amendment.id]
        )
        self.assertEqual(self._verify(), ["Amendment 1 (Lucas Martin)"])

    def test_purge_clears_justifications_and_keeps_the_seal(self):
        session = self.make_session(
            partners=self.amina | self.lucas, name="Atelier CV", start=self.day_start + timedelta(days=2)
        )
        self.line_of(session, self.amina)._record_signature(signature_data_uri(), "kiosk")
        excused = self.line_of(session, self.lucas)
        excused.write(
            {
                "status": "excused",
                "justification": base64.b64encode(b"%PDF note"),
                "justification_filename": "note.pdf",
            }
        )
        session.trainer_signature = base64.b64encode(signature_png(8))
        session.with_user(self.trainer).action_validate()
        self.env.flush_all()
        self.assertEqual(session._verify_seal(), [])
        with freeze_time("2031-03-20"):
            self.assertIn(session, self.env["az.attendance.session"]._cron_purge_signatures())
        session.invalidate_recordset()
        self.assertFalse(excused.justification)
        self.assertTrue(excused.justification_sha256)
        with freeze_time("2031-03-20"):
            self.assertEqual(session._verify_seal(), [])
