"""Several transactions book the same slot at the same instant, as several Odoo workers
would. The data is committed in separate cursors (a single test transaction cannot show
concurrency) and removed afterwards."""

import contextlib
import random
import threading
import time
import uuid
from datetime import date, timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError, OperationalError

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.az_booking_availability_mixin import AzBookingAvailabilityMixin
from .common import paris

SLOT_TAKEN = "This slot is no longer available"
ALREADY_BOOKED = "already has a booking of this type at this time"


class ConcurrentBookingsCommon(TransactionCase):
    """Staff, types and people committed for concurrent transactions, removed afterwards."""

    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:8]
        monday = date.today() + timedelta(days=7 + (-date.today().weekday()) % 7)
        self.start = paris(monday.year, monday.month, monday.day, 9)
        self.ids = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"no_reset_password": True})
            calendar = env["resource.calendar"].create(
                {
                    "name": f"Concurrency {self.tag}",
                    "tz": "Europe/Paris",
                    "attendance_ids": [
                        Command.create(
                            {
                                "name": "Day",
                                "dayofweek": str(day),
                                "hour_from": 9.0,
                                "hour_to": 17.0,
                                "day_period": "morning",
                            }
                        )
                        for day in range(5)
                    ],
                }
            )
            staff = env["res.users"].create(
                {
                    "name": f"Staff {self.tag}",
                    "login": f"az_concurrency_{self.tag}",
                    "groups_id": [
                        Command.set([env.ref("base.group_user").id, env.ref("az_project_base.group_user").id])
                    ],
                }
            )
            resource = env["resource.resource"].create(
                {
                    "name": staff.name,
                    "user_id": staff.id,
                    "calendar_id": calendar.id,
                    "tz": "Europe/Paris",
                }
            )
            project = env["project.project"].create({"name": f"Concurrency {self.tag}"})
            common = {
                "project_id": project.id,
                "staff_user_ids": [Command.set(staff.ids)],
                "assignment": "specific",
                "specific_user_id": staff.id,
                "min_notice_hours": 0,
                "horizon_days": 3650,
                "tz": "Europe/Paris",
            }
            individual = env["az.booking.type"].create(
                {"name": f"Individual {self.tag}", "duration": 1.0, **common}
            )
            workshop = env["az.booking.type"].create(
                {"name": f"Workshop {self.tag}", "duration": 2.0, "capacity": 3, **common}
            )
            staff_2 = env["res.users"].create(
                {
                    "name": f"Staff 2 {self.tag}",
                    "login": f"az_concurrency_2_{self.tag}",
                    "groups_id": [
                        Command.set([env.ref("base.group_user").id, env.ref("az_project_base.group_user").id])
                    ],
                }
            )
            resource_2 = env["resource.resource"].create(
                {
                    "name": staff_2.name,
                    "user_id": staff_2.id,
                    "calendar_id": calendar.id,
                    "tz": "Europe/Paris",
                }
            )
            two_staff = env["az.booking.type"].create(
                {
                    "name": f"Two staff {self.tag}",
                    "duration": 1.0,
                    **dict(
                        common,
                        assignment="least_loaded",
                        specific_user_id=False,
                        staff_user_ids=[Command.set((staff | staff_2).ids)],
                    ),
                }
            )
            people = env["res.partner"].create(
                [
                    {"name": f"Person {i} {self.tag}", "email": f"p{i}.{self.tag}@example.com"}
                    for i in range(6)
                ]
            )
            self.ids = {
                "calendar": calendar.id,
                "staff": staff.id,
                "resource": resource.id,
                "project": project.id,
                "individual": individual.id,
                "workshop": workshop.id,
                "people": people.ids,
                "staff_2": staff_2.id,
                "resource_2": resource_2.id,
                "two_staff": two_staff.id,
            }
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            type_ids = (self.ids["individual"], self.ids["workshop"], self.ids["two_staff"])
            cr.execute("SELECT event_id FROM az_booking WHERE type_id IN %s", [type_ids])
            event_ids = [row[0] for row in cr.fetchall() if row[0]]
            cr.execute("DELETE FROM az_booking WHERE type_id IN %s", [type_ids])
            cr.execute("SELECT event_id FROM az_booking_occurrence WHERE type_id IN %s", [type_ids])
            event_ids += [row[0] for row in cr.fetchall() if row[0]]
            cr.execute("DELETE FROM az_booking_occurrence WHERE type_id IN %s", [type_ids])
            env["calendar.event"].browse(event_ids).unlink()
            env["az.booking.type"].browse(type_ids).unlink()
            env["project.project"].browse(self.ids["project"]).unlink()
            env["resource.resource"].browse([self.ids["resource"], self.ids["resource_2"]]).unlink()
            env["resource.calendar"].browse(self.ids["calendar"]).unlink()
            staff = env["res.users"].browse([self.ids["staff"], self.ids["staff_2"]])
            partners = staff.partner_id
            staff.unlink()
            (env["res.partner"].browse(self.ids["people"]) | partners).unlink()

    def _race(self, type_key, count, context=None, same_person=False, hook="_is_available", values=None):
        """``count`` transactions book the same slot at once. Each first checks the slot
        in Python (all of them see it free: the check waits until every transaction has
        made it), then writes. A transaction that meets a serialization failure is
        retried with fresh data, as Odoo does for every request."""
        # one person's requests queue on the person's lock before they check: the first
        # goes on alone after a short wait
        barrier = threading.Barrier(count, timeout=5 if same_person else 30)
        checked = threading.local()
        original = getattr(AzBookingAvailabilityMixin, hook)

        def is_available(type_self, *args, **kwargs):
            result = original(type_self, *args, **kwargs)
            if not getattr(checked, "done", False):
                checked.done = True
                # the others may wait for a lock this one holds: then it goes on alone
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
            return result

        results = []
        dbname = self.env.cr.dbname

        def attempt(person_id):
            threading.current_thread().dbname = dbname
            last_error = None
            for _try in range(20):
                with self.registry.cursor() as cr:
                    # the loading thread holds the registry lock: hand the registry over
                    # instead of letting the environment look it up
                    cr.transaction = api.Transaction(self.registry)
                    env = api.Environment(cr, self.ids["staff"], dict(context or {}))
                    try:
                        # the one-time key is written by the website controller, as sudo
                        model = env["az.booking"].sudo() if values else env["az.booking"]
                        booking = model.create(
                            {
                                "type_id": self.ids[type_key],
                                "partner_id": person_id,
                                "start": self.start,
                                **(values or {}),
                            }
                        )
                        state = booking.state
                        cr.commit()  # pylint: disable=invalid-commit  # concurrent transactions of their own
                        results.append(("ok", state))
                        return
                    except UserError as error:
                        cr.rollback()
                        results.append(("refused", str(error)))
                        return
                    except IntegrityError as error:
                        cr.rollback()
                        results.append(("duplicate", error.diag.constraint_name))
                        return
                    except OperationalError as error:
                        cr.rollback()
                        last_error = error
                        if not isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                            results.append(("crash", repr(error)))
                            return
                time.sleep(random.uniform(0.0, 0.05 * 2 ** min(_try, 4)))
            results.append(("crash", f"too many retries: {last_error!r}"))

        people = [self.ids["people"][0]] * count if same_person else self.ids["people"][:count]
        threads = [threading.Thread(target=attempt, args=(person_id,)) for person_id in people]
        with patch.object(AzBookingAvailabilityMixin, hook, is_available), mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse([t for t in threads if t.is_alive()], "a booking transaction hung")
        return results

    def _held(self, type_key):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*), COALESCE(SUM(seats), 0) FROM az_booking "
                "WHERE type_id = %s AND start = %s AND state IN ('requested', 'confirmed')",
                [self.ids[type_key], self.start],
            )
            return cr.fetchone()


