from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import AzBookingCommon, local, paris

MONDAY_MORNING = ["Mon 02 09:00", "Mon 02 09:30", "Mon 02 10:00", "Mon 02 10:30", "Mon 02 11:00"]
MONDAY_AFTERNOON = ["Mon 02 14:00", "Mon 02 14:30", "Mon 02 15:00", "Mon 02 15:30", "Mon 02 16:00"]


@tagged("post_install", "-at_install")
@freeze_time("2026-02-27 10:00:00")
class TestAvailability(AzBookingCommon):
    def monday_slots(self, booking_type=None, staff=None):
        booking_type = booking_type or self.type_individual
        return booking_type._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 3), staff=staff)

    def test_working_hours_give_the_slots(self):
        slots = self.monday_slots()
        self.assertEqual(self.starts(slots), MONDAY_MORNING + MONDAY_AFTERNOON)
        self.assertEqual(slots[0]["start"], paris(2026, 3, 2, 9))
        self.assertEqual(slots[0]["stop"], paris(2026, 3, 2, 10))
        self.assertEqual(slots[0]["user_ids"], [self.staff_a.id])
        self.assertEqual(slots[0]["seats_left"], 1)

    def test_weekend_has_no_slot(self):
        slots = self.type_individual._get_free_slots(paris(2026, 2, 28), paris(2026, 3, 2))
        self.assertEqual(slots, [])

    def test_staff_leave_removes_slots(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Doctor",
                "resource_id": self.staff_a.resource_ids.id,
                "calendar_id": self.calendar.id,
                "date_from": paris(2026, 3, 2, 10),
                "date_to": paris(2026, 3, 2, 11),
            }
        )
        self.assertEqual(
            self.starts(self.monday_slots()), ["Mon 02 09:00", "Mon 02 11:00"] + MONDAY_AFTERNOON
        )

    def test_public_holiday_closes_the_day_for_everyone(self):
        self.type_individual.staff_user_ids = [Command.link(self.staff_b.id)]
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": False,
                "company_id": self.company.id,
                "date_from": paris(2026, 3, 2),
                "date_to": paris(2026, 3, 3),
            }
        )
        self.assertEqual(self.monday_slots(), [])
        tuesday = self.type_individual._get_free_slots(paris(2026, 3, 3), paris(2026, 3, 4))
        self.assertEqual(len(tuesday), 10)
        self.assertEqual(tuesday[0]["user_ids"], sorted([self.staff_a.id, self.staff_b.id]))

    def test_busy_event_blocks_free_event_and_declined_do_not(self):
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        event = Event.create(
            {
                "name": "Team meeting",
                "start": paris(2026, 3, 2, 14),
                "stop": paris(2026, 3, 2, 15),
                "partner_ids": [Command.set(self.staff_a.partner_id.ids)],
                "show_as": "busy",
            }
        )
        Event.create(
            {
                "name": "Optional webinar",
                "start": paris(2026, 3, 2, 9),
                "stop": paris(2026, 3, 2, 12),
                "show_as": "free",
                "partner_ids": [Command.set(self.staff_a.partner_id.ids)],
            }
        )
        self.assertEqual(
            self.starts(self.monday_slots()),
            MONDAY_MORNING + ["Mon 02 15:00", "Mon 02 15:30", "Mon 02 16:00"],
        )
        event.attendee_ids.filtered(lambda a: a.partner_id == self.staff_a.partner_id).state = "declined"
        self.assertEqual(self.starts(self.monday_slots()), MONDAY_MORNING + MONDAY_AFTERNOON)

    def test_all_day_event_blocks_the_local_day(self):
        self.env["calendar.event"].with_context(no_mail_to_attendees=True).create(
            {
                "name": "Training",
                "allday": True,
                "start_date": "2026-03-02",
                "stop_date": "2026-03-02",
                "start": "2026-03-02 08:00:00",
                "stop": "2026-03-02 18:00:00",
                "partner_ids": [Command.set(self.staff_a.partner_id.ids)],
            }
        )
        self.assertEqual(self.monday_slots(), [])

    def test_existing_booking_blocks_its_time(self):
        self._book(self.type_individual, paris(2026, 3, 2, 10), user=self.staff_a)
        self.assertEqual(
            self.starts(self.monday_slots()), ["Mon 02 09:00", "Mon 02 11:00"] + MONDAY_AFTERNOON
        )

    def test_buffers_keep_time_around_appointments(self):
        # 30 minutes kept after each appointment: the 10:00-11:00 booking holds the staff
        # member until 11:30, and a 9:00-10:00 appointment would leave no room after it.
        self.type_individual.buffer_after = 0.5
        booking = self._book(self.type_individual, paris(2026, 3, 2, 10), user=self.staff_a)
        self.assertEqual(booking.busy_stop, paris(2026, 3, 2, 11, 30))
        self.assertEqual(self.starts(self.monday_slots()), MONDAY_AFTERNOON)

    def test_booking_of_another_staff_member_does_not_block(self):
        self._book(self.type_workshop, paris(2026, 3, 2, 9), person=self.person)
        self.assertEqual(self.starts(self.monday_slots()), MONDAY_MORNING + MONDAY_AFTERNOON)

    def test_minimum_notice_and_horizon(self):
        self.type_individual.write({"min_notice_hours": 2, "horizon_days": 1})
        with freeze_time(paris(2026, 3, 2, 9, 10)):
            slots = self.type_individual._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 5))
        # not before 11:10, not after Tuesday 9:10
        self.assertEqual(self.starts(slots), MONDAY_AFTERNOON)
        with freeze_time(paris(2026, 3, 2, 9, 10)):
            slots = self.type_individual._get_free_slots(
                paris(2026, 3, 2), paris(2026, 3, 5), apply_notice=False
            )
        self.assertEqual(len(slots), 30)

    def test_slots_stay_on_the_grid_when_the_window_starts_mid_period(self):
        slots = self.type_individual._get_free_slots(paris(2026, 3, 2, 9, 10), paris(2026, 3, 2, 15, 40))
        self.assertEqual(
            self.starts(slots),
            ["Mon 02 09:30", "Mon 02 10:00", "Mon 02 10:30", "Mon 02 11:00", "Mon 02 14:00", "Mon 02 14:30"],
        )

    def test_merge_staff_and_restrict_to_one(self):
        self.type_individual.staff_user_ids = [Command.link(self.staff_b.id)]
        self._book(self.type_individual, paris(2026, 3, 2, 9), user=self.staff_b)
        slots = self.monday_slots()
        by_start = {slot["start"]: slot["user_ids"] for slot in slots}
        self.assertEqual(by_start[paris(2026, 3, 2, 9)], [self.staff_a.id])
        self.assertEqual(by_start[paris(2026, 3, 2, 14)], sorted([self.staff_a.id, self.staff_b.id]))
        only_b = self.monday_slots(staff=self.staff_b)
        self.assertNotIn(paris(2026, 3, 2, 9), [s["start"] for s in only_b])
        self.assertTrue(all(s["user_ids"] == [self.staff_b.id] for s in only_b))

    def test_workshop_offers_its_occurrences_with_seats_left(self):
        occurrences = self.env["az.booking.occurrence"].create(
            [
                {"type_id": self.type_workshop.id, "start": paris(2026, 3, 2, 9)},
                {"type_id": self.type_workshop.id, "start": paris(2026, 3, 2, 14), "capacity": 5},
            ]
        )
        self.assertEqual(occurrences.mapped("capacity"), [3, 5], "seats default from the type")
        self._book(self.type_workshop, paris(2026, 3, 2, 9), person=self.person)
        slots = self.type_workshop._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 3))
        # the scheduled occurrences only, never start times derived from the working hours
        self.assertEqual(
            [(s["start"], s["seats_left"]) for s in slots],
            [(paris(2026, 3, 2, 9), 2), (paris(2026, 3, 2, 14), 5)],
        )
        occurrences[1].action_cancel("Facilitator ill")
        slots = self.type_workshop._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 3))
        self.assertEqual([s["start"] for s in slots], [paris(2026, 3, 2, 9)])

    def _first_slots(self, tz_name, year, month, days):
        calendar = self._make_calendar(tz_name, afternoon=False)
        staff = self._make_staff(f"az_staff_{tz_name.split('/')[1].lower()}", calendar)
        booking_type = self.type_individual.copy({"staff_user_ids": [Command.set(staff.ids)], "tz": tz_name})
        result = {}
        for day in days:
            slots = booking_type._get_free_slots(
                local(tz_name, year, month, day), local(tz_name, year, month, day + 1)
            )
            result[day] = (slots[0]["start"], self.starts(slots, tz_name))
        return result

    @freeze_time("2026-03-20 10:00:00")
    def test_dst_spring_europe_paris(self):
        # Sunday 29 March 2026 at 2:00 Paris moves from UTC+1 to UTC+2.
        result = self._first_slots("Europe/Paris", 2026, 3, [27, 30])
        self.assertEqual(result[27][0], local("UTC", 2026, 3, 27, 8))
        self.assertEqual(result[30][0], local("UTC", 2026, 3, 30, 7))
        self.assertEqual(
            result[27][1], ["Fri 27 09:00", "Fri 27 09:30", "Fri 27 10:00", "Fri 27 10:30", "Fri 27 11:00"]
        )
        self.assertEqual(
            result[30][1], ["Mon 30 09:00", "Mon 30 09:30", "Mon 30 10:00", "Mon 30 10:30", "Mon 30 11:00"]
        )

    @freeze_time("2026-10-15 10:00:00")
    def test_dst_autumn_europe_paris(self):
        # Sunday 25 October 2026 at 3:00 Paris moves from UTC+2 to UTC+1.
        result = self._first_slots("Europe/Paris", 2026, 10, [23, 26])
        self.assertEqual(result[23][0], local("UTC", 2026, 10, 23, 7))
        self.assertEqual(result[26][0], local("UTC", 2026, 10, 26, 8))
        self.assertEqual(result[26][1][0], "Mon 26 09:00")
        self.assertEqual(result[23][1][-1], "Fri 23 11:00")

    def test_overseas_timezones(self):
        expected = {
            "Indian/Reunion": local("UTC", 2026, 3, 2, 5),  # UTC+4
            "America/Cayenne": local("UTC", 2026, 3, 2, 12),  # UTC-3
            "Pacific/Noumea": local("UTC", 2026, 3, 1, 22),  # UTC+11, the day before in UTC
        }
        for tz_name, first_utc in expected.items():
            with self.subTest(tz=tz_name):
                result = self._first_slots(tz_name, 2026, 3, [2])
                self.assertEqual(result[2][0], first_utc)
                self.assertEqual(result[2][1], MONDAY_MORNING)

    def test_query_count_does_not_grow_with_staff_or_days(self):
        more_staff = [self._make_staff(f"az_staff_q{i}", self.calendar) for i in range(3)]
        small = self.type_individual
        big = self.type_individual.copy(
            {"staff_user_ids": [Command.set((self.staff_a + self.staff_b).ids + [u.id for u in more_staff])]}
        )
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        for index, user in enumerate(big.staff_user_ids):
            for day in range(2, 28, 3):
                Event.create(
                    {
                        "name": f"Busy {index}-{day}",
                        "start": paris(2026, 3, day, 10) + timedelta(minutes=10 * index),
                        "stop": paris(2026, 3, day, 11),
                        "partner_ids": [Command.set(user.partner_id.ids)],
                    }
                )

        def count(booking_type, days):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            slots = booking_type._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 2) + timedelta(days=days))
            return self.env.cr.sql_log_count - before, slots

        small_count, small_slots = count(small, 7)
        big_count, big_slots = count(big, 28)
        self.assertGreater(len(big_slots), len(small_slots))
        self.assertEqual(big_count, small_count)
        self.assertLessEqual(big_count, 8)
