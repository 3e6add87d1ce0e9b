"""Fast unit tests of az_booking's iCalendar writer (no Odoo, no database)."""

from datetime import datetime

from conftest import load_module

ics = load_module("az_booking/tools/ics.py")


def test_event_in_utc_with_escaped_text():
    text = ics.make_ics(
        "RDV-1@az", datetime(2026, 3, 3, 9, 0), datetime(2026, 3, 3, 10, 0),
        "Premier accueil; entretien, suivi", description="Ligne 1\nLigne 2",
        location="12 rue X, Bordeaux", stamp=datetime(2026, 3, 1, 8, 0))
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "DTSTART:20260303T090000Z" in lines
    assert "DTEND:20260303T100000Z" in lines
    assert "SUMMARY:Premier accueil\\; entretien\\, suivi" in lines
    assert "DESCRIPTION:Ligne 1\\nLigne 2" in lines
    assert "STATUS:CONFIRMED" in lines


def test_cancelled_event_and_long_lines_folded_on_utf8_boundaries():
    summary = "Rendez-vous é" * 20
    text = ics.make_ics("x", datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10), summary,
                        cancelled=True, sequence=2)
    assert "METHOD:CANCEL" in text and "STATUS:CANCELLED" in text and "SEQUENCE:2" in text
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:" + summary in unfolded