@tagged("post_install", "-at_install")
class TestConcurrentBookings(ConcurrentBookingsCommon):
    def test_individual_slot_goes_to_exactly_one_person(self):
        results = self._race("individual", 4)
        self.assertEqual(sorted(r[0] for r in results), ["ok", "refused", "refused", "refused"], results)
        for kind, message in results:
            if kind == "refused":
                self.assertIn(SLOT_TAKEN, message)
        self.assertEqual(self._held("individual"), (1, 1))

    def test_workshop_never_exceeds_its_seats(self):
        results = self._race("workshop", 5, context={"az_booking_no_waiting": True})
        self.assertEqual(sorted(r[0] for r in results), ["ok"] * 3 + ["refused"] * 2)
        self.assertTrue(all(SLOT_TAKEN in msg for kind, msg in results if kind == "refused"))
        self.assertEqual(self._held("workshop"), (3, 3))

    def test_workshop_overflow_goes_to_the_waiting_list(self):
        results = self._race("workshop", 5)
        self.assertEqual(sorted(results), [("ok", "confirmed")] * 3 + [("ok", "waiting")] * 2)
        self.assertEqual(self._held("workshop"), (3, 3))

    def test_website_requests_for_the_last_seats_of_a_occurrence(self):
        """Five visitors ask at once for the last three seats of a scheduled occurrence (one
        seat of four already taken): exactly three get one, nobody goes over."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            occurrence = env["az.booking.occurrence"].create(
                {
                    "type_id": self.ids["workshop"],
                    "start": self.start,
                    "capacity": 4,
                    "stop": self.start + timedelta(hours=3),
                }
            )
            env["az.booking"].create(
                {"type_id": self.ids["workshop"], "start": self.start, "partner_id": self.ids["people"][5]}
            )
            occurrence_id = occurrence.id
        results = self._race(
            "workshop",
            5,
            hook="_get_occurrence_slots",
            context={"az_booking_no_waiting": True},
            values={"booked_by_kind": "self"},
        )
        self.assertEqual(sorted(r[0] for r in results), ["ok"] * 3 + ["refused"] * 2, results)
        self.assertTrue(all(SLOT_TAKEN in msg for kind, msg in results if kind == "refused"))
        self.assertEqual(self._held("workshop"), (4, 4))
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT seats_taken, state, stop FROM az_booking_occurrence WHERE id = %s", [occurrence_id]
            )
            self.assertEqual(cr.fetchone(), (4, "full", self.start + timedelta(hours=3)))

    def test_one_person_never_holds_two_staff_at_once(self):
        """The same person sent four times at once on a type where two staff members are
        free (each request picks the least loaded one): one booking."""
        results = self._race("two_staff", 4, same_person=True, hook="_pick_least_loaded")
        self.assertEqual(sorted(r[0] for r in results), ["ok", "refused", "refused", "refused"], results)
        for kind, message in results:
            if kind == "refused":
                self.assertRegex(message, f"{ALREADY_BOOKED}|{SLOT_TAKEN}")
        self.assertEqual(self._held("two_staff"), (1, 1))

    def test_one_person_never_holds_two_seats_of_a_workshop(self):
        results = self._race("workshop", 4, same_person=True)
        self.assertEqual(sorted(r[0] for r in results), ["ok", "refused", "refused", "refused"], results)
        self.assertTrue(all(ALREADY_BOOKED in msg for kind, msg in results if kind == "refused"))
        self.assertEqual(self._held("workshop"), (1, 1))
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM az_booking WHERE type_id = %s AND state = 'waiting'",
                [self.ids["workshop"]],
            )
            self.assertEqual(cr.fetchone()[0], 0, "nor a seat and a waiting-list place")

    def test_one_submission_key_makes_one_booking(self):
        """The same website form sent three times at once (each sending for another
        contact, so that only the one-time key can stop it): one booking."""
        results = self._race(
            "workshop",
            3,
            values={"submission_key": f"key-{self.tag}" * 3},
            context={"az_booking_no_waiting": True},
        )
        self.assertEqual(sorted(r[0] for r in results), ["duplicate", "duplicate", "ok"], results)
        self.assertTrue(
            all(r[1] == "az_booking_submission_key_unique" for r in results if r[0] == "duplicate"), results
        )
        self.assertEqual(self._held("workshop"), (1, 1))
