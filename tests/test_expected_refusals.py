"""The double-booking refusals the booking flow answers itself stay out of the error log;
every other failed query is still logged (az_booking/tools/expected_refusals.py)."""

import logging
from types import SimpleNamespace

from conftest import load_module
from psycopg2 import errors as pg_errors

refusals = load_module("az_booking/tools/expected_refusals.py")


def refusal(kind, constraint):
    """A database error as psycopg2 raises it, naming ``constraint``."""
    error_class = type("Refusal", (kind,), {"diag": SimpleNamespace(constraint_name=constraint)})
    return error_class("refused")


def bad_query_record(error):
    return logging.LogRecord(
        "odoo.sql_db",
        logging.ERROR,
        __file__,
        1,
        "bad query: %s\nERROR: %s",
        ("INSERT INTO az_booking", error),
        None,
    )


def test_a_slot_taken_meanwhile_leaves_no_error_line():
    shown = []
    logger = logging.getLogger("test.az.expected_refusals")
    logger.addHandler(type("H", (logging.Handler,), {"emit": lambda self, r: shown.append(r)})())
    refusals.install(logger.name)
    refusals.install(logger.name)  # once per process, whatever the imports
    assert sum(isinstance(f, refusals.ExpectedRefusalFilter) for f in logger.filters) == 1
    for kind, name in (
        (pg_errors.ExclusionViolation, "az_booking_no_double_booking"),
        (pg_errors.ExclusionViolation, "az_booking_one_per_person"),
        (pg_errors.UniqueViolation, "az_booking_submission_key_unique"),
    ):
        logger.handle(bad_query_record(refusal(kind, name)))
    assert shown == []


def test_any_other_failed_query_is_still_an_error():
    check = refusals.ExpectedRefusalFilter()
    assert check.filter(bad_query_record(refusal(pg_errors.UniqueViolation, "res_users_login_key")))
    assert check.filter(bad_query_record(refusal(pg_errors.ExclusionViolation, "other_table_no_overlap")))
    assert check.filter(bad_query_record(pg_errors.SerializationFailure("could not serialize")))
    assert check.filter(bad_query_record(pg_errors.DeadlockDetected("deadlock detected")))
    plain = logging.LogRecord("odoo.sql_db", logging.ERROR, __file__, 1, "no arguments", None, None)
    assert check.filter(plain)
