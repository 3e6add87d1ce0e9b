"""Quantities per funding unit and the invoice/credit differences (no Odoo needed)."""

import pytest
from conftest import load_module

q = load_module("az_attendance_funder/tools/quantities.py")


def line(line_id, status, hours=3.0, session_id=1, partner_id=None, session_hours=3.0):
    return {
        "line_id": line_id,
        "session_id": session_id,
        "partner_id": partner_id or line_id,
        "status": status,
        "hours": hours,
        "session_hours": session_hours,
    }


LINES = [
    line(1, "present", 3.0, session_id=10, partner_id=100),
    line(2, "late", 2.5, session_id=10, partner_id=101),
    line(3, "excused", 0.0, session_id=10, partner_id=102),
    line(4, "absent", 0.0, session_id=11, partner_id=100),
    line(5, "present", 3.0, session_id=12, partner_id=100),
]


def test_hours_follow_attendance_and_the_excused_rule():
    assert q.quantities("hour", LINES, count_excused=False) == {
        ("line", 1): 3.0,
        ("line", 2): 2.5,
        ("line", 3): 0.0,
        ("line", 4): 0.0,
        ("line", 5): 3.0,
    }
    with_excused = q.quantities("hour", LINES, count_excused=True)
    assert with_excused[("line", 3)] == 3.0
    assert sum(with_excused.values()) == 11.5


def test_sessions_count_once_when_someone_attended():
    assert q.quantities("session", LINES, count_excused=False) == {
        ("session", 10): 1.0,
        ("session", 11): 0.0,
        ("session", 12): 1.0,
    }


def test_participants_count_once_whatever_their_number_of_sessions():
    result = q.quantities("participant", LINES, count_excused=False)
    assert result == {("partner", 100): 1.0, ("partner", 101): 1.0, ("partner", 102): 0.0}
    assert q.quantities("participant", LINES, count_excused=True)[("partner", 102)] == 1.0


def test_flat_is_one_unit_for_the_funding():
    assert q.quantities("flat", [], count_excused=False) == {("funding", 0): 1.0}


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        q.quantities("kilometre", LINES, count_excused=False)


def test_second_run_invoices_nothing_and_corrections_become_credits():
    current = q.quantities("hour", LINES, count_excused=False)
    assert q.deltas(current, current) == {}
    invoiced = dict(current)
    amended = {**current, ("line", 2): 1.0}  # hours lowered by an amendment
    amended[("line", 5)] = 0.0  # status amended to absent
    assert q.deltas(amended, invoiced) == {("line", 2): -1.5, ("line", 5): -3.0}


def test_deltas_restricted_to_keys():
    assert q.deltas({("line", 1): 2.0}, {("line", 9): 4.0}, keys=[("line", 1)]) == {("line", 1): 2.0}
