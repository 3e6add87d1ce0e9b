"""Interval algebra for availability computations.

Plain Python on purpose: no Odoo import, so it can be unit tested in milliseconds.

An interval is a ``(start, stop)`` tuple of datetimes, half-open: ``start`` is included,
``stop`` is not. Every function takes and returns lists sorted by start, without overlap
("normalized"), except ``union`` which accepts anything and normalizes it. All datetimes of
one call must be comparable: all aware, or all naive in the same reference (UTC).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


def union(*interval_lists):
    """Merge any number of interval lists into one normalized list.

    Touching intervals (``a.stop == b.start``) are merged; empty ones are dropped.
    """
    items = sorted((start, stop) for intervals in interval_lists for start, stop in intervals if start < stop)
    result = []
    for start, stop in items:
        if result and start <= result[-1][1]:
            if stop > result[-1][1]:
                result[-1] = (result[-1][0], stop)
        else:
            result.append((start, stop))
    return result


def intersect(left, right):
    """Intersection of two normalized lists."""
    result = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        stop = min(left[i][1], right[j][1])
        if start < stop:
            result.append((start, stop))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return result


def subtract(base, removed):
    """Parts of the normalized list ``base`` not covered by the normalized list ``removed``."""
    result = []
    j = 0
    for start, stop in base:
        cursor = start
        while j < len(removed) and removed[j][1] <= cursor:
            j += 1
        k = j
        while k < len(removed) and removed[k][0] < stop:
            if removed[k][0] > cursor:
                result.append((cursor, removed[k][0]))
            cursor = max(cursor, removed[k][1])
            if cursor >= stop:
                break
            k += 1
        if cursor < stop:
            result.append((cursor, stop))
    return result


def clip(intervals, start, stop):
    """Restrict a normalized list to ``[start, stop)``."""
    result = []
    if start >= stop:
        return result
    lo, hi = 0, len(intervals)
    while lo < hi:  # first interval ending after start
        mid = (lo + hi) // 2
        if intervals[mid][1] <= start:
            lo = mid + 1
        else:
            hi = mid
    for i in range(lo, len(intervals)):
        i_start, i_stop = intervals[i]
        if i_start >= stop:
            break
        result.append((max(i_start, start), min(i_stop, stop)))
    return result


def expand(intervals, before=timedelta(0), after=timedelta(0)):
    """Widen every interval by ``before`` at its start and ``after`` at its stop, then merge."""
    return union([(start - before, stop + after) for start, stop in intervals])


def contains(intervals, start, stop):
    """Whether ``[start, stop)`` lies entirely inside one interval of a normalized list."""
    lo, hi = 0, len(intervals)
    while lo < hi:  # last interval whose start is <= start
        mid = (lo + hi) // 2
        if intervals[mid][0] <= start:
            lo = mid + 1
        else:
            hi = mid
    return lo > 0 and intervals[lo - 1][1] >= stop


def generate_slots(frames, free, duration, step):
    """Slots of ``duration`` every ``step``, laid on each frame and kept when free.

    ``frames`` (e.g. the working hours of each day) give the grid: slots start at a frame's
    start, then every ``step`` while they end inside the frame, so they stay on round times
    (9:00, 9:30...) even when a busy period ends at 10:10. A slot is kept only if it lies
    entirely inside ``free``. Both lists are normalized, so one pass over each is enough:
    the only free interval that can hold a slot is the first one ending at or after the
    slot's end, and grid times before that interval's start are skipped in one step.
    """
    if duration <= timedelta(0) or step <= timedelta(0):
        raise ValueError("duration and step must be positive")
    slots = []
    j, count = 0, len(free)
    for frame_start, frame_stop in frames:
        start = frame_start
        last_start = frame_stop - duration
        while start <= last_start:
            stop = start + duration
            while j < count and free[j][1] < stop:
                j += 1
            if j == count:
                return slots
            free_start = free[j][0]
            if free_start <= start:
                slots.append((start, stop))
                start += step
            else:  # the first time of the grid at or after the free interval's start
                start += -((start - free_start) // step) * step
    return slots


def available_intervals(work, busy, before=timedelta(0), after=timedelta(0)):
    """Where a new appointment may lie, given the buffers it needs.

    ``work`` and ``busy`` are normalized lists. The new appointment needs ``before`` free
    time ahead of it and ``after`` free time behind it, so each busy period is widened by
    ``after`` at its start and ``before`` at its stop before being removed from ``work``.
    """
    return subtract(work, expand(busy, before=after, after=before))


def float_to_time(hours):
    """Hours as a float (16.5, as in working schedules) -> time; 24.0 -> None (midnight
    of the next day)."""
    minutes = round(hours * 60)
    if minutes >= 24 * 60:
        return None
    return time(minutes // 60, minutes % 60)


def local_to_utc(day, hours, tz):
    """The UTC naive datetime of ``hours`` (a float) on local ``day`` in timezone ``tz`` (a
    ``ZoneInfo`` or a timezone name). One rule for working hours and for the occurrences and
    appointments of a series, which keep their local time across a change of time.

    A local time that does not exist (the hour skipped in spring) or exists twice (the hour
    repeated in autumn) is read with the offset of standard (winter) time, as Odoo reads
    working hours (pytz ``localize`` with ``is_dst=False``): 2:30 on the night of the
    autumn change is its second occurrence.
    """
    if not isinstance(tz, ZoneInfo):
        tz = ZoneInfo(tz or "UTC")
    clock = float_to_time(hours)
    if clock is None:
        local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    else:
        local = datetime.combine(day, clock, tzinfo=tz)
    # fold=0 is the earlier offset, fold=1 the later one; they differ only around a change
    if local.utcoffset() != local.replace(fold=1).utcoffset() and local.dst():
        local = local.replace(fold=1)
    return local.astimezone(UTC).replace(tzinfo=None)


def week_parity(day):
    """0 or 1: which week of a two-week schedule ``day`` falls in (same rule as Odoo's)."""
    return ((day.toordinal() - 1) // 7) % 2


def weekly_intervals(attendances, tz_name, start_utc, stop_utc):
    """Expand weekly working hours into UTC naive intervals between two UTC naive datetimes.

    ``attendances`` is an iterable of dicts with ``dayofweek`` (0 = Monday), ``hour_from``,
    ``hour_to`` (local floats), optional ``date_from``/``date_to`` (dates, inclusive) and
    ``week_type`` (None, or 0/1 for two-week schedules). Hours are read in the local time of
    ``tz_name`` day by day, so a change of offset (DST) moves the UTC result, not the local
    schedule.
    """
    tz = ZoneInfo(tz_name or "UTC")
    first = start_utc.replace(tzinfo=UTC).astimezone(tz).date() - timedelta(days=1)
    last = stop_utc.replace(tzinfo=UTC).astimezone(tz).date() + timedelta(days=1)
    per_weekday = {}
    for attendance in attendances:
        per_weekday.setdefault(int(attendance["dayofweek"]), []).append(attendance)
    result = []
    day = first
    while day <= last:
        for attendance in per_weekday.get(day.weekday(), ()):
            if attendance.get("date_from") and day < attendance["date_from"]:
                continue
            if attendance.get("date_to") and day > attendance["date_to"]:
                continue
            week_type = attendance.get("week_type")
            if week_type not in (None, False, "") and int(week_type) != week_parity(day):
                continue
            result.append(
                (
                    local_to_utc(day, attendance["hour_from"], tz),
                    local_to_utc(day, attendance["hour_to"], tz),
                )
            )
        day += timedelta(days=1)
    return clip(union(result), start_utc, stop_utc)


def local_day_bounds_utc(first_day, last_day, tz_name):
    """UTC naive ``[start of first_day, start of the day after last_day)`` in ``tz_name``.

    Used for all-day events, which cover whole local days.
    """
    tz = ZoneInfo(tz_name or "UTC")
    start = datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC)
    stop = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start.replace(tzinfo=None), stop.replace(tzinfo=None)


__all__ = [
    "available_intervals",
    "clip",
    "contains",
    "expand",
    "generate_slots",
    "intersect",
    "local_day_bounds_utc",
    "local_to_utc",
    "subtract",
    "union",
    "weekly_intervals",
    "week_parity",
]
