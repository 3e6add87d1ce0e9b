from collections import defaultdict
from datetime import date, datetime, timedelta

from odoo import fields, models

from ..tools import intervals as iv

# Bookings in these states hold their slot (and their staff member's time).
ACTIVE_STATES = ("requested", "confirmed")


def _date(value):
    """A date of the engine's JSON rows (ISO text or null)."""
    return date.fromisoformat(value) if value else None


def _datetime(value):
    """A naive UTC datetime of the engine's JSON rows (ISO text or null)."""
    return datetime.fromisoformat(value) if value else None


class AzBookingAvailabilityMixin(models.AbstractModel):
    """The availability engine of a booking type: the free times of its staff (working
    hours, leaves, busy calendar events, bookings and their buffers) and the seats left in
    its workshop occurrences, read in a fixed number of queries whatever the number of staff
    members or days, then computed in plain Python (``tools/intervals.py``)."""

    _name = "az.booking.availability.mixin"
    _description = "Free times of a booking type"

    # ------------------------------------------------------------------------------------
    # Slots as the pages, the portal, moving and the staff wizard ask for them
    # ------------------------------------------------------------------------------------
    def _find_free_slot(
        self, start, stop=None, staff=None, include_full=False, apply_notice=True, exclude=None
    ):
        """The engine's free slot starting at ``start`` (naive UTC), or None. An individual
        slot also ends at ``stop`` (the type's duration by default); a workshop occurrence keeps
        its own length. ``exclude``: bookings whose time counts as free (the one being
        moved)."""
        self.ensure_one()
        if apply_notice and start > fields.Datetime.now() + timedelta(days=self.horizon_days):
            return None  # beyond the booking window (and far from the end of the calendar)
        try:
            stop = stop or start + timedelta(hours=self.duration)
            window = (start - timedelta(days=1), stop + timedelta(days=1))
        except OverflowError:
            return None
        engine = self.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
        # a window of whole days, so that the slots lie on the grid of the working hours
        slots = engine._get_free_slots(
            *window,
            staff=staff,
            include_full=include_full,
            apply_notice=apply_notice,
        )
        if self.is_collective:
            return next((s for s in slots if s["start"] == start), None)
        return next((s for s in slots if s["start"] == start and s["stop"] == stop), None)

    def _get_next_free_slots(self, after, count=5, exclude=None):
        """The first ``count`` slots with a free seat after ``after`` (naive UTC), within the
        booking window, read two weeks at a time."""
        self.ensure_one()
        engine = self.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
        horizon = fields.Datetime.now() + timedelta(days=self.horizon_days)
        slots = []
        cursor = after
        while len(slots) < count and cursor < horizon:
            window_stop = min(cursor + timedelta(days=14), horizon)
            slots += [s for s in engine._get_free_slots(cursor, window_stop) if s["seats_left"] > 0]
            cursor = window_stop
        return slots[:count]

    # ------------------------------------------------------------------------------------
    # Availability engine
    # ------------------------------------------------------------------------------------
    def _get_staff(self, staff=None):
        self.ensure_one()
        if staff:
            return staff & self.staff_user_ids
        if self.assignment == "specific" and self.specific_user_id:
            return self.specific_user_id
        return self.staff_user_ids

    def _read_availability_data(self, user_ids, start, stop):
        """Everything the engine needs, read in one query whatever the number of staff
        members or days (each part an array of rows, turned back into Python values here).
        ``self``: one booking type, or several of one company (the territory search reads
        their staff at once). Returns plain Python structures."""
        self.env.flush_all()
        data = {"staff": {}, "attendances": defaultdict(list), "leaves": [], "events": [], "bookings": []}
        if not user_ids:
            return data
        # staff: the staff members, their resource (the one of the type's company first)
        #    and calendar. The working hours are read in the resource's timezone (the staff
        #    member's, set on the employee or resource form), the calendar's only when it has
        #    none: what resource.calendar._work_intervals_batch does for a resource. The
        #    calendar read is the resource's current one, as
        #    resource.resource._get_valid_work_intervals does without hr_contract (which
        #    az_booking does not depend on); a schedule that changes on a date is written as
        #    dated periods (date_from / date_to) of one calendar, which are honoured day by
        #    day. A calendar with flexible hours offers nothing automatically.
        # attendances: their weekly working hours.
        # leaves: the staff's own, and public holidays of their calendars/companies.
        # events: busy calendar events the staff attend (not the ones made for bookings,
        #    which are read below with their buffers).
        # bookings: bookings holding time, of these staff, and seats of this type.
        # loads: when asked (``az_booking_loads_around``, a start), the bookings each staff
        #    member holds in the week around it, to give a new one to the least loaded.
        loads_around = self.env.context.get("az_booking_loads_around")
        self.env.cr.execute(
            """
            WITH staff AS (
                SELECT * FROM (
                    SELECT DISTINCT ON (u.id) u.id AS user_id, u.partner_id, r.id AS resource_id,
                           r.company_id, c.id AS calendar_id, COALESCE(r.tz, c.tz, 'UTC') AS tz,
                           COALESCE(c.two_weeks_calendar, FALSE) AS two_weeks,
                           COALESCE(c.flexible_hours, FALSE) AS flexible
                      FROM res_users u
                      JOIN resource_resource r ON r.user_id = u.id AND r.active
                      JOIN resource_calendar c ON c.id = r.calendar_id
                     WHERE u.id IN %(users)s
                  ORDER BY u.id, (r.company_id = %(company)s) DESC NULLS LAST, r.id
                ) chosen
                WHERE NOT flexible
            )
            SELECT
              (SELECT json_agg(json_build_array(user_id, partner_id, resource_id, company_id,
                                                calendar_id, tz, two_weeks))
                 FROM staff),
              (SELECT json_agg(json_build_array(a.calendar_id, a.resource_id, a.dayofweek,
                                                a.hour_from, a.hour_to, a.date_from, a.date_to,
                                                a.week_type))
                 FROM resource_calendar_attendance a
                WHERE a.calendar_id IN (SELECT calendar_id FROM staff)
                  AND a.display_type IS NULL
                  AND COALESCE(a.day_period, '') != 'lunch'
                  AND (a.resource_id IS NULL OR a.resource_id IN (SELECT resource_id FROM staff))),
              (SELECT json_agg(json_build_array(l.id, l.resource_id, l.calendar_id, l.company_id,
                                                l.date_from, l.date_to))
                 FROM resource_calendar_leaves l
                WHERE l.time_type = 'leave' AND l.date_from < %(stop)s AND l.date_to > %(start)s
                  AND (l.resource_id IN (SELECT resource_id FROM staff)
                       OR (l.resource_id IS NULL
                           AND (l.calendar_id IS NULL
                                OR l.calendar_id IN (SELECT calendar_id FROM staff))))),
              (SELECT json_agg(json_build_array(a.partner_id, e.start, e.stop, e.allday,
                                                e.start_date, e.stop_date))
                 FROM calendar_event e
                 JOIN calendar_attendee a ON a.event_id = e.id
                WHERE a.partner_id IN (SELECT partner_id FROM staff) AND a.state != 'declined'
                  AND e.active AND e.show_as = 'busy'
                  AND e.start < %(events_stop)s AND e.stop > %(events_start)s
                  AND NOT EXISTS (SELECT 1 FROM az_booking b WHERE b.event_id = e.id)),
              (SELECT json_agg(json_build_array(b.user_id, b.type_id, b.start, b.stop,
                                                b.busy_start, b.busy_stop, b.seats))
                 FROM az_booking b
                WHERE b.state IN %(states)s AND b.busy_start < %(stop)s AND b.busy_stop > %(start)s
                  AND (b.user_id IN (SELECT user_id FROM staff) OR b.type_id IN %(types)s)
                  AND b.id != ALL(%(exclude)s)),
              (SELECT json_object_agg(c.user_id, c.load)
                 FROM (SELECT b.user_id, COUNT(*) AS load
                         FROM az_booking b
                        WHERE %(loads)s AND b.user_id IN (SELECT user_id FROM staff)
                          AND b.state IN %(states)s
                          AND b.start >= %(loads_start)s AND b.start < %(loads_stop)s
                     GROUP BY b.user_id) c)
            WHERE EXISTS (SELECT 1 FROM staff)
        """,
            {
                "users": tuple(user_ids),
                "company": self[:1].company_id.id,
                "start": start,
                "stop": stop,
                "events_start": start - timedelta(days=1),
                "events_stop": stop + timedelta(days=1),
                "states": ACTIVE_STATES,
                "types": tuple(self.ids),
                "exclude": list(self.env.context.get("az_booking_exclude_ids") or [0]),
                "loads": bool(loads_around),
                "loads_start": (loads_around or start) - timedelta(days=7),
                "loads_stop": (loads_around or start) + timedelta(days=7),
            },
        )
        row = self.env.cr.fetchone()
        if not row:
            return data
        staff_rows, attendance_rows, leave_rows, event_rows, booking_rows = (part or [] for part in row[:5])
        if loads_around:
            data["loads"] = {int(user_id): load for user_id, load in (row[5] or {}).items()}
        for user_id, partner_id, resource_id, company_id, calendar_id, tz, two_weeks in staff_rows:
            data["staff"][user_id] = {
                "partner_id": partner_id,
                "resource_id": resource_id,
                "company_id": company_id,
                "calendar_id": calendar_id,
                "tz": tz,
                "two_weeks": two_weeks,
            }
        for (
            calendar_id,
            resource_id,
            dayofweek,
            hour_from,
            hour_to,
            date_from,
            date_to,
            week_type,
        ) in attendance_rows:
            data["attendances"][calendar_id].append(
                {
                    "resource_id": resource_id,
                    "dayofweek": dayofweek,
                    "hour_from": float(hour_from),
                    "hour_to": float(hour_to),
                    "date_from": _date(date_from),
                    "date_to": _date(date_to),
                    "week_type": week_type,
                }
            )
        data["leaves"] = [
            (leave_id, resource_id, calendar_id, company_id, _datetime(date_from), _datetime(date_to))
            for leave_id, resource_id, calendar_id, company_id, date_from, date_to in leave_rows
        ]
        data["events"] = [
            (partner_id, _datetime(e_start), _datetime(e_stop), allday, _date(start_date), _date(stop_date))
            for partner_id, e_start, e_stop, allday, start_date, stop_date in event_rows
        ]
        data["bookings"] = [
            (
                user_id,
                type_id,
                _datetime(b_start),
                _datetime(b_stop),
                _datetime(busy_start),
                _datetime(busy_stop),
                seats,
            )
            for user_id, type_id, b_start, b_stop, busy_start, busy_stop, seats in booking_rows
        ]
        return data

    def _get_staff_time_off(self, data):
        """Per staff member of ``data`` (from _read_availability_data): the leaves that take
        their working time, as (leave id, start, stop) in naive UTC. One rule for the slot
        engine and the wizards that say why a day is skipped."""
        own = defaultdict(list)
        public = []
        for leave_id, resource_id, calendar_id, company_id, date_from, date_to in data["leaves"]:
            if resource_id:
                own[resource_id].append((leave_id, date_from, date_to))
            else:
                public.append((leave_id, calendar_id, company_id, date_from, date_to))
        result = {}
        for user_id, info in data["staff"].items():
            # The staff member's own leaves, whatever working schedule they are tied to. Core
            # (_leave_intervals_batch) keeps only those of the calendar it computes, because
            # with hr_contract each calendar is computed over its own period; this engine
            # knows the current calendar only, so a time off recorded under another one (the
            # schedule of a coming contract, as hr_holidays does) would be dropped and its
            # days offered while the person is away.
            # Public holidays: those of no calendar or of the staff member's calendar, and of
            # the company of their resource, as core: a holiday recorded by another company
            # on a shared calendar does not close this one.
            result[user_id] = own[info["resource_id"]] + [
                (leave_id, date_from, date_to)
                for leave_id, calendar_id, company_id, date_from, date_to in public
                if calendar_id in (None, info["calendar_id"]) and company_id == info["company_id"]
            ]
        return result

    def _get_available_intervals(self, start, stop, staff=None, data=None):
        """Per staff member: the working periods ("frames", whole, around [start, stop)),
        the working time left by leaves and public holidays ("work", what
        resource.calendar._work_intervals_batch gives for their resource) and the intervals
        free for an appointment of this type ("free"), UTC naive. Also returns the seats taken
        per (start, stop) of this type and the staff member already holding each workshop.
        ``data``: what ``_read_availability_data`` read for several types at once over
        [start - 1 day, stop + 1 day) (the territory search); read here when not given."""
        self.ensure_one()
        users = self._get_staff(staff)
        margin = timedelta(days=1)
        if data is None:
            data = self._read_availability_data(users.ids, start - margin, stop + margin)
        user_ids = set(users.ids)
        before = timedelta(hours=self.buffer_before)
        after = timedelta(hours=self.buffer_after)
        workshop_id = self.id if self.is_collective else None
        # the rows sorted per staff member once per ``data`` and kind of type (the territory
        # search computes many individual types on one read)
        indexes = data.setdefault("indexes", {})
        if workshop_id not in indexes:
            indexes[workshop_id] = self._index_availability_data(data, workshop_id)
        seats, workshop_staff, busy, own, time_off, events_by_partner = indexes[workshop_id]

        result = {}
        work_cache = data.setdefault("work_cache", {})
        for user_id, info in data["staff"].items():
            if user_id not in user_ids:
                continue
            if user_id not in work_cache:  # the same staff member in several types of one search
                work_cache[user_id] = self._get_staff_work(
                    info, data, time_off[user_id], start - margin, stop + margin
                )
            frames, work = work_cache[user_id]
            taken = list(busy[user_id])
            for e_start, e_stop, allday, start_date, stop_date in events_by_partner[info["partner_id"]]:
                if allday and start_date and stop_date:
                    taken.append(iv.local_day_bounds_utc(start_date, stop_date, info["tz"]))
                else:
                    taken.append((e_start, e_stop))
            free = iv.available_intervals(work, iv.union(taken), before=before, after=after)
            # a workshop already held by this staff member: its exact slot stays open,
            # overlapping ones of the same type do not
            free_strict = iv.available_intervals(free, iv.union(own[user_id]), before=before, after=after)
            result[user_id] = {"frames": frames, "work": work, "free": free_strict, "free_loose": free}
            if "loads" in data:
                result[user_id]["load"] = data["loads"].get(user_id, 0)
        return result, seats, workshop_staff

    def _index_availability_data(self, data, workshop_id):
        """The rows of ``data`` per staff member: seats taken and holder of each slot of the
        workshop ``workshop_id`` (None for an individual type), the bookings holding each
        staff member's time (``busy``; ``own``: those of the workshop), their time off and
        the calendar events of each of their contacts."""
        seats = defaultdict(int)
        workshop_staff = {}
        busy = defaultdict(list)
        own = defaultdict(list)
        for user_id, type_id, b_start, b_stop, busy_start, busy_stop, b_seats in data["bookings"]:
            if type_id == workshop_id:
                seats[(b_start, b_stop)] += b_seats
                workshop_staff[(b_start, b_stop)] = user_id
                own[user_id].append((busy_start, busy_stop))
            elif user_id in data["staff"]:
                busy[user_id].append((busy_start, busy_stop))
        events_by_partner = defaultdict(list)
        for partner_id, e_start, e_stop, allday, start_date, stop_date in data["events"]:
            events_by_partner[partner_id].append((e_start, e_stop, allday, start_date, stop_date))
        return seats, workshop_staff, busy, own, self._get_staff_time_off(data), events_by_partner

    def _get_staff_work(self, info, data, time_off, start, stop):
        """A staff member's working periods ("frames") between two UTC naive datetimes, and
        their working time left by leaves and public holidays ("work"). Staff members on
        the same schedule in the same timezone share their frames (computed once per
        ``data``): laying the weekly hours on each day is the engine's costliest step."""
        attendances = [
            a
            for a in data["attendances"][info["calendar_id"]]
            if not a["resource_id"] or a["resource_id"] == info["resource_id"]
        ]
        own_hours = any(a["resource_id"] for a in attendances)
        key = (info["calendar_id"], info["resource_id"] if own_hours else None, info["tz"], start, stop)
        frames_cache = data.setdefault("frames_cache", {})
        if key not in frames_cache:
            frames_cache[key] = self._get_schedule_frames(attendances, info, start, stop)
        frames = frames_cache[key]
        off = [(date_from, date_to) for _leave_id, date_from, date_to in time_off]
        return frames, iv.subtract(frames, iv.union(off)) if off else list(frames)

    def _get_schedule_frames(self, attendances, info, start, stop):
        """The working periods of weekly hours ``attendances`` in the timezone of ``info``."""
        if info["two_weeks"]:
            # as core: a period without week number in a two-week schedule is of the
            # first week
            attendances = [dict(a, week_type=a["week_type"] or "0") for a in attendances]
        else:
            attendances = [dict(a, week_type=None) for a in attendances]
        # whole working periods, even when the window starts or ends inside one: they
        # are the grid slots are laid on, whatever the window asked for
        return iv.weekly_intervals(attendances, info["tz"], start, stop)

    def _get_free_slots(
        self, start_utc, stop_utc, staff=None, include_full=False, apply_notice=True, data=None
    ):
        """Free slots of this type between two UTC naive datetimes.

        Returns a list of dicts ``{"start", "stop", "user_ids", "seats_left"}`` sorted by
        start, where ``user_ids`` lists the staff members free for that slot. The minimum
        notice and the horizon apply unless ``apply_notice`` is False (staff booking on
        behalf of someone). Full workshop slots are returned only with ``include_full``.
        """
        self.ensure_one()
        start, stop = start_utc, stop_utc
        if apply_notice:
            now = fields.Datetime.now()
            start = max(start, now + timedelta(hours=self.min_notice_hours))
            stop = min(stop, now + timedelta(days=self.horizon_days))
        if start >= stop:
            return []
        if self.is_collective:
            return self._get_occurrence_slots(start, stop, staff=staff, include_full=include_full)
        per_user, seats, workshop_staff = self._get_available_intervals(start_utc, stop_utc, staff, data)
        duration = timedelta(hours=self.duration)
        step = timedelta(hours=self.slot_step)
        slots = defaultdict(list)
        is_collective, capacity = self.is_collective, self.capacity
        # staff in the order of their ids, so that each slot's list of staff comes sorted
        for user_id, avail in sorted(per_user.items()):
            free = iv.clip(avail["free"], start, stop)
            found = iv.generate_slots(avail["frames"], free, duration, step)
            if is_collective:
                loose = iv.clip(avail["free_loose"], start, stop)
                found = set(found) | {
                    key
                    for key, holder in workshop_staff.items()
                    if holder == user_id and iv.contains(loose, *key)
                }
            for key in found:
                holder = workshop_staff.get(key)
                if holder and holder != user_id:
                    continue
                slots[key].append(user_id)
        result = []
        loads = {user_id: avail["load"] for user_id, avail in per_user.items() if "load" in avail}
        for key in sorted(slots):
            user_ids = slots[key]
            seats_left = capacity - seats.get(key, 0)
            if seats_left <= 0 and not include_full:
                continue
            result.append(
                {
                    "start": key[0],
                    "stop": key[1],
                    "user_ids": user_ids,
                    "seats_left": max(seats_left, 0),
                }
            )
            if loads:  # read with the slots when asked (``az_booking_loads_around``)
                result[-1]["loads"] = {user_id: loads[user_id] for user_id in user_ids}
        return result

    def _get_occurrence_slots(self, start, stop, staff=None, include_full=False):
        """The scheduled occurrences of this workshop starting in [start, stop), as slots
        (with ``occurrence_id``, ``site_id`` and the facilitators as ``user_ids``); the seats
        left count the bookings of other people (``az_booking_exclude_ids``). ``self`` may
        hold several workshops (the territory search): each slot names its ``type_id``."""
        if not self:
            return []
        self.env.flush_all()
        exclude = list(self.env.context.get("az_booking_exclude_ids") or [0])
        self.env.cr.execute(
            """
            SELECT s.id, s.type_id, s.start, s.stop, s.capacity, s.site_id, s.user_id,
                   ARRAY(SELECT r.user_id FROM az_booking_occurrence_user_rel r
                          WHERE r.occurrence_id = s.id ORDER BY r.user_id),
                   (SELECT COALESCE(SUM(b.seats), 0) FROM az_booking b
                     WHERE b.occurrence_id = s.id AND b.state IN %s AND b.id != ALL(%s))
              FROM az_booking_occurrence s
             WHERE s.type_id IN %s AND s.state IN ('scheduled', 'full')
               AND s.start >= %s AND s.start < %s
          ORDER BY s.start, s.id
        """,
            [ACTIVE_STATES, exclude, tuple(self.ids), start, stop],
        )
        result = []
        for (
            occurrence_id,
            type_id,
            s_start,
            s_stop,
            capacity,
            site_id,
            user_id,
            user_ids,
            taken,
        ) in self.env.cr.fetchall():
            user_ids = sorted(set(user_ids) | ({user_id} if user_id else set()))
            if staff and not set(user_ids) & set(staff.ids):
                continue
            seats_left = capacity - taken
            if seats_left <= 0 and not include_full:
                continue
            result.append(
                {
                    "start": s_start,
                    "stop": s_stop,
                    "user_ids": user_ids,
                    "seats_left": max(seats_left, 0),
                    "occurrence_id": occurrence_id,
                    "type_id": type_id,
                    "site_id": site_id,
                    "capacity": capacity,
                }
            )
        return result

    def _is_available(self, user, start, stop):
        """Whether ``user`` can receive an appointment of this type over [start, stop)
        (working, no leave, no busy event, no other booking within the buffers). For a
        workshop: an occurrence of ``user`` is scheduled then, or ``user`` is free to open one."""
        self.ensure_one()
        if self.is_collective:
            occurrences = self._get_occurrence_slots(
                start, start + timedelta(seconds=1), staff=user, include_full=True
            )
            if any(s["stop"] == stop for s in occurrences):
                return True
        per_user, _seats, workshop_staff = self._get_available_intervals(start, stop, user)
        avail = per_user.get(user.id)
        if not avail:
            return False
        if self.is_collective and workshop_staff.get((start, stop)) == user.id:
            return iv.contains(avail["free_loose"], start, stop)
        return iv.contains(avail["free"], start, stop)

    def _pick_least_loaded(self, user_ids, start, loads=None):
        """Among ``user_ids``, the staff member with the fewest active bookings in the week
        around ``start`` (ties: the first id); ``loads`` gives them when the slot was read
        with them (``az_booking_loads_around``)."""
        if len(user_ids) <= 1:
            return user_ids[0] if user_ids else False
        if loads is not None:
            return min(user_ids, key=lambda uid: (loads.get(uid, 0), uid))
        counts = dict(
            self.env["az.booking"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", user_ids),
                    ("state", "in", ACTIVE_STATES),
                    ("start", ">=", start - timedelta(days=7)),
                    ("start", "<", start + timedelta(days=7)),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        loads = {user.id: count for user, count in counts.items()}
        return min(user_ids, key=lambda uid: (loads.get(uid, 0), uid))
