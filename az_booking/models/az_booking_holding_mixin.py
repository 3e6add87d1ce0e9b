import contextlib

from psycopg2 import errors as pg_errors

from odoo import fields, models
from odoo.exceptions import UserError

# Namespaces of the advisory locks taken per staff member, per person and per address
# typed on the website (any fixed 32-bit numbers).
STAFF_LOCK_KEY = 0x0A2B0001
PERSON_LOCK_KEY = 0x0A2B0002
ADDRESS_LOCK_KEY = 0x0A2B0003
# Exclusion constraints of the bookings' table (declared in ``az.booking``'s
# ``_sql_constraints``, named ``<table>_<key>`` by Odoo).
STAFF_CONSTRAINT = "az_booking_no_double_booking"
PERSON_CONSTRAINT = "az_booking_one_per_person"
ADDRESS_CONSTRAINT = "az_booking_one_per_typed_address"


class AzBookingHoldingMixin(models.AbstractModel):
    """The time a booking holds: the staff member chosen and the slot checked free (by the
    availability engine), the staff member's lock, and the database's refusal of a double
    booking turned into a clear message. A workshop seat is held by its occurrence
    (``az.booking.occurrence._hold_seat``)."""

    _name = "az.booking.holding.mixin"
    _description = "Time held by a booking"

    def _slot_taken_message(self):
        return self.env._("This slot is no longer available. Please choose another one.")

    def _already_booked_message(self):
        return self.env._(
            "This person already has a booking of this type at this time (or a seat in this workshop)."
        )

    def _exclusion_message(self, error):
        if getattr(error.diag, "constraint_name", None) in (PERSON_CONSTRAINT, ADDRESS_CONSTRAINT):
            return self._already_booked_message()
        return self._slot_taken_message()

    def _slot_guard(self):
        """Context manager turning the database's refusal of a double booking into a clear
        error for the user, in a savepoint of its own; none when the caller rolls the
        whole transaction back on a refusal (``az_booking_caller_rolls_back``: the website
        booking, whose contact goes with it)."""
        booking_model = self
        if self.env.context.get("az_booking_caller_rolls_back"):
            return contextlib.nullcontext()

        class _Guard:
            def __enter__(self):
                self.savepoint = booking_model.env.cr.savepoint()
                self.savepoint.__enter__()
                return self

            def __exit__(self, exc_type, exc, tb):
                try:
                    self.savepoint.__exit__(exc_type, exc, tb)
                except pg_errors.ExclusionViolation as error:
                    booking_model.env.transaction.clear()
                    raise UserError(booking_model._exclusion_message(error)) from error
                if isinstance(exc, pg_errors.ExclusionViolation):
                    booking_model.env.transaction.clear()
                    raise UserError(booking_model._exclusion_message(exc)) from exc
                return False

        return _Guard()

    def _prepare_slot_vals(self, booking_type, vals):
        """Choose the staff member, check the slot is free and, for a workshop, take the
        lock of its occurrence and decide between a seat and the waiting list."""
        if booking_type.is_collective:
            return self.env["az.booking.occurrence"]._hold_seat(booking_type, vals)
        start = fields.Datetime.to_datetime(vals["start"])
        stop = fields.Datetime.to_datetime(vals["stop"])
        check = not self.env.context.get("az_booking_skip_check")
        self_booking = vals.get("booked_by_kind") == "self"
        if not vals.get("user_id"):
            if booking_type.assignment == "specific":
                vals["user_id"] = booking_type.specific_user_id.id
                # staff chose the time for the type's one staff member; a person booking
                # by themselves gets the engine's check below
                check = check and self_booking
            else:
                # the staff members' loads are read with the slot
                slot = booking_type.with_context(az_booking_loads_around=start)._find_free_slot(
                    start, stop, include_full=True, apply_notice=self_booking
                )
                if not slot:
                    raise UserError(self._slot_taken_message())
                vals["user_id"] = booking_type._pick_least_loaded(slot["user_ids"], start, slot.get("loads"))
                check = False  # the slot comes from the engine
        if check:
            user = self.env["res.users"].browse(vals["user_id"])
            if self_booking:
                ok = bool(booking_type._find_free_slot(start, stop, staff=user, include_full=True))
            else:
                ok = booking_type._is_available(user, start, stop)
            if not ok:
                raise UserError(self._slot_taken_message())
        self._lock_staff([vals["user_id"]])

    def _lock_people(self, vals_list):
        """Serialize the new bookings of the same people: the contact and the address typed
        on the website of each of ``vals_list``, locks taken in a fixed order before any
        other lock of the booking (its occurrence, its staff member). Without it, two
        requests for one person with two staff members each insert a row; the second waits
        for the first at the database's one-person rule, and the first, writing its row
        again (its calendar event), waits for the second's: a deadlock that PostgreSQL breaks
        by failing one of them. With it, the second waits here, then meets the first's
        committed booking at that rule (a clear refusal). A website booking takes its lock
        with the lookup of its form (``_website_booking_of_form``,
        ``az_booking_people_locked``)."""
        if self.env.context.get("az_booking_people_locked"):
            return
        partner_ids, addresses = set(), set()
        for vals in vals_list:
            if vals.get("state", "confirmed") in ("waiting", "requested", "confirmed"):
                partner_ids.add(vals.get("partner_id") or 0)
                addresses.add(vals.get("typed_address") or "")
        partner_ids.discard(0)
        addresses.discard("")
        if not partner_ids and not addresses:
            return
        # one query, the locks taken in the order of their keys
        self.env.cr.execute(
            """
            SELECT pg_advisory_xact_lock(k.ns, k.key) FROM (
                SELECT %s AS ns, p AS key FROM unnest(%s::int[]) AS p
                UNION SELECT %s, hashtext(a) FROM unnest(%s::text[]) AS a
                ORDER BY 1, 2
            ) AS k
            """,
            [PERSON_LOCK_KEY, sorted(partner_ids), ADDRESS_LOCK_KEY, sorted(addresses)],
        )

    def _lock_occurrences(self):
        """Lock the workshop occurrences of these bookings before the bookings change: every
        change of a seat or of a place on the waiting list takes its occurrence's row first
        (cancelling, leaving the waiting list, being promoted, claiming), so that two of them
        never hold one row each while waiting for the other's."""
        return self.sudo().occurrence_id._lock_rows()

    def _lock_staff(self, user_ids):
        """Serialize the individual bookings of the same staff members until the end of the
        transaction (locks taken in a fixed order). The exclusion constraint is what
        guarantees no overlap; this lock makes concurrent requests meet it one after the
        other instead of deadlocking on each other's uncommitted rows."""
        for user_id in sorted(set(filter(None, user_ids))):
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [STAFF_LOCK_KEY, user_id])
