"""The slot engine's working time against Odoo's own computation.

The engine expands working hours and removes leaves itself, in a constant number of queries
(``az.booking.type._read_availability_data``). These tests hold it to what
``resource.calendar._attendance_intervals_batch`` and ``_work_intervals_batch`` give for the
same resource, on schedules built to catch the plausible mistakes: two-week schedules, dated
periods, a lunch break, periods of one resource only, a period to midnight, the staff
member's timezone differing from the calendar's and from the booking type's, across the
American (8 March 2026) and European (29 March 2026) changes to summer time, public holidays
of another company, holidays of another calendar, a company's holiday on a shared calendar.

Where the engine keeps another rule on purpose, a test below says which and why:
- a staff member's own time off tied to another calendar still removes their time;
- a flexible schedule (no fixed hours) offers no slot;
- 24:00 is midnight, where core says 23:59:59.999999.
"""

from datetime import date, datetime, timedelta

import pytz

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from ..tools import intervals as iv
from .common import local, paris

START = datetime(2026, 3, 2)  # a Monday, UTC
STOP = datetime(2026, 4, 13)  # six weeks later
STAFF_GROUPS = "base.group_user,az_project_base.group_user"


def period(name, day, hour_from, hour_to, day_period="morning", **values):
    return Command.create(
        {
            "name": name,
            "dayofweek": str(day),
            "hour_from": hour_from,
            "hour_to": hour_to,
            "day_period": day_period,
            **values,
        }
    )


def section(name, week_type, sequence):
    return Command.create(
        {
            "name": name,
            "dayofweek": "0",
            "hour_from": 0,
            "hour_to": 0,
            "week_type": week_type,
            "sequence": sequence,
            "display_type": "line_section",
        }
    )


def half_hours(first, last):
    """["09:00", "09:30", ... last]"""
    hour, minute = map(int, first.split(":"))
    result = [first]
    while result[-1] != last:
        minute += 30
        hour, minute = hour + minute // 60, minute % 60
        result.append(f"{hour:02d}:{minute:02d}")
    return result


def utc_naive(core_intervals):
    """Core's intervals (aware, in the resource's timezone) as the engine's: UTC naive,
    merged. Core reads 24:00 as 23:59:59.999999, the engine as midnight: rounded here."""
    result = []
    for start, stop, _records in core_intervals:
        start, stop = (moment.astimezone(pytz.utc).replace(tzinfo=None) for moment in (start, stop))
        if stop.microsecond == 999999:
            stop += timedelta(microseconds=1)
        result.append((start, stop))
    return iv.union(result)


