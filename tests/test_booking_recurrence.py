"""Unit tests of the weekly series of az_booking (no Odoo, no database)."""

import sys
from datetime import date, datetime

import pytest
from conftest import load_module

rec = load_module("az_booking/tools/recurrence.py", "az_booking_recurrence")
# a series' local times are read by the one rule of the slot engine
iv = load_module("az_booking/tools/intervals.py", "az_booking_intervals")


def test_module_does_not_import_odoo():
    assert "odoo" not in sys.modules


def test_weekly_on_chosen_days_for_n_occurrences():
    # from Wednesday 4 March 2026, Tuesdays and Thursdays: the first Tuesday is skipped
    dates = rec.weekly_dates(date(2026, 3, 4), [1, 3], count=4)
    assert dates == [date(2026, 3, 5), date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 17)]


def test_every_two_weeks_until_a_date_included():
    dates = rec.weekly_dates(date(2026, 3, 2), [0], interval=2, until=date(2026, 4, 13))
    assert dates == [date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 30), date(2026, 4, 13)]


def test_count_and_until_whichever_comes_first():
    assert len(rec.weekly_dates(date(2026, 3, 2), [0], count=10, until=date(2026, 3, 16))) == 3
    assert len(rec.weekly_dates(date(2026, 3, 2), [0], count=2, until=date(2026, 12, 31))) == 2


def test_never_more_than_the_limit():
    assert (
        len(rec.weekly_dates(date(2026, 1, 5), list(range(7)), until=date(2030, 1, 1))) == rec.MAX_OCCURRENCES
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekdays": [], "count": 3},
        {"weekdays": [0], "count": 0},
        {"weekdays": [0]},
        {"weekdays": [7], "count": 1},
        {"weekdays": [0], "count": 1, "interval": 0},
    ],
)
def test_bad_series_are_refused(kwargs):
    with pytest.raises(ValueError):
        rec.weekly_dates(date(2026, 3, 2), **kwargs)


def test_local_time_kept_across_summer_time():
    # Paris changes to summer time on 29 March 2026: 14:00 stays 14:00 local
    before = iv.local_to_utc(date(2026, 3, 26), 14.0, "Europe/Paris")
    after = iv.local_to_utc(date(2026, 4, 2), 14.0, "Europe/Paris")
    assert before == datetime(2026, 3, 26, 13, 0)
    assert after == datetime(2026, 4, 2, 12, 0)


def test_overseas_timezone():
    # Réunion (UTC+4, no summer time) and Guadeloupe (UTC-4)
    assert iv.local_to_utc(date(2026, 3, 26), 9.5, "Indian/Reunion") == datetime(2026, 3, 26, 5, 30)
    assert iv.local_to_utc(date(2026, 3, 26), 22.0, "America/Guadeloupe") == datetime(2026, 3, 27, 2, 0)


def test_time_skipped_by_the_change_moves_forward():
    # 02:30 does not exist in Paris on 29 March 2026
    assert iv.local_to_utc(date(2026, 3, 29), 2.5, "Europe/Paris") == datetime(2026, 3, 29, 1, 30)


def test_time_repeated_by_the_change_is_read_as_working_hours_are():
    # 02:30 happens twice in Paris on 25 October 2026: winter time, as Odoo reads working hours
    assert iv.local_to_utc(date(2026, 10, 25), 2.5, "Europe/Paris") == datetime(2026, 10, 25, 1, 30)
