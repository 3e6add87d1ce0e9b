"""How attendance turns into invoiceable quantities. Pure Python, no Odoo import.

A funding pays by the hour, the session, the participant, or a flat amount. Each unit has
its own *keys*: what one invoiced quantity is attached to, so that nothing is invoiced twice
and a later correction is invoiced (or credited) as a difference:

- hour: one key per attendance line, worth the hours attended (an excused absence counts
  the session's hours when the funding says excused absences count);
- session: one key per session where at least one person attended, worth 1;
- participant: one key per person who attended at least once, worth 1;
- flat: one key for the funding, worth 1 (the rate is then the whole amount).
"""

ATTENDED = ("present", "late")


def counts(status, count_excused):
    """Whether a line with this (effective) status counts for a funding."""
    return status in ATTENDED or (status == "excused" and count_excused)


def line_hours(line, count_excused):
    """Hours a line is worth for an hourly funding."""
    if line["status"] in ATTENDED:
        return line["hours"]
    if line["status"] == "excused" and count_excused:
        return line["session_hours"]
    return 0.0


def quantities(unit, lines, count_excused):
    """Current quantity per key for ``lines`` (dicts with line_id, session_id, partner_id,
    status, hours, session_hours). Keys are (kind, id) tuples."""
    result = {}
    if unit == "flat":
        return {("funding", 0): 1.0}
    for line in lines:
        if unit == "hour":
            result[("line", line["line_id"])] = round(line_hours(line, count_excused), 2)
        elif unit == "session":
            key = ("session", line["session_id"])
            result[key] = max(result.get(key, 0.0), 1.0 if counts(line["status"], count_excused) else 0.0)
        elif unit == "participant":
            key = ("partner", line["partner_id"])
            result[key] = max(result.get(key, 0.0), 1.0 if counts(line["status"], count_excused) else 0.0)
        else:
            raise ValueError(f"unknown funding unit {unit!r}")
    return result


def deltas(current, invoiced, keys=None):
    """What remains to invoice (positive) or to credit (negative) per key: the current
    quantity minus what was already invoiced. Only ``keys`` are considered when given
    (default: every key of either side). Zero differences are left out."""
    keys = set(current) | set(invoiced) if keys is None else set(keys)
    result = {}
    for key in keys:
        diff = round(current.get(key, 0.0) - invoiced.get(key, 0.0), 2)
        if diff:
            result[key] = diff
    return result