@tagged("post_install", "-at_install")
class TestSlotEngineParity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "AZ Parity Lyon"})
        cls.fortnight = cls.env["resource.calendar"].create(
            {
                "name": "Fortnight New York",
                "tz": "America/New_York",
                "two_weeks_calendar": True,
                "company_id": cls.company_a.id,
                "global_leave_ids": [],
                "attendance_ids": [
                    section("First week", "0", 0),
                    period("Mon morning", 0, 8, 12, week_type="0", sequence=1),
                    period("Mon lunch", 0, 12, 13, "lunch", week_type="0", sequence=2),
                    period("Mon afternoon", 0, 13, 17, "afternoon", week_type="0", sequence=3),
                    period("Tue morning", 1, 8, 12, week_type="0", sequence=4),
                    period("Thu afternoon", 3, 14, 18, "afternoon", week_type="0", sequence=5),
                    period(
                        "Fri afternoon, second half of March",
                        4,
                        14,
                        18,
                        "afternoon",
                        week_type="0",
                        sequence=6,
                        date_from=date(2026, 3, 16),
                        date_to=date(2026, 3, 27),
                    ),
                    section("Second week", "1", 25),
                    period("Mon middle", 0, 10, 16, week_type="1", sequence=26),
                    period("Wed evening", 2, 18, 24, "afternoon", week_type="1", sequence=27),
                    period("Sat morning", 5, 9, 11, week_type="1", sequence=28),
                    # imported without a week number: core counts it in the first week
                    period("Sun morning", 6, 10, 12, week_type=False, sequence=40),
                ],
            }
        )
        cls.office = cls.env["resource.calendar"].create(
            {
                "name": "Office Paris",
                "tz": "Europe/Paris",
                "company_id": cls.company_a.id,
                "global_leave_ids": [],
                "attendance_ids": [period("Morning", day, 9, 12) for day in range(5)]
                + [period("Afternoon", day, 14, 17, "afternoon") for day in (0, 1, 3, 4)]
                + [
                    # the schedule changes inside the horizon: later Wednesday afternoons
                    period("Wed afternoon", 2, 14, 17, "afternoon", date_to=date(2026, 3, 22)),
                    period("Wed late afternoon", 2, 15, 19, "afternoon", date_from=date(2026, 3, 23)),
                ],
            }
        )
        cls.shared = cls.env["resource.calendar"].create(
            {
                "name": "Shared mornings",
                "tz": "Europe/Paris",
                "company_id": False,
                "global_leave_ids": [],
                "attendance_ids": [period("Morning", day, 8, 13) for day in range(5)],
            }
        )
        cls.flexible = cls.env["resource.calendar"].create(
            {
                "name": "Flexible",
                "tz": "Europe/Paris",
                "company_id": cls.company_a.id,
                "flexible_hours": True,
                "full_time_required_hours": 35,
                "hours_per_day": 7,
                "global_leave_ids": [],
                "attendance_ids": [],
            }
        )
        # The staff members' timezones differ from their calendars' on purpose: Odoo reads
        # working hours in the resource's timezone.
        cls.fortnight_user = cls._staff("az_par_fortnight", cls.fortnight, "Europe/Paris")
        cls.reunion_user = cls._staff("az_par_reunion", cls.office, "Indian/Reunion")
        cls.paris_user = cls._staff("az_par_paris", cls.office, "Europe/Paris")
        cls.shared_a_user = cls._staff("az_par_shared_a", cls.shared, "America/Cayenne")
        cls.shared_b_user = cls._staff("az_par_shared_b", cls.shared, "Europe/Paris", cls.company_b)
        cls.switch_user = cls._staff("az_par_switch", cls.office, "Pacific/Noumea")
        cls.flexible_user = cls._staff("az_par_flexible", cls.flexible, "Europe/Paris")
        cls.office.attendance_ids = [
            period("Sat morning, Réunion only", 5, 10, 12, resource_id=cls.resource(cls.reunion_user).id)
        ]

        cls.holiday_a = cls._leave(
            cls.company_a, {"name": "Holiday A", "date_from": paris(2026, 3, 6), "date_to": paris(2026, 3, 7)}
        )
        cls.holiday_b = cls._leave(
            cls.company_b,
            {"name": "Holiday B", "date_from": paris(2026, 3, 10), "date_to": paris(2026, 3, 11)},
        )
        cls.office_holiday = cls._leave(
            cls.company_a,
            {
                "name": "Office closed",
                "calendar_id": cls.office.id,
                "date_from": paris(2026, 3, 12),
                "date_to": paris(2026, 3, 13),
            },
        )
        cls.fortnight_holiday = cls._leave(
            cls.company_a,
            {
                "name": "New York office closed",
                "calendar_id": cls.fortnight.id,
                "date_from": local("America/New_York", 2026, 3, 16),
                "date_to": local("America/New_York", 2026, 3, 17),
            },
        )
        cls.shared_holiday_a = cls._leave(
            cls.company_a,
            {
                "name": "Shared calendar, company A",
                "calendar_id": cls.shared.id,
                "date_from": paris(2026, 3, 18),
                "date_to": paris(2026, 3, 19),
            },
        )
        cls.shared_holiday_b = cls._leave(
            cls.company_b,
            {
                "name": "Shared calendar, company B",
                "calendar_id": cls.shared.id,
                "date_from": paris(2026, 3, 23),
                "date_to": paris(2026, 3, 24),
            },
        )
        cls.paris_doctor = cls._leave(
            cls.company_a,
            {
                "name": "Doctor",
                "resource_id": cls.resource(cls.paris_user).id,
                "date_from": paris(2026, 3, 17, 10, 30),
                "date_to": paris(2026, 3, 17, 15, 30),
            },
        )
        cls.paris_training = cls._leave(
            cls.company_a,
            {
                "name": "Training (worked time)",
                "resource_id": cls.resource(cls.paris_user).id,
                "time_type": "other",
                "date_from": paris(2026, 3, 19),
                "date_to": paris(2026, 3, 20),
            },
        )
        cls.reunion_time_off = cls._leave(
            cls.company_a,
            {
                "name": "Time off under another schedule",
                "resource_id": cls.resource(cls.reunion_user).id,
                "calendar_id": cls.fortnight.id,
                "date_from": local("Indian/Reunion", 2026, 3, 24),
                "date_to": local("Indian/Reunion", 2026, 3, 27),
            },
        )
        cls.switch_time_off = cls._leave(
            cls.company_a,
            {
                "name": "Time off",
                "resource_id": cls.resource(cls.switch_user).id,
                "date_from": local("Pacific/Noumea", 2026, 3, 2),
                "date_to": local("Pacific/Noumea", 2026, 3, 4),
            },
        )
        project = cls.env["project.project"].create({"name": "Parity"})
        cls.type = cls.env["az.booking.type"].create(
            {
                "name": "Parity check",
                "project_id": project.id,
                "duration": 1.0,
                "slot_step": 0.5,
                "staff_user_ids": [Command.set(cls.staff().ids)],
                "min_notice_hours": 0,
                "horizon_days": 3650,
                "tz": "America/Martinique",  # the timezone slots are shown in, no one works in it
            }
        )

    @classmethod
    def _leave(cls, company, values):
        """A leave made by a user working in ``company``: its company is computed from its
        calendar, else the current company, when the record is flushed."""
        leave = cls.env["resource.calendar.leaves"].with_company(company).create(values)
        leave.env.flush_all()
        return leave.with_env(cls.env)

    @classmethod
    def _staff(cls, login, calendar, tz_name, company=None):
        company = company or cls.company_a
        user = new_test_user(
            cls.env,
            login=login,
            groups=STAFF_GROUPS,
            tz=tz_name,
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a | company).ids)],
        )
        cls.env["resource.resource"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "calendar_id": calendar.id,
                "tz": tz_name,
                "company_id": company.id,
            }
        )
        return user

    @classmethod
    def staff(cls):
        return (
            cls.fortnight_user
            | cls.reunion_user
            | cls.paris_user
            | cls.shared_a_user
            | cls.shared_b_user
            | cls.switch_user
            | cls.flexible_user
        )

    @staticmethod
    def resource(user):
        return user.resource_ids

    # ------------------------------------------------------------------------------------
    def engine(self, staff=None, window=(START, STOP)):
        """Per staff member id: (working periods, working time) of the engine over the
        window, UTC naive."""
        per_user, _seats, _holders = self.type._get_available_intervals(*window, staff)
        return {
            user_id: (iv.clip(avail["frames"], *window), iv.clip(avail["work"], *window))
            for user_id, avail in per_user.items()
        }

    def core(self, user, window=(START, STOP)):
        """(working periods, working time) Odoo computes for the resource of ``user`` on its
        calendar over the window, UTC naive."""
        resource = self.resource(user)
        calendar = resource.calendar_id
        start, stop = (pytz.utc.localize(moment) for moment in window)
        periods = calendar._attendance_intervals_batch(start, stop, resources=resource)[resource.id]
        work = calendar._work_intervals_batch(start, stop, resources=resource)[resource.id]
        return utc_naive(periods), utc_naive(work)

    def own_leaves_of_other_calendars(self, user):
        resource = self.resource(user)
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("resource_id", "=", resource.id),
                ("time_type", "=", "leave"),
                ("calendar_id", "not in", [False, resource.calendar_id.id]),
            ]
        )
        return iv.union([(leave.date_from, leave.date_to) for leave in leaves])

    def day_starts(self, user, year, month, day):
        """Slot starts of ``user`` on a local day of their own timezone, as wall-clock
        strings of that timezone (what the staff member reads in their agenda)."""
        tz_name = self.resource(user).tz
        first = local(tz_name, year, month, day)
        slots = self.type._get_free_slots(
            first,
            local(tz_name, *(date(year, month, day) + timedelta(days=1)).timetuple()[:3]),
            staff=user,
            apply_notice=False,
        )
        zone = pytz.timezone(tz_name)
        return [pytz.utc.localize(slot["start"]).astimezone(zone).strftime("%H:%M") for slot in slots]

    # ------------------------------------------------------------------------------------
    def test_working_time_equals_core_for_every_staff_member(self):
        self.assertEqual((self.holiday_b | self.shared_holiday_b).company_id, self.company_b)
        self.assertEqual((self.holiday_a | self.shared_holiday_a).company_id, self.company_a)
        engine = self.engine()
        for user in self.staff() - self.flexible_user:
            with self.subTest(staff=user.login):
                core_periods, core_work = self.core(user)
                self.assertTrue(core_periods, "the case must have working hours")
                periods, work = engine[user.id]
                self.assertEqual(periods, core_periods)
                # the one rule kept on purpose: see test_own_time_off_under_another_calendar
                self.assertEqual(work, iv.subtract(core_work, self.own_leaves_of_other_calendars(user)))

    def test_one_staff_member_alone_gives_the_same_working_time(self):
        together = self.engine()
        for user in self.staff() - self.flexible_user:
            with self.subTest(staff=user.login):
                self.assertEqual(self.engine(user)[user.id], together[user.id])

    def test_what_the_staff_members_see(self):
        """The same cases by hand, as the starts of one-hour slots every half hour in each
        staff member's own timezone: they do not depend on core."""
        u = self
        paris_day = half_hours("09:00", "11:00") + half_hours("14:00", "16:00")
        mornings = half_hours("08:00", "12:00")
        cases = [
            # two-week schedule, first week: the lunch break is not worked
            (u.fortnight_user, 3, 2, half_hours("08:00", "11:00") + half_hours("13:00", "16:00")),
            # the Sunday period without week number: first weeks only
            (u.fortnight_user, 3, 8, half_hours("10:00", "11:00")),
            (u.fortnight_user, 3, 15, []),
            # second week: Monday 10-16, Wednesday evening to midnight, Saturday morning
            (u.fortnight_user, 3, 9, half_hours("10:00", "15:00")),
            (u.fortnight_user, 3, 11, half_hours("18:00", "23:00")),
            (u.fortnight_user, 3, 14, half_hours("09:00", "10:00")),
            # the Friday period of 16-27 March: 20 March only (27 March is a second week)
            (u.fortnight_user, 3, 20, half_hours("14:00", "17:00")),
            (u.fortnight_user, 3, 27, []),
            (u.fortnight_user, 4, 3, []),
            # the holiday of the New York calendar, Monday 16 March (first week)
            (u.fortnight_user, 3, 16, []),
            # company A's public holiday, 6 March in Paris: all of Réunion's working day
            (u.reunion_user, 3, 6, []),
            # company B's public holiday does not apply to company A's staff
            (u.reunion_user, 3, 10, paris_day),
            (u.reunion_user, 3, 12, []),  # the office calendar's holiday
            (u.reunion_user, 3, 14, half_hours("10:00", "11:00")),  # her own Saturday period
            (u.paris_user, 3, 14, []),
            # the Wednesday afternoons change on 23 March; the shared calendar's holiday of
            # 18 March is not the office's
            (u.paris_user, 3, 18, paris_day),
            (u.paris_user, 3, 25, half_hours("09:00", "11:00") + half_hours("15:00", "18:00")),
            (u.paris_user, 3, 17, ["09:00", "09:30", "15:30", "16:00"]),  # at the doctor's
            (u.paris_user, 3, 19, paris_day),  # a training is worked time
            # shared calendar: the holiday company A recorded on it for A's staff, company
            # B's for B's
            (u.shared_a_user, 3, 18, []),
            (u.shared_a_user, 3, 23, mornings),
            (u.shared_b_user, 3, 18, mornings),
            (u.shared_b_user, 3, 23, []),
            (u.shared_b_user, 3, 10, []),  # company B's public holiday
            (u.shared_b_user, 3, 6, mornings),  # not company A's
        ]
        for user, month, day, expected in cases:
            with self.subTest(staff=user.login, month=month, day=day):
                self.assertEqual(self.day_starts(user, 2026, month, day), expected)

    def test_own_time_off_under_another_calendar(self):
        """Documented difference. Réunion's time off of 24-26 March is tied to the New York
        calendar (hr_holidays ties a time off to the schedule in force on its first day,
        which with contracts may not be the current one). Core, computing the office
        calendar, ignores it; the engine, which knows the current calendar only, keeps
        the person away."""
        span = [(self.reunion_time_off.date_from, self.reunion_time_off.date_to)]
        _periods, core_work = self.core(self.reunion_user)
        self.assertTrue(iv.intersect(core_work, span), "core counts these days as worked")
        _periods, work = self.engine(self.reunion_user)[self.reunion_user.id]
        self.assertEqual(iv.intersect(work, span), [])
        for day in (24, 25, 26):
            self.assertEqual(self.day_starts(self.reunion_user, 2026, 3, day), [])
        self.assertEqual(len(self.day_starts(self.reunion_user, 2026, 3, 27)), 10)

    def test_calendar_change_applies_to_the_whole_window_as_core_without_contracts(self):
        """Without hr_contract, a resource has one calendar at a time: core's resource-level
        computation (_get_valid_work_intervals) uses the current one over any window, and
        so does the engine. The resource's own leaves follow it (their calendar is
        recomputed), so the time off of 2-3 March is kept after the change."""
        user = self.switch_user
        before = self.engine(user)[user.id][1]
        self.assertEqual(before, self.core(user)[1])
        resource = self.resource(user)
        resource.calendar_id = self.fortnight
        self.assertEqual(self.switch_time_off.calendar_id, self.fortnight)
        start, stop = pytz.utc.localize(START), pytz.utc.localize(STOP)
        core_work = utc_naive(resource._get_valid_work_intervals(start, stop)[0][resource.id])
        self.assertEqual(core_work, self.core(user)[1])
        periods, work = self.engine(user)[user.id]
        self.assertNotEqual(work, before)
        self.assertEqual(periods, self.core(user)[0])
        self.assertEqual(work, core_work)
        # the fortnight's second-week Monday (10:00-16:00) is read in Nouméa's time
        self.assertEqual(self.day_starts(user, 2026, 3, 9)[0], "10:00")
        self.assertEqual(self.day_starts(user, 2026, 3, 2), [])  # time off

    def test_night_periods_on_the_nights_of_the_clock_changes(self):
        """Sunday 2:30-6:00 in Paris: on 29 March 2:30 does not exist, on 25 October it
        exists twice. Both are read with the offset of winter time, as core does."""
        night = self.env["resource.calendar"].create(
            {
                "name": "Sunday night",
                "tz": "Europe/Paris",
                "company_id": self.company_a.id,
                "global_leave_ids": [],
                "attendance_ids": [period("Night", 6, 2.5, 6)],
            }
        )
        user = self._staff("az_par_night", night, "Europe/Paris")
        self.type.staff_user_ids = [Command.link(user.id)]
        expected = {
            (datetime(2026, 3, 23), datetime(2026, 4, 6)): [
                (datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 4)),
                (datetime(2026, 4, 5, 0, 30), datetime(2026, 4, 5, 4)),
            ],
            (datetime(2026, 10, 19), datetime(2026, 11, 2)): [
                (datetime(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 5)),
                (datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 5)),
            ],
        }
        for window, periods in expected.items():
            with self.subTest(window=window):
                self.assertEqual(self.core(user, window), (periods, periods))
                self.assertEqual(self.engine(user, window)[user.id], (periods, periods))

    def test_flexible_hours_offer_nothing(self):
        """Documented difference: core spreads the hours of a flexible schedule around noon
        to count time off; there are no fixed hours to offer, so the engine offers none."""
        self.assertTrue(self.core(self.flexible_user)[1])
        self.assertNotIn(self.flexible_user.id, self.engine())
        self.assertEqual(self.day_starts(self.flexible_user, 2026, 3, 2), [])

    def test_query_count_does_not_depend_on_the_schedules(self):
        def count(staff):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.type._get_available_intervals(START, STOP, staff)
            return self.env.cr.sql_log_count - before

        self.assertEqual(count(self.paris_user), count(self.staff()))
