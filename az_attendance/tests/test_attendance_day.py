from datetime import datetime, time, timedelta

import pytz
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.az_project_base.tests.browser_audit import AccessibilityAuditMixin, axe_source
from odoo.addons.az_project_base.tests.keyboard import LiveBrowser

from .common import AttendanceCommon, signature_data_uri

DAY_URL = "/odoo/action-az_attendance.az_attendance_day_action"
DAY_SHOWN = "!!document.querySelector('.o_az_day_session')"
# axe-core on the day screen itself (the web client around it is Odoo's), with the touch
# targets of a phone: every button at least 44 x 44 px
DAY_AUDIT = """
(async () => {
    const screen = document.querySelector(".o_az_day");
    const result = await axe.run(screen, {
        resultTypes: ["violations"],
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    });
    const where = (v) => v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(" | ");
    const problems = result.violations
        .filter((v) => ["serious", "critical"].includes(v.impact))
        .map((v) => `${v.impact} ${v.id}: ${v.help} [${where(v)}]`);
    for (const button of screen.querySelectorAll("button")) {
        const rect = button.getBoundingClientRect();
        if (rect.width < 44 || rect.height < 44) {
            problems.push(`touch target too small: ${button.className} is ${rect.width}x${rect.height}px`);
        }
    }
    return problems;
})()
"""


class DayCommon(AttendanceCommon):
    """Today (Paris time) for the trainer: a morning session running, signed by Amina and
    Sofia; an afternoon session still a draft; a session of yesterday."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        paris = pytz.timezone("Europe/Paris")
        today = pytz.utc.localize(now).astimezone(paris).date()
        midnight = (
            paris.localize(datetime.combine(today, time(0, 1))).astimezone(pytz.utc).replace(tzinfo=None)
        )
        late = paris.localize(datetime.combine(today, time(23, 0))).astimezone(pytz.utc).replace(tzinfo=None)
        cls.morning = cls.make_session(
            start=max(now - timedelta(minutes=15), midnight), name="Atelier du matin"
        )
        for partner in (cls.amina, cls.sofia):
            cls.line_of(cls.morning, partner)._record_signature(signature_data_uri(), "kiosk")
        cls.afternoon = cls.make_session(
            start=min(now + timedelta(minutes=30), late), name="Atelier du soir", open_it=False
        )
        cls.yesterday = cls.make_session(start=now - timedelta(days=1), name="Atelier de la veille")


@tagged("post_install", "-at_install")
class TestAttendanceDay(DayCommon):
    def test_the_day_lists_today_sessions_of_the_trainer_with_who_has_signed(self):
        days = self.env["az.attendance.session"].with_user(self.trainer).day_data()
        self.assertEqual([day["name"] for day in days], ["Atelier du matin", "Atelier du soir"])
        morning = days[0]
        self.assertEqual((morning["signed_count"], morning["participant_count"]), (2, 3))
        signed = {line["name"]: line["signed"] for line in morning["lines"]}
        self.assertEqual(signed, {"Amina Diallo": True, "Lucas Martin": False, "Sofia Pereira": True})
        self.assertFalse(
            self.env["az.attendance.session"].with_user(self.other_staff).day_data(),
            "another staff member's day shows nobody else's sessions",
        )

    def test_today_is_the_site_day_not_the_server_day(self):
        # 23:30 UTC on 10 March is 00:30 on 11 March in Paris: the 09:00 session is today's
        with freeze_time("2025-03-10 23:30:00"):
            session = self.make_session(name="Atelier de Paris", open_it=False)
            self.assertIn(
                session.id,
                [d["id"] for d in self.env["az.attendance.session"].with_user(self.trainer).day_data()],
            )
        with freeze_time("2025-03-10 22:30:00"):
            self.assertNotIn(
                session.id,
                [d["id"] for d in self.env["az.attendance.session"].with_user(self.trainer).day_data()],
            )

    def test_arrival_and_departure_are_one_tap_and_stay_within_the_session(self):
        lucas = self.line_of(self.morning, self.lucas)
        lucas.with_user(self.trainer).action_day_arrived()
        self.assertEqual(lucas.status, "late")
        self.assertTrue(self.morning.start <= lucas.arrived_at <= fields.Datetime.now())
        sofia = self.line_of(self.morning, self.sofia)
        with freeze_time(self.morning.stop + timedelta(minutes=20)):
            sofia.with_user(self.trainer).action_day_left()
        self.assertEqual(sofia.left_at, self.morning.stop, "a departure after the end is the end")
        with self.assertRaises(UserError):
            self.line_of(self.afternoon, self.lucas).with_user(self.trainer).action_day_arrived()


class DayTourCommon(DayCommon, HttpCase):
    touch_enabled = True

    def walk_the_day(self):
        self.start_tour(DAY_URL, "az_attendance_day", login="az_att_trainer")
        lucas = self.line_of(self.morning, self.lucas)
        self.assertTrue(lucas.arrived_at)
        self.assertEqual(lucas.sign_method, "on_behalf")
        self.assertEqual(lucas.witness_name, "Jean Témoin")
        self.assertTrue(self.line_of(self.morning, self.sofia).left_at)
        self.assertEqual(self.morning.trainer_signed_by_id, self.trainer)
        self.assertEqual(self.morning.state, "validated")
        self.assertEqual(self.morning.early_validation_reason, "Atelier terminé plus tôt")
        self.assertEqual(self.afternoon.state, "open")


@tagged("post_install", "-at_install")
class TestAttendanceDayPhoneTour(DayTourCommon):
    browser_size = "390x844"

    def test_the_trainer_reaches_every_action_on_a_phone(self):
        self.walk_the_day()


@tagged("post_install", "-at_install")
class TestAttendanceDayTabletTour(DayTourCommon):
    browser_size = "820x1180"

    def test_the_trainer_reaches_every_action_on_a_tablet(self):
        self.walk_the_day()


@tagged("post_install", "-at_install")
class TestAttendanceDayAudit(AccessibilityAuditMixin, DayTourCommon):
    def test_the_day_screen_passes_the_audits(self):
        for size in ("320x640", "390x844", "820x1180"):
            with (
                self.subTest(size=size),
                LiveBrowser(
                    self, DAY_URL, login="az_att_trainer", size=size, touch=True, ready=DAY_SHOWN
                ) as page,
            ):
                page.evaluate(axe_source() + "\n;true", timeout=60)
                problems = page.evaluate(DAY_AUDIT, timeout=90)
                self.assertEqual(problems, [], f"accessibility of the trainer's day at {size}")
        self.audit_layout(DAY_URL, "the trainer's day", login="az_att_trainer", ready=DAY_SHOWN)
