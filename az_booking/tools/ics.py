"""A minimal iCalendar (RFC 5545) writer for one appointment: no dependency, UTC times."""

from datetime import datetime


def _escape(text):
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """Fold a content line at 75 octets, continuation lines starting with a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts = []
    while data:
        limit = 75 if not parts else 74
        cut = min(limit, len(data))
        # never cut inside a UTF-8 sequence
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut].decode())
        data = data[cut:]
    return "\r\n ".join(parts)


def _utc(moment):
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _cal_address(name, address):
    """``;CN=...:mailto:...`` of an ORGANIZER or ATTENDEE line. ``address`` is an e-mail,
    or a full URI (``tel:+33...``) for someone without e-mail."""
    uri = address if ":" in address else f"mailto:{address}"
    cn = (name or "").replace('"', "'")
    return (f';CN="{cn}"' if cn else "") + f":{uri}"


def make_ics(
    uid,
    start,
    stop,
    summary,
    description="",
    location="",
    url="",
    cancelled=False,
    sequence=0,
    stamp=None,
    organizer=None,
    attendee=None,
    tentative=False,
):
    """iCalendar text of one appointment; ``start``, ``stop`` and ``stamp`` are naive UTC.

    An iTIP message (RFC 5546): ``METHOD:REQUEST`` for a booking and its updates (a higher
    ``sequence``), ``METHOD:CANCEL`` once cancelled. ``organizer`` and ``attendee`` are
    ``(name, address)`` pairs; both are required by these methods. ``tentative`` marks a
    request that staff have not confirmed yet."""
    method = "CANCEL" if cancelled else "REQUEST"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//AZ for Odoo//Appointments//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        "UID:%s" % _escape(uid),
        "SEQUENCE:%d" % sequence,
        "DTSTAMP:%s" % _utc(stamp or datetime.utcnow()),
        "DTSTART:%s" % _utc(start),
        "DTEND:%s" % _utc(stop),
        "SUMMARY:%s" % _escape(summary),
        "STATUS:%s" % ("CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED"),
    ]
    if organizer:
        lines.append("ORGANIZER" + _cal_address(*organizer))
    if attendee:
        lines.append(
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=%s;RSVP=FALSE%s"
            % ("DECLINED" if cancelled else "TENTATIVE" if tentative else "ACCEPTED", _cal_address(*attendee))
        )
    if description:
        lines.append("DESCRIPTION:%s" % _escape(description))
    if location:
        lines.append("LOCATION:%s" % _escape(location))
    if url:
        lines.append("URL:%s" % url)
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
