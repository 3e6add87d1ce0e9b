"""Fast unit tests of az_booking's interval algebra (no Odoo, no database)."""

import importlib.util
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "az_booking" / "tools" / "intervals.py"
_SPEC = importlib.util.spec_from_file_location("az_booking_intervals", _PATH)
iv = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(iv)

H = timedelta(hours=1)
M = timedelta(minutes=1)


def at(hour, minute=0, day=2):
    return datetime(2026, 3, day, hour, minute)


def test_module_does_not_import_odoo():
    assert "odoo" not in sys.modules


def test_union_merges_overlapping_and_touching_and_drops_empty():
    got = iv.union(
        [(at(9), at(10)), (at(14), at(15))],
        [(at(10), at(11)), (at(9, 30), at(9, 45)), (at(16), at(16))],
    )
    assert got == [(at(9), at(11)), (at(14), at(15))]


def test_intersect():
    left = [(at(9), at(12)), (at(14), at(17))]
    right = [(at(11), at(15)), (at(16), at(18))]
    assert iv.intersect(left, right) == [(at(11), at(12)), (at(14), at(15)), (at(16), at(17))]
    assert iv.intersect(left, []) == []


def test_subtract_cuts_holes_and_removes_covered_parts():
    base = [(at(9), at(12)), (at(14), at(17))]
    removed = [(at(8), at(9, 30)), (at(10), at(10, 30)), (at(11, 45), at(14, 15)), (at(16), at(20))]
    assert iv.subtract(base, removed) == [
        (at(9, 30), at(10)),
        (at(10, 30), at(11, 45)),
        (at(14, 15), at(16)),
    ]
    assert iv.subtract(base, []) == base
    assert iv.subtract([], removed) == []


def test_subtract_removed_spanning_several_base_intervals():
    base = [(at(9), at(10)), (at(11), at(12)), (at(13), at(14))]
    got = iv.subtract(base, [(at(9, 30), at(13, 30))])
    assert got == [(at(9), at(9, 30)), (at(13, 30), at(14))]


def test_clip_and_contains():
    ivs = [(at(9), at(12)), (at(14), at(17))]
    assert iv.clip(ivs, at(10), at(15)) == [(at(10), at(12)), (at(14), at(15))]
    assert iv.contains(ivs, at(9), at(12))
    assert iv.contains(ivs, at(14, 30), at(15))
    assert not iv.contains(ivs, at(11, 30), at(14, 30))
    assert not iv.contains(ivs, at(8), at(9, 30))
    assert not iv.contains([], at(8), at(9))


def test_slots_on_grid_skip_busy_parts():
    frames = [(at(9), at(12))]
    free = iv.subtract(frames, [(at(10), at(10, 10))])
    slots = iv.generate_slots(frames, free, 30 * M, 30 * M)
    assert [s for s, _e in slots] == [at(9), at(9, 30), at(10, 30), at(11), at(11, 30)]
    assert all(e - s == 30 * M for s, e in slots)


def test_slots_duration_longer_than_step():
    frames = [(at(14), at(17))]
    slots = iv.generate_slots(frames, frames, 60 * M, 30 * M)
    assert slots == [
        (at(14), at(15)),
        (at(14, 30), at(15, 30)),
        (at(15), at(16)),
        (at(15, 30), at(16, 30)),
        (at(16), at(17)),
    ]


def test_slots_reject_bad_parameters():
    with pytest.raises(ValueError):
        iv.generate_slots([(at(9), at(10))], [(at(9), at(10))], timedelta(0), 30 * M)


def test_available_intervals_apply_buffers_of_the_new_appointment():
    work = [(at(9), at(12))]
    busy = [(at(10), at(11))]
    # 15 min needed before the new appointment, 30 min after it.
    free = iv.available_intervals(work, busy, before=15 * M, after=30 * M)
    assert free == [(at(9), at(9, 30)), (at(11, 15), at(12))]
    slots = iv.generate_slots(work, free, 30 * M, 15 * M)
    assert [s for s, _e in slots] == [at(9), at(11, 15), at(11, 30)]


def test_weekly_intervals_paris_across_spring_dst():
    # Sunday 2026-03-29: Paris goes from UTC+1 to UTC+2.
    attendances = [
        {"dayofweek": "4", "hour_from": 9.0, "hour_to": 12.0},  # Friday
        {"dayofweek": "0", "hour_from": 9.0, "hour_to": 12.0},  # Monday
    ]
    got = iv.weekly_intervals(attendances, "Europe/Paris", datetime(2026, 3, 27), datetime(2026, 3, 31))
    assert got == [
        (datetime(2026, 3, 27, 8), datetime(2026, 3, 27, 11)),
        (datetime(2026, 3, 30, 7), datetime(2026, 3, 30, 10)),
    ]


