"""Completion rate of a training action, the CPF way. Pure Python, no Odoo import.

The rate is the integer part of hours done / hours planned x 100: 9.99 hours out of 10 is
99 %, never rounded up to 100 %. Hours are counted in hundredths (as they are shown) before
dividing, so that a float such as 0.1 + 0.2 does not lose a point. Hours done beyond the plan
give 100 %. Without planned hours the rate is unknown (None), never 0 or 100.
"""

# Why a completion is partial, as the CPF asks it.
PARTIAL_REASONS = [
    ("abandonment", "Abandonment"),
    ("absence", "Absences"),
    ("interruption", "Interruption"),
    ("force_majeure", "Force majeure"),
]


def _hundredths(hours):
    return int(round(float(hours or 0.0) * 100))


def completion_rate(done, planned):
    """Integer percentage of ``planned`` hours that were ``done``, or None without a plan."""
    planned_c = _hundredths(planned)
    if planned_c <= 0:
        return None
    done_c = max(_hundredths(done), 0)
    return min(done_c * 100 // planned_c, 100)


def is_partial(rate):
    """Whether a known rate is below 100 % (a reason is then expected)."""
    return rate is not None and rate < 100
