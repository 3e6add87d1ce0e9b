"""One person stays one person under concurrency, and nothing deadlocks: several
transactions of their own (as several Odoo workers) book for the same typed address, send
the same form, leave a waiting list while a seat frees, or book twice for one logged-in
person, at the same instant. A deadlock is counted even when a retry would have mended it:
it is a latency spike and an error in the server's log."""

import contextlib
import threading
import uuid
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_concurrency import ALREADY_BOOKED, SLOT_TAKEN, ConcurrentBookingsCommon


@tagged("post_install", "-at_install")
class TestConcurrentPeople(ConcurrentBookingsCommon):
    def setUp(self):
        self.addCleanup(self._remove_typed_contacts)  # after the bookings are removed
        super().setUp()

    def _remove_typed_contacts(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.partner"].with_context(active_test=False).search(
                [("email", "=ilike", f"%{self.tag}@example.com"), ("az_booking_typed", "=", True)]
            ).unlink()

    def _at_once(self, jobs, pause_at=None):
        """Run each of ``jobs`` (a function of an environment, returning what to record) in
        a transaction of its own, all at the same instant, and return ``(results,
        deadlocks)``. A transaction that meets a concurrency error is rolled back and run
        again, as Odoo does for a request; ``deadlocks`` counts the DeadlockDetected among
        them. ``pause_at`` (class, method name): each transaction waits there, the first
        time, until all have reached it (or 3 s have passed), so that they truly overlap."""
        barrier = threading.Barrier(len(jobs), timeout=3)
        paused = threading.local()
        deadlocks = []
        results = [None] * len(jobs)
        dbname = self.env.cr.dbname

        def pause():
            if not getattr(paused, "done", False):
                paused.done = True
                # the others may wait for a lock this one holds: then it goes on alone
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()

        def run(index, job):
            threading.current_thread().dbname = dbname
            for _try in range(10):
                with self.registry.cursor() as cr:
                    cr.transaction = api.Transaction(self.registry)
                    # e-mails go through the queue: sending them at once after the commit
                    # would wait for the registry the test run holds
                    env = api.Environment(cr, SUPERUSER_ID, {"mail_notify_force_send": False})
                    try:
                        result = job(env)
                        cr.commit()  # pylint: disable=invalid-commit  # concurrent transactions of their own
                        results[index] = result
                        return
                    except UserError as error:
                        cr.rollback()
                        results[index] = ("refused", str(error))
                        return
                    except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                        cr.rollback()
                        if isinstance(error, pg_errors.DeadlockDetected):
                            deadlocks.append(index)
            results[index] = ("crash", "too many retries")

        patcher = None
        if pause_at:
            cls, name = pause_at
            original = getattr(cls, name)

            def paused_method(*args, **kwargs):
                result = original(*args, **kwargs)
                pause()
                return result

            patcher = patch.object(cls, name, paused_method)
            patcher.start()
        threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
        try:
            with mute_logger("odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
        finally:
            if patcher:
                patcher.stop()
        self.assertFalse([t for t in threads if t.is_alive()], "a transaction hung")
        return results, deadlocks

    def _website_request(self, name, email, key=None):
        return {
            "start": self.start,
            "name": name,
            "email": email,
            "email_normalized": email.lower(),
            "phone_e164": False,
            "answers": {},
            "submission_key": key or uuid.uuid4().hex,
            "waiting_list": False,
            "staff_id": False,
        }

    def _website_job(self, request, type_key="two_staff"):
        def job(env):
            public = env.ref("base.public_user")
            Booking = env["az.booking"].with_user(public)
            booking_type = env["az.booking.type"].browse(self.ids[type_key])
            try:
                booking, created = Booking._book_from_website_once(booking_type, request)
            except (pg_errors.UniqueViolation, pg_errors.ExclusionViolation) as error:
                return ("refused", env["az.booking"]._exclusion_message(error))
            return ("ok", booking.id, created)

        return job

    def _active_bookings(self, type_key):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT b.id, p.email FROM az_booking b JOIN res_partner p ON p.id = b.partner_id "
                "WHERE b.type_id = %s AND b.state IN ('waiting', 'requested', 'confirmed') ORDER BY b.id",
                [self.ids[type_key]],
            )
            return cr.fetchall()

    def test_the_same_typed_address_twice_at_once_is_one_booking(self):
        """The same person types their e-mail twice at once (once with a capital letter and
        another spelling of their name), on a type where two staff members are free: one
        booking; the other sending is refused as it is one after the other."""
        email = f"amel.{self.tag}@example.com"
        requests = [
            self._website_request("Amel Benali", email),
            self._website_request("amel benali", email.replace("amel", "Amel")),
        ]
        results, deadlocks = self._at_once(
            [self._website_job(r) for r in requests],
            pause_at=(type(self.env["az.booking"]), "_match_website_partner"),
        )
        self.assertEqual(sorted(r[0] for r in results), ["ok", "refused"], results)
        refusal = next(r for r in results if r[0] == "refused")
        # at once, the staff member may be met first: the time is taken either way
        self.assertRegex(refusal[1], f"{ALREADY_BOOKED}|{SLOT_TAKEN}")
        self.assertEqual(len(self._active_bookings("two_staff")), 1)
        self.assertFalse(deadlocks)
        # one after the other, the same: refused
        results, _deadlocks = self._at_once([self._website_job(self._website_request("Amel B.", email))])
        self.assertEqual(results[0][0], "refused", results)
        self.assertIn(ALREADY_BOOKED, results[0][1])
        self.assertEqual(len(self._active_bookings("two_staff")), 1)

    def test_one_form_sent_twice_at_once_answers_both_with_the_booking(self):
        """One form key posted twice at the same instant: both answers are the one booking
        made, none a refusal."""
        key = uuid.uuid4().hex
        email = f"form.{self.tag}@example.com"
        requests = [self._website_request("Léa Martin", email, key) for _i in range(2)]
        results, deadlocks = self._at_once(
            [self._website_job(r, "individual") for r in requests],
            pause_at=(type(self.env["az.booking"]), "_match_website_partner"),
        )
        self.assertEqual([r[0] for r in results], ["ok", "ok"], results)
        self.assertEqual(results[0][1], results[1][1], "both show the same booking")
        self.assertEqual(sorted(r[2] for r in results), [False, True])
        self.assertEqual(len(self._active_bookings("individual")), 1)
        self.assertFalse(deadlocks)

    def test_a_logged_in_person_booking_twice_at_once_never_deadlocks(self):
        """One person books twice at the same instant, each request with another free staff
        member of the type (as when the person picks the staff member): one booking, one
        clear refusal, and no deadlock on the way (each request writes its booking again
        after inserting it, and would wait for the other's row at the one-person rule)."""
        person = self.ids["people"][0]

        def book_with(staff_key):
            def job(env):
                booking = env["az.booking"].create(
                    {
                        "type_id": self.ids["two_staff"],
                        "partner_id": person,
                        "user_id": self.ids[staff_key],
                        "start": self.start,
                        "booked_by_kind": "self",
                        "booked_by_id": person,
                    }
                )
                return ("ok", booking.id)

            return job

        results, deadlocks = self._at_once(
            [book_with("staff"), book_with("staff_2")],
            pause_at=(type(self.env["az.booking"]), "_lock_staff"),
        )
        self.assertEqual(sorted(r[0] for r in results), ["ok", "refused"], results)
        refusal = next(r for r in results if r[0] == "refused")
        self.assertIn(ALREADY_BOOKED, refusal[1])
        self.assertEqual(len(self._active_bookings("two_staff")), 1)
        self.assertFalse(deadlocks, "a request of one person deadlocked with another")

    def test_leaving_the_waiting_list_while_the_seat_frees_never_deadlocks(self):
        """A one-seat workshop occurrence: its seat holder cancels while the person on its
        waiting list leaves it, at the same instant. Both end cancelled, the seat is free,
        and neither transaction deadlocked."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            occurrence = env["az.booking.occurrence"].create(
                {
                    "type_id": self.ids["workshop"],
                    "start": self.start,
                    "capacity": 1,
                    "stop": self.start + timedelta(hours=2),
                }
            )
            Booking = env["az.booking"]
            holder = Booking.create(
                {"type_id": self.ids["workshop"], "start": self.start, "partner_id": self.ids["people"][0]}
            )
            waiting = Booking.create(
                {"type_id": self.ids["workshop"], "start": self.start, "partner_id": self.ids["people"][1]}
            )
            self.assertEqual((holder.state, waiting.state), ("confirmed", "waiting"))
            occurrence_id, holder_id, waiting_id = occurrence.id, holder.id, waiting.id

        def cancel(booking_id):
            def job(env):
                booking = env["az.booking"].browse(booking_id)
                if booking.state == "cancelled":
                    return ("ok", "already")
                booking.action_cancel(cancel_by="person", reason="Empêchement")
                return ("ok", booking_id)

            return job

        results, deadlocks = self._at_once(
            [cancel(holder_id), cancel(waiting_id)],
            pause_at=(type(self.env["az.booking.occurrence"]), "_update_seats"),
        )
        self.assertEqual([r[0] for r in results], ["ok", "ok"], results)
        self.assertFalse(deadlocks, "leaving the waiting list deadlocked with the cancelled seat")
        with self.registry.cursor() as cr:
            cr.execute("SELECT state FROM az_booking WHERE id IN %s ORDER BY id", [(holder_id, waiting_id)])
            self.assertEqual([row[0] for row in cr.fetchall()], ["cancelled", "cancelled"])
            cr.execute("SELECT seats_taken FROM az_booking_occurrence WHERE id = %s", [occurrence_id])
            self.assertEqual(cr.fetchone()[0], 0)