def test_weekly_intervals_paris_across_autumn_dst():
    # Sunday 2026-10-25: Paris goes from UTC+2 to UTC+1.
    attendances = [{"dayofweek": str(d), "hour_from": 14.0, "hour_to": 17.0} for d in (4, 0)]
    got = iv.weekly_intervals(attendances, "Europe/Paris", datetime(2026, 10, 23), datetime(2026, 10, 27))
    assert got == [
        (datetime(2026, 10, 23, 12), datetime(2026, 10, 23, 15)),
        (datetime(2026, 10, 26, 13), datetime(2026, 10, 26, 16)),
    ]


@pytest.mark.parametrize(
    "tz_name, utc_hour, utc_day",
    [
        ("Indian/Reunion", 5, 2),  # UTC+4
        ("America/Cayenne", 12, 2),  # UTC-3
        ("Pacific/Noumea", 22, 1),  # UTC+11: 9:00 local on Monday is Sunday 22:00 UTC
    ],
)
def test_weekly_intervals_overseas(tz_name, utc_hour, utc_day):
    attendances = [{"dayofweek": "0", "hour_from": 9.0, "hour_to": 10.0}]
    got = iv.weekly_intervals(attendances, tz_name, datetime(2026, 2, 28), datetime(2026, 3, 4))
    assert got == [(datetime(2026, 3, utc_day, utc_hour), datetime(2026, 3, utc_day, utc_hour + 1))]


def test_weekly_intervals_date_limits_week_type_and_midnight():
    attendances = [
        {"dayofweek": "0", "hour_from": 20.0, "hour_to": 24.0, "date_to": date(2026, 3, 2)},
        {
            "dayofweek": "1",
            "hour_from": 9.0,
            "hour_to": 10.0,
            "week_type": str(iv.week_parity(date(2026, 3, 10))),
        },
    ]
    got = iv.weekly_intervals(attendances, "UTC", datetime(2026, 3, 1), datetime(2026, 3, 15))
    assert got == [
        (datetime(2026, 3, 2, 20), datetime(2026, 3, 3, 0)),
        (datetime(2026, 3, 10, 9), datetime(2026, 3, 10, 10)),
    ]


def test_local_day_bounds_utc():
    assert iv.local_day_bounds_utc(date(2026, 3, 29), date(2026, 3, 29), "Europe/Paris") == (
        datetime(2026, 3, 28, 23),
        datetime(2026, 3, 29, 22),
    )


def test_local_to_utc_reads_missing_and_repeated_times_in_winter_time():
    # as Odoo reads working hours (pytz localize, is_dst=False)
    paris = iv.ZoneInfo("Europe/Paris")
    assert iv.local_to_utc(date(2026, 3, 29), 2.5, paris) == datetime(2026, 3, 29, 1, 30)
    assert iv.local_to_utc(date(2026, 10, 25), 2.5, paris) == datetime(2026, 10, 25, 1, 30)
    assert iv.local_to_utc(date(2026, 10, 25), 1.5, paris) == datetime(2026, 10, 24, 23, 30)
    assert iv.local_to_utc(date(2026, 10, 25), 3.0, paris) == datetime(2026, 10, 25, 2, 0)
    new_york = iv.ZoneInfo("America/New_York")
    assert iv.local_to_utc(date(2026, 11, 1), 1.5, new_york) == datetime(2026, 11, 1, 6, 30)
    assert iv.local_to_utc(date(2026, 3, 8), 2.5, new_york) == datetime(2026, 3, 8, 7, 30)


def _naive_slots(frames, free, duration, step):
    """The rule of generate_slots written the slow way: every grid time, checked alone."""
    slots = []
    for frame_start, frame_stop in frames:
        start = frame_start
        while start + duration <= frame_stop:
            if any(f_start <= start and start + duration <= f_stop for f_start, f_stop in free):
                slots.append((start, start + duration))
            start += step
    return slots


def test_generate_slots_and_clip_agree_with_the_slow_rule_on_random_schedules():
    import random

    rnd = random.Random(3)
    for _ in range(300):
        frames = iv.union([(at(h), at(h + rnd.randint(1, 3))) for h in rnd.sample(range(0, 20), 4)])
        busy = iv.union(
            [
                (at(h, m), at(h, m) + M * rnd.choice([15, 30, 60, 90]))
                for h, m in [(rnd.randrange(0, 22), rnd.choice([0, 10, 30, 45])) for _ in range(5)]
            ]
        )
        free = iv.subtract(frames, busy)
        duration, step = M * rnd.choice([30, 45, 60]), M * rnd.choice([15, 30, 60])
        assert iv.generate_slots(frames, free, duration, step) == _naive_slots(frames, free, duration, step)
        lo, hi = at(rnd.randrange(0, 12)), at(rnd.randrange(10, 23))
        assert iv.clip(free, lo, hi) == iv.intersect(free, [(lo, hi)] if lo < hi else [])
