"""Dates and times of a weekly series (workshop occurrences, follow-up appointments).

Pure Python: no Odoo import, so that it is tested without a database."""

from datetime import timedelta

# A series never runs forever: a cap on the number of occurrences generated.
MAX_OCCURRENCES = 200


def weekly_dates(first_day, weekdays, interval=1, count=None, until=None, limit=MAX_OCCURRENCES):
    """Dates from ``first_day`` (included) falling on ``weekdays`` (0 = Monday), in the
    weeks 0, N, 2N... counted from the week of ``first_day``; stops after ``count``
    dates or after the date ``until`` (included), whichever is given (at least one of
    them), and never gives more than ``limit`` dates."""
    if interval < 1:
        raise ValueError("interval must be at least 1")
    if not weekdays:
        raise ValueError("at least one weekday is needed")
    if count is None and until is None:
        raise ValueError("a number of occurrences or an end date is needed")
    if count is not None and count < 1:
        raise ValueError("count must be at least 1")
    wanted = sorted(set(weekdays))
    if any(day not in range(7) for day in wanted):
        raise ValueError("weekdays go from 0 (Monday) to 6 (Sunday)")
    monday = first_day - timedelta(days=first_day.weekday())
    result = []
    week = 0
    while len(result) < min(count or limit, limit):
        week_start = monday + timedelta(weeks=week * interval)
        if until is not None and week_start > until:
            break
        for day in wanted:
            current = week_start + timedelta(days=day)
            if current < first_day:
                continue
            if until is not None and current > until:
                break
            result.append(current)
            if len(result) >= min(count or limit, limit):
                break
        week += 1
    return result
