"""Fast unit tests of az_booking's iCalendar writer (no Odoo, no database)."""

from datetime import datetime

from conftest import load_module

ics = load_module("az_booking/tools/ics.py")


def test_event_in_utc_with_escaped_text():
    text = ics.make_ics(
        "RDV-1@az",
        datetime(2026, 3, 3, 9, 0),
        datetime(2026, 3, 3, 10, 0),
        "Premier accueil; entretien, suivi",
        description="Ligne 1\nLigne 2",
        location="12 rue X, Bordeaux",
        stamp=datetime(2026, 3, 1, 8, 0),
    )
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "DTSTART:20260303T090000Z" in lines
    assert "DTEND:20260303T100000Z" in lines
    assert "SUMMARY:Premier accueil\\; entretien\\, suivi" in lines
    assert "DESCRIPTION:Ligne 1\\nLigne 2" in lines
    assert "STATUS:CONFIRMED" in lines


def test_cancelled_event_and_long_lines_folded_on_utf8_boundaries():
    summary = "Rendez-vous é" * 20
    text = ics.make_ics(
        "x", datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10), summary, cancelled=True, sequence=2
    )
    assert "METHOD:CANCEL" in text and "STATUS:CANCELLED" in text and "SEQUENCE:2" in text
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:" + summary in unfolded


def _parse(text):
    import vobject

    return vobject.readOne(text)


def test_request_update_and_cancel_follow_rfc_5546_and_parse():
    common = dict(
        uid="az-booking-7@example.org",
        start=datetime(2026, 3, 3, 9),
        stop=datetime(2026, 3, 3, 10),
        summary="Appointment (Maison, Bordeaux)",
        organizer=("Maison des solidarités", "contact@example.org"),
        attendee=("Samia Haddad", "samia@example.com"),
    )
    request = _parse(ics.make_ics(sequence=0, **common))
    update = _parse(
        ics.make_ics(sequence=1, **dict(common, start=datetime(2026, 3, 4, 9), stop=datetime(2026, 3, 4, 10)))
    )
    cancel = _parse(ics.make_ics(sequence=2, cancelled=True, **common))
    for calendar, method in ((request, "REQUEST"), (update, "REQUEST"), (cancel, "CANCEL")):
        assert calendar.method.value == method
        event = calendar.vevent
        assert event.uid.value == "az-booking-7@example.org"
        assert event.organizer.value == "mailto:contact@example.org"
        assert event.organizer.params["CN"] == ["Maison des solidarités"]
        assert event.attendee.value == "mailto:samia@example.com"
        assert event.dtstamp.value.tzinfo is not None
    assert int(update.vevent.sequence.value) > int(request.vevent.sequence.value)
    assert update.vevent.dtstart.value.day == 4
    assert int(cancel.vevent.sequence.value) > int(update.vevent.sequence.value)
    assert cancel.vevent.status.value == "CANCELLED"
    assert request.vevent.status.value == "CONFIRMED"


def test_attendee_without_e_mail_gets_a_phone_uri():
    text = ics.make_ics(
        "x@y",
        datetime(2026, 3, 3, 9),
        datetime(2026, 3, 3, 10),
        "A",
        organizer=("Org", "org@example.org"),
        attendee=("Ali", "tel:+33612345678"),
    )
    assert _parse(text).vevent.attendee.value == "tel:+33612345678"


def test_a_request_not_yet_confirmed_is_tentative():
    text = ics.make_ics(
        "x@y",
        datetime(2026, 3, 3, 9),
        datetime(2026, 3, 3, 10),
        "A",
        organizer=("Org", "org@example.org"),
        attendee=("Ali", "a@example.com"),
        tentative=True,
    )
    event = _parse(text).vevent
    assert event.status.value == "TENTATIVE"
    assert event.attendee.params["PARTSTAT"] == ["TENTATIVE"]
