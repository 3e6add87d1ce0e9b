"""Durations as people read them: "1 h", "1 h 30", "45 min", not "1:00" or "1.50".

Pure Python, no Odoo import. French writes the minutes after the hours without a unit
("1 h 30", as on a timetable); English writes both units ("1 h 30 min"). Other languages
read the English form until they get their own.
"""


def format_duration(hours, lang=None):
    """``hours`` (a float, as Odoo stores durations) in the words of ``lang`` (an Odoo
    language code such as ``fr_FR``; English when empty), rounded to the minute."""
    minutes = max(round((hours or 0.0) * 60), 0)
    whole_hours, rest = divmod(minutes, 60)
    french = (lang or "").split("_")[0] == "fr"
    if not whole_hours:
        return f"{rest} min"
    if not rest:
        return f"{whole_hours} h"
    if french:
        return f"{whole_hours} h {rest:02d}"
    return f"{whole_hours} h {rest} min"
