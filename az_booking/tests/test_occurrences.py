"""Workshop occurrences scheduled by staff: the weekly series, seats, cancelling and moving
an occurrence, and the upgrade of the former per-occurrence rows."""

import importlib.util
import os
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.modules.module import get_module_path
from odoo.tests import tagged
from odoo.tools import SQL

from .common import AzBookingCommon, local, paris


@tagged("post_install", "-at_install")
@freeze_time("2026-02-27 10:00:00")
class TestWorkshopOccurrences(AzBookingCommon):
    def _series(self, **values):
        wizard = (
            self.env["az.booking.occurrence.wizard"]
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
        return wizard, self.env["az.booking.occurrence"].search(
            [("type_id", "=", self.type_workshop.id)], order="start"
        )

    def _occurrence(self, start=None, **values):
        return self.env["az.booking.occurrence"].create(
            {"type_id": self.type_workshop.id, "start": start or paris(2026, 3, 2, 14), **values}
        )

    # ------------------------------------------------------------------------------------
    # Series
    # ------------------------------------------------------------------------------------
    def test_series_weekly_on_chosen_days_every_n_weeks(self):
        _wizard, occurrences = self._series(tue=True, thu=True, interval=2, count=4)
        self.assertEqual(
            occurrences.mapped("start"),
            [paris(2026, 3, 3, 14), paris(2026, 3, 5, 14), paris(2026, 3, 17, 14), paris(2026, 3, 19, 14)],
        )
        self.assertEqual(set(occurrences.mapped("state")), {"scheduled"})
        self.assertEqual(occurrences[0].stop, paris(2026, 3, 3, 16))
        self.assertEqual(occurrences[0].user_ids, self.staff_b)

    def test_evening_occurrences_end_at_midnight_and_over_a_change_of_time(self):
        """An occurrence's length is time elapsed: 22:00 for 2 hours ends at midnight; on the night
        Paris goes to summer time, 1:00 for 2 hours ends at 4:00 local."""
        _wizard, occurrences = self._series(mon=True, count=1, hour=22.0)
        self.assertEqual((occurrences.start, occurrences.stop), (paris(2026, 3, 2, 22), paris(2026, 3, 3, 0)))
        occurrences.unlink()
        _wizard, occurrences = self._series(sun=True, count=1, hour=1.0, date_from=date(2026, 3, 29))
        night = occurrences[0]
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
        wizard, occurrences = self._series(mon=True, count=2)
        self.assertEqual(occurrences.mapped("start"), [paris(2026, 3, 9, 14)])
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
        wizard, occurrences = self._series(mon=True, end_type="until", date_until=date(2026, 4, 13))
        self.assertEqual(
            occurrences.mapped("start"),
            [
                paris(2026, 3, 2, 14),
                paris(2026, 3, 9, 14),
                paris(2026, 3, 23, 14),
                paris(2026, 3, 30, 14),
                paris(2026, 4, 13, 14),
            ],
        )
        self.assertIn("5 occurrence(s) scheduled", wizard.result)
        self.assertIn("Lundi de Pâques", wizard.result)
        self.assertIn("leave of Az Staff B", wizard.result)
        self.assertIn("16 March", wizard.result)
        # planned again: nothing twice, and it says why
        wizard_2, again = self._series(mon=True, end_type="until", date_until=date(2026, 3, 9))
        self.assertEqual(again, occurrences)
        self.assertIn("already scheduled", wizard_2.result)

    def test_series_keeps_local_time_across_summer_time(self):
        # Paris changes to summer time on Sunday 29 March 2026
        _wizard, occurrences = self._series(thu=True, date_from=date(2026, 3, 19), count=3)
        self.assertEqual(
            occurrences.mapped("start"),
            [datetime(2026, 3, 19, 13), datetime(2026, 3, 26, 13), datetime(2026, 4, 2, 12)],
        )

    def test_series_in_an_overseas_timezone(self):
        site = self.env["az.site"].create({"name": "Antenne de Saint-Denis", "tz": "Indian/Reunion"})
        _wizard, occurrences = self._series(wed=True, count=2, hour=9.0, site_id=site.id)
        self.assertEqual(
            occurrences.mapped("start"),
            [local("Indian/Reunion", 2026, 3, 4, 9), local("Indian/Reunion", 2026, 3, 11, 9)],
        )
        self.assertEqual(occurrences.mapped("start"), [datetime(2026, 3, 4, 5), datetime(2026, 3, 11, 5)])
        self.assertEqual(occurrences.site_id, site)

    def test_series_refuses_a_series_without_days(self):
        with self.assertRaisesRegex(UserError, "at least one day"):
            self._series()

    # ------------------------------------------------------------------------------------
    # Seats
    # ------------------------------------------------------------------------------------
    def test_booking_takes_a_seat_of_the_occurrence_and_fills_it(self):
        occurrence = self._occurrence(capacity=2)
        first = self._book(self.type_workshop, occurrence.start, person=self.person)
        self.assertEqual((first.occurrence_id, first.stop), (occurrence, occurrence.stop))
        self._book(self.type_workshop, occurrence.start, person=self.person_2)
        self.assertEqual(occurrence.state, "full")
        waiting = self._book(self.type_workshop, occurrence.start, person=self.person_3)
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(occurrence.waiting_count, 1)
        # one participant cancelling never cancels the occurrence
        first.action_cancel(cancel_by="person", reason="Found a job")
        self.assertEqual(waiting.state, "confirmed")
        self.assertEqual(occurrence.state, "full")

    def test_website_cannot_book_a_time_without_a_occurrence_or_a_cancelled_one(self):
        values = {
            "type_id": self.type_workshop.id,
            "partner_id": self.person.id,
            "booked_by_kind": "self",
            "start": paris(2026, 3, 2, 9),
        }
        with self.assertRaisesRegex(UserError, "no longer available"):
            self.env["az.booking"].sudo().create(values)
        occurrence = self._occurrence(paris(2026, 3, 2, 9))
        occurrence.action_cancel("Salle indisponible")
        with self.assertRaisesRegex(UserError, "no longer available"):
            self.env["az.booking"].sudo().create(values)

    def test_seat_freed_after_the_start_promotes_nobody(self):
        occurrence = self._occurrence(capacity=1)
        first = self._book(self.type_workshop, occurrence.start, person=self.person)
        waiting = self._book(self.type_workshop, occurrence.start, person=self.person_2)
        with freeze_time("2026-03-02 13:30:00"):  # 14:30 in Paris: started
            first.action_cancel(cancel_by="person", reason="Late")
        self.assertEqual(waiting.state, "waiting")

    def test_fewer_seats_than_participants_is_refused_more_seats_promote(self):
        occurrence = self._occurrence(capacity=1)
        self._book(self.type_workshop, occurrence.start, person=self.person)
        waiting = self._book(self.type_workshop, occurrence.start, person=self.person_2)
        occurrence.capacity = 2
        self.assertEqual(waiting.state, "confirmed")
        with self.assertRaisesRegex(UserError, "cannot have fewer seats"):
            occurrence.capacity = 1

    def test_occurrences_over_are_marked_done(self):
        past, coming = self._occurrence(paris(2026, 2, 26, 14)), self._occurrence()
        self.env["az.booking.occurrence"]._cron_mark_done()
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

    def test_cancelling_a_occurrence_tells_everyone_and_clears_the_waiting_list(self):
        occurrence = self._occurrence(capacity=2)
        seats = self._book(self.type_workshop, occurrence.start, person=self.person) | self._book(
            self.type_workshop, occurrence.start, person=self.person_2
        )
        waiting = self._book(self.type_workshop, occurrence.start, person=self.person_3)
        with self.assertRaisesRegex(UserError, "why"):
            occurrence.action_cancel("  ")
        wizard = (
            self.env["az.booking.occurrence.cancel.wizard"]
            .with_user(self.staff_b)
            .create({"occurrence_ids": [Command.set(occurrence.ids)], "reason": "Animatrice malade"})
        )
        wizard.action_cancel()
        self.assertEqual(occurrence.state, "cancelled")
        self.assertFalse(occurrence.event_id.active)
        for booking in seats | waiting:
            self.assertEqual(booking.state, "cancelled")
            self.assertEqual(booking.cancel_reason, "Animatrice malade")
            mail = self._mails(booking)[-1:]
            self.assertIn("is cancelled", mail.subject)
            self.assertIn("Animatrice malade", mail.body_html)
        self.assertIn(b"METHOD:CANCEL", self._mails(seats[0])[-1].attachment_ids.raw)
        self.assertFalse(self._mails(waiting)[-1].attachment_ids, "no time was held")
        self.assertEqual(occurrence.waiting_count, 0)
        with self.assertRaisesRegex(UserError, "already cancelled"):
            occurrence.action_cancel("again")

    def test_moving_a_occurrence_sends_the_new_time_and_an_updated_calendar_file(self):
        occurrence = self._occurrence()
        booking = self._book(self.type_workshop, occurrence.start, person=self.person)
        uid_line = next(
            line for line in booking._get_ics_content().decode().splitlines() if line.startswith("UID:")
        )
        sequence = booking.ics_sequence
        occurrence.start = paris(2026, 3, 3, 15)
        self.assertEqual((booking.start, booking.stop), (paris(2026, 3, 3, 15), paris(2026, 3, 3, 17)))
        self.assertEqual(occurrence.event_id.start, paris(2026, 3, 3, 15))
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
    def test_upgrade_turns_former_slots_into_occurrences(self):
        booking = self._book(self.type_workshop, paris(2026, 3, 2, 14), person=self.person)
        occurrence = booking.occurrence_id
        done = self._occurrence(paris(2026, 2, 23, 14))
        empty = self._occurrence(paris(2026, 3, 9, 14))
        cr = self.env.cr
        self.env.flush_all()
        # the rows as the former version left them: no seats, status, site nor facilitators
        cr.execute("ALTER TABLE az_booking_occurrence ALTER COLUMN capacity DROP NOT NULL")
        cr.execute("ALTER TABLE az_booking_occurrence ALTER COLUMN state DROP NOT NULL")
        cr.execute(
            "UPDATE az_booking_occurrence SET capacity = NULL, state = NULL, event_id = NULL WHERE id IN %s",
            [tuple((occurrence | done | empty).ids)],
        )
        cr.execute("DELETE FROM az_booking_occurrence_user_rel")
        pre, post = (_migration_script(name) for name in ("pre-migrate", "post-migrate"))
        # an update runs every pre-migration on the former schema, in the order of versions
        # (18.0.1.1.0's on az_booking_slot, then 18.0.1.3.0's renaming), then the post ones
        _former_names(cr, back=False)
        pre.migrate(cr, "18.0.1.0.0")
        _former_names(cr, back=True)
        self.env.invalidate_all()
        post.migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual((occurrence.capacity, occurrence.state, occurrence.seats_taken), (3, "scheduled", 1))
        self.assertEqual(occurrence.user_ids, self.staff_b)
        self.assertEqual(done.state, "done")
        self.assertEqual(empty.state, "cancelled")
        self.assertIn(self.person, occurrence.event_id.partner_ids)
        self.assertIn("(1/3)", occurrence.event_id.name)
        self.assertEqual(booking.occurrence_id, occurrence, "the bookings keep their occurrence")


def _former_names(cr, back):
    """Give the occurrence's tables and columns the names they had before 18.0.1.3.0
    (``back``: the names of today again)."""
    renames = [  # (table, None or column, name of today, former name), in the order of a rename
        ("az_booking_occurrence", None, "az_booking_occurrence", "az_booking_slot"),
        (
            "az_booking_occurrence_user_rel",
            None,
            "az_booking_occurrence_user_rel",
            "az_booking_slot_user_rel",
        ),
        ("az_booking_slot_user_rel", "column", "occurrence_id", "slot_id"),
        ("az_booking", "column", "occurrence_id", "slot_id"),
    ]
    for table, column, today, former in reversed(renames) if back else renames:
        old, new = (former, today) if back else (today, former)
        if column:
            query = SQL(
                "ALTER TABLE %s RENAME COLUMN %s TO %s",
                SQL.identifier(table),
                SQL.identifier(old),
                SQL.identifier(new),
            )
        else:
            query = SQL("ALTER TABLE %s RENAME TO %s", SQL.identifier(old), SQL.identifier(new))
        cr.execute(query)


def _migration_script(name):
    path = os.path.join(get_module_path("az_booking"), "migrations", "18.0.1.1.0", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"az_booking_{name.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestWorkshopDemo(AzBookingCommon):
    def test_demo_has_a_weekly_workshop_with_a_full_occurrence(self):
        modules = self.env["ir.module.module"].search([("name", "in", ("base", "az_booking"))])
        demo = {module.name: module.demo for module in modules}
        if not demo["base"]:
            self.skipTest("database without demo data")  # never in ./setup/test
        self.assertTrue(demo["az_booking"], "the demo data of az_booking loads")
        workshop = self.env.ref("az_booking.az_booking_type_cv_workshop_demo")
        occurrences = self.env["az.booking.occurrence"].search(
            [("type_id", "=", workshop.id), ("state", "in", ("scheduled", "full"))]
        )
        self.assertGreaterEqual(len(occurrences), 4)
        full = occurrences.filtered(lambda s: s.state == "full")
        self.assertEqual(len(full), 1)
        self.assertEqual(full.waiting_count, 1)
        self.assertEqual(len(set(s.start.weekday() for s in occurrences)), 1, "weekly")
