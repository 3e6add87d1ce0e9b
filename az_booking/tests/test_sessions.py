"""Workshop sessions scheduled by staff: the weekly series, seats, cancelling and moving
a session, and the upgrade of the former per-occurrence rows."""

import importlib.util
import os
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import AzBookingCommon, local, paris


@tagged("post_install", "-at_install")
@freeze_time("2026-02-27 10:00:00")
class TestWorkshopSessions(AzBookingCommon):
    def _series(self, **values):
        wizard = (
            self.env["az.booking.session.wizard"]
            .with_user(self.staff_b)
            .create(
                {
                    "type_id": self.type_workshop.id,
                    "duration": 2.0,
                    "user_ids": [Command.set(self.staff_b.ids)],
                    "capacity": 3,
                    "date_from": date(2026, 3, 2),
                    "hour": 14.0,
                    "end_type": "count",
                    "count": 4,
                    **values,
                }
            )
        )
        wizard.action_schedule()
        return wizard, self.env["az.booking.slot"].search(
            [("type_id", "=", self.type_workshop.id)], order="start"
        )

    def _session(self, start=None, **values):
        return self.env["az.booking.slot"].create(
            {"type_id": self.type_workshop.id, "start": start or paris(2026, 3, 2, 14), **values}
        )

    # ------------------------------------------------------------------------------------
    # Series
    # ------------------------------------------------------------------------------------
    def test_series_weekly_on_chosen_days_every_n_weeks(self):
        _wizard, sessions = self._series(tue=True, thu=True, interval=2, count=4)
        self.assertEqual(
            sessions.mapped("start"),
            [paris(2026, 3, 3, 14), paris(2026, 3, 5, 14), paris(2026, 3, 17, 14), paris(2026, 3, 19, 14)],
        )
        self.assertEqual(set(sessions.mapped("state")), {"scheduled"})
        self.assertEqual(sessions[0].stop, paris(2026, 3, 3, 16))
        self.assertEqual(sessions[0].user_ids, self.staff_b)

    def test_evening_sessions_end_at_midnight_and_over_a_change_of_time(self):
        """A session's length is time elapsed: 22:00 for 2 hours ends at midnight; on the night
        Paris goes to summer time, 1:00 for 2 hours ends at 4:00 local."""
        _wizard, sessions = self._series(mon=True, count=1, hour=22.0)
        self.assertEqual((sessions.start, sessions.stop), (paris(2026, 3, 2, 22), paris(2026, 3, 3, 0)))
        sessions.unlink()
        _wizard, sessions = self._series(sun=True, count=1, hour=1.0, date_from=date(2026, 3, 29))
        night = sessions[0]
        self.assertEqual(night.start, datetime(2026, 3, 29, 0, 0))  # 1:00 winter time
        self.assertEqual(night.stop - night.start, timedelta(hours=2))

    def test_series_skips_the_holidays_the_slot_engine_applies_and_no_other(self):
        """The facilitator works for another structure of the database: the public holidays
        of their own company close their day, those of the workshop's company do not (core's
        rule, and the one of the booking pages)."""
        other = self.env["res.company"].create({"name": "Autre structure"})
        resource = self.env["resource.resource"].search([("user_id", "=", self.staff_b.id)])
        resource.company_id = other
        for company, day in ((other, 2), (self.type_workshop.company_id, 9)):
            holiday = self.env["resource.calendar.leaves"].create(
                {
                    "name": f"Holiday of {company.name}",
                    "date_from": paris(2026, 3, day),
                    "date_to": paris(2026, 3, day + 1),
                    "time_type": "leave",
                }
            )
            holiday.company_id = company
        wizard, sessions = self._series(mon=True, count=2)
        self.assertEqual(sessions.mapped("start"), [paris(2026, 3, 9, 14)])
        self.assertIn("public holiday (Holiday of Autre structure)", wizard.result)
        self.assertNotIn(f"Holiday of {self.type_workshop.company_id.name}", wizard.result)
        result, _seats, _staff = self.type_workshop._get_available_intervals(
            paris(2026, 3, 2), paris(2026, 3, 10)
        )
        work_days = {start.date() for start, _stop in result[self.staff_b.id]["work"]}
        self.assertNotIn(date(2026, 3, 2), work_days)
        self.assertIn(date(2026, 3, 9), work_days)

    def test_series_until_a_date_skips_holidays_and_leaves_and_says_so(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Lundi de Pâques",
                "date_from": paris(2026, 4, 6),
                "date_to": paris(2026, 4, 7),
                "time_type": "leave",
            }
        )
        resource = self.env["resource.resource"].search([("user_id", "=", self.staff_b.id)])
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Congés",
                "resource_id": resource.id,
                "calendar_id": self.calendar.id,
                "date_from": paris(2026, 3, 16, 8),
                "date_to": paris(2026, 3, 16, 18),
                "time_type": "leave",
            }
        )
        wizard, sessions = self._series(mon=True, end_type="until", date_until=date(2026, 4, 13))
        self.assertEqual(
            sessions.mapped("start"),
            [
                paris(2026, 3, 2, 14),
                paris(2026, 3, 9, 14),
                paris(2026, 3, 23, 14),
                paris(2026, 3, 30, 14),
                paris(2026, 4, 13, 14),
            ],
        )
        self.assertIn("5 session(s) scheduled", wizard.result)
        self.assertIn("Lundi de Pâques", wizard.result)
        self.assertIn("leave of Az Staff B", wizard.result)
        self.assertIn("16 March", wizard.result)
        # planned again: nothing twice, and it says why
        wizard_2, again = self._series(mon=True, end_type="until", date_until=date(2026, 3, 9))
        self.assertEqual(again, sessions)
        self.assertIn("already scheduled", wizard_2.result)

    def test_series_keeps_local_time_across_summer_time(self):
        # Paris changes to summer time on Sunday 29 March 2026
        _wizard, sessions = self._series(thu=True, date_from=date(2026, 3, 19), count=3)
        self.assertEqual(
            sessions.mapped("start"),
            [datetime(2026, 3, 19, 13), datetime(2026, 3, 26, 13), datetime(2026, 4, 2, 12)],
        )

    def test_series_in_an_overseas_timezone(self):
        site = self.env["az.site"].create({"name": "Antenne de Saint-Denis", "tz": "Indian/Reunion"})
        _wizard, sessions = self._series(wed=True, count=2, hour=9.0, site_id=site.id)
        self.assertEqual(
            sessions.mapped("start"),
            [local("Indian/Reunion", 2026, 3, 4, 9), local("Indian/Reunion", 2026, 3, 11, 9)],
        )
        self.assertEqual(sessions.mapped("start"), [datetime(2026, 3, 4, 5), datetime(2026, 3, 11, 5)])
        self.assertEqual(sessions.site_id, site)

    def test_series_refuses_a_series_without_days(self):
        with self.assertRaisesRegex(UserError, "at least one day"):
            self._series()

    # ------------------------------------------------------------------------------------
    # Seats
    # ------------------------------------------------------------------------------------
    def test_booking_takes_a_seat_of_the_session_and_fills_it(self):
        session = self._session(capacity=2)
        first = self._book(self.type_workshop, session.start, person=self.person)
        self.assertEqual((first.slot_id, first.stop), (session, session.stop))
        self._book(self.type_workshop, session.start, person=self.person_2)
        self.assertEqual(session.state, "full")
        waiting = self._book(self.type_workshop, session.start, person=self.person_3)
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(session.waiting_count, 1)
        # one participant cancelling never cancels the session
        first.action_cancel(cancel_by="person", reason="Found a job")
        self.assertEqual(waiting.state, "confirmed")
        self.assertEqual(session.state, "full")

    def test_website_cannot_book_a_time_without_a_session_or_a_cancelled_one(self):
        values = {
            "type_id": self.type_workshop.id,
            "partner_id": self.person.id,
            "booked_by_kind": "self",
            "start": paris(2026, 3, 2, 9),
        }
        with self.assertRaisesRegex(UserError, "no longer available"):
            self.env["az.booking"].sudo().create(values)
        session = self._session(paris(2026, 3, 2, 9))
        session.action_cancel("Salle indisponible")
        with self.assertRaisesRegex(UserError, "no longer available"):
            self.env["az.booking"].sudo().create(values)

    def test_seat_freed_after_the_start_promotes_nobody(self):
        session = self._session(capacity=1)
        first = self._book(self.type_workshop, session.start, person=self.person)
        waiting = self._book(self.type_workshop, session.start, person=self.person_2)
        with freeze_time("2026-03-02 13:30:00"):  # 14:30 in Paris: started
            first.action_cancel(cancel_by="person", reason="Late")
        self.assertEqual(waiting.state, "waiting")

    def test_fewer_seats_than_participants_is_refused_more_seats_promote(self):
        session = self._session(capacity=1)
        self._book(self.type_workshop, session.start, person=self.person)
        waiting = self._book(self.type_workshop, session.start, person=self.person_2)
        session.capacity = 2
        self.assertEqual(waiting.state, "confirmed")
        with self.assertRaisesRegex(UserError, "cannot have fewer seats"):
            session.capacity = 1

    def test_sessions_over_are_marked_done(self):
        past, coming = self._session(paris(2026, 2, 26, 14)), self._session()
        self.env["az.booking.slot"]._cron_mark_done()
        self.assertEqual((past.state, coming.state), ("done", "scheduled"))

    # ------------------------------------------------------------------------------------
    # Cancel and move
    # ------------------------------------------------------------------------------------
    def _mails(self, booking):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "az.booking"), ("res_id", "=", booking.id)], order="id")
        )

    def test_cancelling_a_session_tells_everyone_and_clears_the_waiting_list(self):
        session = self._session(capacity=2)
        seats = self._book(self.type_workshop, session.start, person=self.person) | self._book(
            self.type_workshop, session.start, person=self.person_2
        )
        waiting = self._book(self.type_workshop, session.start, person=self.person_3)
        with self.assertRaisesRegex(UserError, "why"):
            session.action_cancel("  ")
        wizard = (
            self.env["az.booking.session.cancel.wizard"]
            .with_user(self.staff_b)
            .create({"session_ids": [Command.set(session.ids)], "reason": "Animatrice malade"})
        )
        wizard.action_cancel()
        self.assertEqual(session.state, "cancelled")
        self.assertFalse(session.event_id.active)
        for booking in seats | waiting:
            self.assertEqual(booking.state, "cancelled")
            self.assertEqual(booking.cancel_reason, "Animatrice malade")
            mail = self._mails(booking)[-1:]
            self.assertIn("is cancelled", mail.subject)
            self.assertIn("Animatrice malade", mail.body_html)
        self.assertIn(b"METHOD:CANCEL", self._mails(seats[0])[-1].attachment_ids.raw)
        self.assertFalse(self._mails(waiting)[-1].attachment_ids, "no time was held")
        self.assertEqual(session.waiting_count, 0)
        with self.assertRaisesRegex(UserError, "already cancelled"):
            session.action_cancel("again")

    def test_moving_a_session_sends_the_new_time_and_an_updated_calendar_file(self):
        session = self._session()
        booking = self._book(self.type_workshop, session.start, person=self.person)
        uid_line = next(
            line for line in booking._get_ics_content().decode().splitlines() if line.startswith("UID:")
        )
        sequence = booking.ics_sequence
        session.start = paris(2026, 3, 3, 15)
        self.assertEqual((booking.start, booking.stop), (paris(2026, 3, 3, 15), paris(2026, 3, 3, 17)))
        self.assertEqual(session.event_id.start, paris(2026, 3, 3, 15))
        mail = self._mails(booking)[-1]
        self.assertIn("New time", mail.subject)
        self.assertIn("3 March", mail.subject)
        ics = mail.attachment_ids.raw.decode()
        self.assertIn(uid_line, ics.splitlines())
        self.assertIn(f"SEQUENCE:{sequence + 1}", ics)
        self.assertIn("DTSTART:20260303T140000Z", ics)

    # ------------------------------------------------------------------------------------
    # Upgrade
    # ------------------------------------------------------------------------------------
    def test_upgrade_turns_former_slots_into_sessions(self):
        booking = self._book(self.type_workshop, paris(2026, 3, 2, 14), person=self.person)
        session = booking.slot_id
        done = self._session(paris(2026, 2, 23, 14))
        empty = self._session(paris(2026, 3, 9, 14))
        cr = self.env.cr
        self.env.flush_all()
        # the rows as the former version left them: no seats, status, site nor facilitators
        cr.execute("ALTER TABLE az_booking_slot ALTER COLUMN capacity DROP NOT NULL")
        cr.execute("ALTER TABLE az_booking_slot ALTER COLUMN state DROP NOT NULL")
        cr.execute(
            "UPDATE az_booking_slot SET capacity = NULL, state = NULL, event_id = NULL WHERE id IN %s",
            [tuple((session | done | empty).ids)],
        )
        cr.execute("DELETE FROM az_booking_slot_user_rel")
        pre, post = (_migration_script(name) for name in ("pre-migrate", "post-migrate"))
        pre.migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        post.migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual((session.capacity, session.state, session.seats_taken), (3, "scheduled", 1))
        self.assertEqual(session.user_ids, self.staff_b)
        self.assertEqual(done.state, "done")
        self.assertEqual(empty.state, "cancelled")
        self.assertIn(self.person, session.event_id.partner_ids)
        self.assertIn("(1/3)", session.event_id.name)
        self.assertEqual(booking.slot_id, session, "the bookings keep their session")


def _migration_script(name):
    path = os.path.join(get_module_path("az_booking"), "migrations", "18.0.1.1.0", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"az_booking_{name.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestWorkshopDemo(AzBookingCommon):
    def test_demo_has_a_weekly_workshop_with_a_full_session(self):
        modules = self.env["ir.module.module"].search([("name", "in", ("base", "az_booking"))])
        demo = {module.name: module.demo for module in modules}
        if not demo["base"]:
            self.skipTest("database without demo data")  # never in ./setup/test
        self.assertTrue(demo["az_booking"], "the demo data of az_booking loads")
        workshop = self.env.ref("az_booking.az_booking_type_cv_workshop_demo")
        sessions = self.env["az.booking.slot"].search(
            [("type_id", "=", workshop.id), ("state", "in", ("scheduled", "full"))]
        )
        self.assertGreaterEqual(len(sessions), 4)
        full = sessions.filtered(lambda s: s.state == "full")
        self.assertEqual(len(full), 1)
        self.assertEqual(full.waiting_count, 1)
        self.assertEqual(len(set(s.start.weekday() for s in sessions)), 1, "weekly")
