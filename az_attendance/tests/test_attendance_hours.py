import base64
import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from ..tools import seal as sealer
from .common import AttendanceCommon, signature_data_uri, signature_png
from .test_template_migration import load_migration

# 19:00-22:00 Paris time on a winter Tuesday = 18:00-21:00 UTC
EVENING = datetime(2025, 3, 11, 18, 0)


@tagged("post_install", "-at_install")
class TestAttendanceHours(AttendanceCommon):
    """The hours a sheet credits are the hours that happened: the session's actual end, and
    each person's arrival and departure, one tap each."""

    def evening_session(self, **values):
        return self.make_session(start=EVENING, hours=3, name="Atelier du soir", **values)

    def sign_everyone(self, session, at="2025-03-11 18:02:00", method="kiosk"):
        with freeze_time(at):
            for index, line in enumerate(session.line_ids, start=1):
                line._record_signature(signature_data_uri(index), method, ip="10.0.0.1", user_agent="Tablet")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(7))

    def validate_in_wizard(self, session, **values):
        """Press Validate on the form, fill the wizard as the trainer and confirm it."""
        action = session.with_user(self.trainer).action_validate_with_end()
        self.assertEqual(action["res_model"], "az.attendance.validate.wizard")
        form = Form(
            self.env["az.attendance.validate.wizard"]
            .with_user(self.trainer)
            .with_context(**action["context"])
        )
        for name, value in values.items():
            setattr(form, name, value)
        wizard = form.save()
        result = wizard.action_confirm()
        self.env.flush_all()
        return wizard, result

    def render(self, session):
        report = self.env.ref("az_attendance.action_report_attendance_sheet")
        html, _kind = report._render_qweb_html(report.report_name, session.ids)
        return html.decode()

    # ------------------------------------------------------------------ actual end
    def test_an_early_validation_credits_the_hours_until_now(self):
        session = self.evening_session()
        self.sign_everyone(session)
        # 20:29 Paris time: the workshop ended early and the trainer validates
        with freeze_time("2025-03-11 19:29:00"):
            action = session.with_user(self.trainer).action_validate_with_end()
            form = Form(
                self.env["az.attendance.validate.wizard"]
                .with_user(self.trainer)
                .with_context(**action["context"])
            )
            self.assertAlmostEqual(
                form.actual_stop_time, 20 + 29 / 60, msg="now is proposed as the actual end"
            )
            self.assertTrue(form.is_early, "the reason is asked before the planned end")
            self.assertEqual(form._view["fields"]["reason"]["type"], "text")
            unexplained = (
                self.env["az.attendance.validate.wizard"]
                .with_user(self.trainer)
                .create({"session_id": session.id, "actual_stop_time": form.actual_stop_time})
            )
            with self.assertRaisesRegex(UserError, "Say why"):
                unexplained.action_confirm()
            form.reason = "Atelier terminé plus tôt, tous les participants présents"
            form.save().action_confirm()
        self.env.flush_all()
        self.assertEqual(session.state, "validated")
        self.assertEqual(session.actual_stop, datetime(2025, 3, 11, 19, 29))
        self.assertEqual(
            session.early_validation_reason, "Atelier terminé plus tôt, tous les participants présents"
        )
        self.assertEqual(
            [round(hours, 2) for hours in session.line_ids.mapped("effective_hours")],
            [1.48, 1.48, 1.48],
            "each person is credited 19:00-20:29, not the planned three hours",
        )
        self.assertEqual(session.hours_held, 1.48)
        self.assertEqual(session.duration, 3.0, "the planned length stays as planned")
        html = self.render(session)
        self.assertIn("ended at 20:29", html)
        self.assertEqual(
            re.findall(r'o_az_line_hours"[^>]*><div class="o_az_keep">([^<]*)<', html), ["1.48"] * 3
        )
        self.assertEqual(
            re.findall(r'o_az_total_hours"[^>]*>([^<]*)<', html),
            ["4.44"],
            "the sheet adds up the hours it prints",
        )
        self.assertTrue(session.seal.startswith("$4$"))
        self.assertEqual(session._verify_seal(), [])
        # the actual end is sealed: changing it behind the ORM breaks the seal
        self.env.cr.execute("UPDATE az_attendance_session SET actual_stop = stop WHERE id = %s", [session.id])
        self.env.invalidate_all()
        self.assertTrue(session._verify_seal(), "a changed actual end is seen by the verification")

    def test_an_earlier_actual_end_stated_the_next_day(self):
        session = self.evening_session()
        self.sign_everyone(session)
        with freeze_time("2025-03-12 08:00:00"):
            action = session.with_user(self.trainer).action_validate_with_end()
            form = Form(
                self.env["az.attendance.validate.wizard"]
                .with_user(self.trainer)
                .with_context(**action["context"])
            )
            self.assertFalse(form.is_early, "no reason is asked after the planned end")
            self.assertFalse(form.actual_stop_time, "after the planned end, nothing is proposed")
            form.actual_stop_time = 20.5
            self.assertIs(form.save().action_confirm(), True)
        self.assertEqual(session.state, "validated")
        self.assertFalse(session.early_validation_reason)
        self.assertEqual(session.actual_stop, datetime(2025, 3, 11, 19, 30))
        self.assertEqual(session.line_ids.mapped("effective_hours"), [1.5, 1.5, 1.5])
        self.assertEqual(session._verify_seal(), [])

    def test_a_correction_of_hours_stays_within_the_hours_held(self):
        session = self.evening_session()
        self.sign_everyone(session)
        with freeze_time("2025-03-12 08:00:00"):
            self.validate_in_wizard(session, actual_stop_time=20.5)
        lucas = self.line_of(session, self.lucas)
        Amendment = self.env["az.attendance.amendment"].with_user(self.trainer)
        values = {"session_id": session.id, "line_id": lucas.id, "field_name": "hours_attended"}
        with self.assertRaisesRegex(ValidationError, "between 0 and the session's duration"):
            Amendment.create({**values, "new_hours": 2.0, "reason": "Resté jusqu'à 21 h"})
        Amendment.create({**values, "new_hours": 1.0, "reason": "Parti à 20 h"})
        self.assertEqual(lucas.effective_hours, 1.0)

    def test_the_actual_end_falls_within_the_session(self):
        session = self.evening_session()
        self.sign_everyone(session)
        with freeze_time("2025-03-12 08:00:00"):
            for hour in (22.5, 18.5):
                action = session.with_user(self.trainer).action_validate_with_end()
                wizard = (
                    self.env["az.attendance.validate.wizard"]
                    .with_user(self.trainer)
                    .with_context(**action["context"])
                    .create({"actual_stop_time": hour})
                )
                with self.assertRaisesRegex(ValidationError, "no later than its planned end"):
                    wizard.action_confirm()
        self.assertEqual(session.state, "open", "nothing was validated")
        self.assertFalse(session.actual_stop)
        self.assertEqual(session.line_ids.mapped("hours_attended"), [3.0, 3.0, 3.0])

    def test_the_planned_end_stated_as_actual_end_changes_nothing(self):
        session = self.evening_session()
        self.sign_everyone(session)
        with freeze_time("2025-03-12 08:00:00"):
            self.validate_in_wizard(session, actual_stop_time=22.0)
        self.assertFalse(session.actual_stop)
        self.assertEqual(session.line_ids.mapped("effective_hours"), [3.0, 3.0, 3.0])

    # ------------------------------------------------------------------ one tap per line
    def test_arrival_and_departure_taps_change_the_hours(self):
        session = self.evening_session()
        lucas = self.line_of(session, self.lucas)
        with freeze_time("2025-03-11 18:20:00"):  # 19:20 Paris time
            self.assertIs(lucas.with_user(self.trainer).action_mark_arrived(), True)
        self.assertEqual(lucas.arrived_at, datetime(2025, 3, 11, 18, 20))
        self.assertEqual(lucas.status, "late")
        self.assertEqual(lucas.hours_attended, 2.67)
        with freeze_time("2025-03-11 20:00:00"):  # 21:00
            lucas.with_user(self.trainer).action_mark_left()
        self.assertEqual(lucas.left_at, datetime(2025, 3, 11, 20, 0))
        self.assertEqual(lucas.hours_attended, 1.67)
        # a time given by the trainer's screen, as a string
        amina = self.line_of(session, self.amina)
        amina.with_user(self.trainer).action_mark_left("2025-03-11 20:30:00")
        self.assertEqual(amina.status, "present", "a departure counts the person present")
        self.assertEqual(amina.hours_attended, 2.5)
        self.assertEqual(self.line_of(session, self.sofia).hours_attended, 0.0, "Sofia is still expected")

    def test_taps_outside_the_session_or_out_of_order_are_refused(self):
        session = self.evening_session()
        lucas = self.line_of(session, self.lucas)
        with (
            freeze_time("2025-03-11 21:30:00"),
            self.assertRaisesRegex(UserError, "falls outside the session"),
        ):
            lucas.with_user(self.trainer).action_mark_arrived()
        lucas.with_user(self.trainer).action_mark_arrived("2025-03-11 19:00:00")
        with self.assertRaisesRegex(UserError, "the departure must come after"):
            lucas.with_user(self.trainer).action_mark_left("2025-03-11 18:30:00")
        with self.assertRaisesRegex(UserError, "not a date and time"):
            lucas.with_user(self.trainer).action_mark_left("half past eight")
        sofia = self.line_of(session, self.sofia)
        sofia.status = "absent"
        with self.assertRaisesRegex(UserError, "absent or excused"):
            sofia.with_user(self.trainer).action_mark_arrived("2025-03-11 19:00:00")
        self.assertFalse(lucas.left_at)
        self.assertFalse(sofia.arrived_at)

    def test_a_late_signer_gets_their_signing_time_proposed_as_arrival(self):
        session = self.evening_session()
        lucas = self.line_of(session, self.lucas)
        amina = self.line_of(session, self.amina)
        with freeze_time("2025-03-11 18:03:00"):
            amina._record_signature(signature_data_uri(1), "kiosk")
        with freeze_time("2025-03-11 18:25:40"):
            lucas._record_signature(signature_data_uri(2), "qr")
        self.assertFalse(amina.proposed_arrival, "three minutes after the start is on time")
        self.assertEqual(lucas.proposed_arrival_label, "19:25")
        self.assertEqual(lucas.hours_attended, 3.0, "nothing changes until the trainer accepts")
        lucas.with_user(self.trainer).action_accept_proposed_arrival()
        self.assertEqual(lucas.arrived_at, datetime(2025, 3, 11, 18, 25))
        self.assertEqual(lucas.hours_attended, 2.58)
        self.assertFalse(lucas.proposed_arrival_label, "the proposal is taken")

    def test_a_sealed_sheet_refuses_arrivals_and_departures(self):
        session = self.evening_session()
        self.sign_everyone(session)
        with freeze_time("2025-03-12 08:00:00"):
            self.validate_in_wizard(session)
        lucas = self.line_of(session, self.lucas)
        for action in (lucas.action_mark_arrived, lucas.action_mark_left):
            with self.assertRaisesRegex(UserError, "validated and sealed"):
                action("2025-03-11 19:00:00")
        with self.assertRaisesRegex(UserError, "validated and sealed"):
            session.with_user(self.manager).actual_stop_time = 20.0
        self.assertFalse(lucas.arrived_at)
        self.assertFalse(session.actual_stop)
        self.assertEqual(session._verify_seal(), [])

    # ------------------------------------------------------------------ half-days
    def test_each_half_day_sheet_counts_its_own_actual_times(self):
        # 09:00-17:00 Paris time, split at noon: 09:00-12:00 and 13:30-17:00
        session = self.make_session(partners=self.amina, hours=8, open_it=False, name="Journée")
        action = session.action_split_half_days()
        morning, afternoon = self.env["az.attendance.session"].search(action["domain"]).sorted("start")
        (morning | afternoon).action_open()
        for sheet in (morning, afternoon):
            self.sign_everyone(sheet, at=sheet.start + timedelta(minutes=1))
        with freeze_time("2025-03-11 10:30:00"):  # 11:30 Paris: the morning ends early
            self.validate_in_wizard(morning, reason="Visite du fablab")
        with freeze_time("2025-03-11 17:00:00"):
            self.validate_in_wizard(afternoon)
        self.assertEqual(morning.line_ids.effective_hours, 2.5)
        self.assertEqual(afternoon.line_ids.effective_hours, 3.5)

    # ------------------------------------------------------------------ earlier seals
    def test_sheets_sealed_before_keep_verifying_after_the_update(self):
        old = self.make_session(partners=self.amina | self.lucas, name="Feuille de 2024")
        self.sign_everyone(old, at="2025-03-11 08:05:00")
        old._seal(version=3)
        self.env.flush_all()
        self.assertTrue(old.seal.startswith("$3$"))
        # as a former database holds it: no hours held yet
        self.env.cr.execute("UPDATE az_attendance_session SET hours_held = NULL WHERE id = %s", [old.id])
        migration = load_migration("az_attendance/migrations/18.0.1.5.0/pre-hours.py")
        migration.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertEqual(old.hours_held, 3.0)
        self.assertEqual(old.line_ids.mapped("effective_hours"), [3.0, 3.0])
        self.assertEqual(old._verify_seal(), [], "a sheet of version 3 verifies as before")
        self.assertNotIn("actual_stop", old._get_seal_fields(3))
        self.assertIn("actual_stop", old._get_seal_fields(sealer.SEAL_VERSION))
        with self.assertRaisesRegex(UserError, "validated and sealed"):
            old.write({"actual_stop": old.stop - timedelta(hours=1)})

    def test_the_trainers_screen_calls_the_taps_on_several_lines(self):
        session = self.evening_session()
        with freeze_time("2025-03-11 18:45:00"):
            session.line_ids.with_user(self.trainer).action_mark_arrived()
        self.assertEqual(set(session.line_ids.mapped("status")), {"late"})
        self.assertEqual(set(session.line_ids.mapped("hours_attended")), {2.25})


@tagged("post_install", "-at_install")
class TestAttendanceHoursVerifyPage(HttpCase, AttendanceCommon):
    """Whoever checks a sheet on its verify page reads the actual end it was sealed with."""

    def test_the_verify_page_shows_the_actual_end(self):
        session = self.make_session(start=EVENING, hours=3, name="Atelier du soir")
        with freeze_time("2025-03-11 18:02:00"):
            for index, line in enumerate(session.line_ids, start=1):
                line._record_signature(signature_data_uri(index), "kiosk")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(7))
        with freeze_time("2025-03-11 19:29:00"):
            action = session.with_user(self.trainer).action_validate_with_end()
            self.env["az.attendance.validate.wizard"].with_user(self.trainer).with_context(
                **action["context"]
            ).create({"reason": "Atelier terminé plus tôt"}).action_confirm()
        self.env.flush_all()
        self.authenticate(None, None)
        page = self.url_open(session.verify_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_az_verify_ok", page.text)
        self.assertEqual(re.findall(r'o_az_verify_actual_stop"[^>]*>([^<]*)<', page.text), ["20:29"])
