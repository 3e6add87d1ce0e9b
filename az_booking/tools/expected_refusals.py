"""The database's refusals that the booking flow expects and answers itself.

Two people taking the same time meet ``az_booking_no_double_booking``, the same person twice
``az_booking_one_per_person``, the same form sent twice ``az_booking_submission_key_unique``:
each is turned into a clear answer (a 409 page, the first booking's confirmation, a message
in the back office). Odoo's cursor still logs the failed ``INSERT`` as an ERROR ("bad query")
before our code sees the refusal: a line an administrator would chase for nothing. This
filter on Odoo's ``odoo.sql_db`` logger keeps those lines out, and only those; any other
failed query is logged as before.
"""

import logging

from psycopg2 import errors as pg_errors

EXPECTED_CONSTRAINTS = frozenset(
    {
        "az_booking_no_double_booking",
        "az_booking_one_per_person",
        "az_booking_submission_key_unique",
    }
)


class ExpectedRefusalFilter(logging.Filter):
    """Drops Odoo's "bad query" record of a refusal by one of ``EXPECTED_CONSTRAINTS``."""

    def filter(self, record):
        args = record.args if isinstance(record.args, tuple) else ()
        error = args[-1] if args else None
        if isinstance(error, (pg_errors.ExclusionViolation, pg_errors.UniqueViolation)):
            return getattr(error.diag, "constraint_name", None) not in EXPECTED_CONSTRAINTS
        return True


def install(logger_name="odoo.sql_db"):
    """Add the filter to Odoo's SQL logger once per process."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, ExpectedRefusalFilter) for f in logger.filters):
        logger.addFilter(ExpectedRefusalFilter())
    return logger
