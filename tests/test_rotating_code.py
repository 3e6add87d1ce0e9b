"""Fast tests of the rotating QR code of az_attendance, without Odoo."""

import hashlib
import hmac

import pytest
from conftest import load_module

rotating = load_module("az_attendance/tools/rotating_code.py")


def signer(secret):
    """The shape of ``odoo.tools.hmac`` bound to a database: (scope, message) -> hex."""
    return lambda scope, message: hmac.new(
        secret.encode(), repr((scope, message)).encode(), hashlib.sha256
    ).hexdigest()


SIGN = signer("a-database-secret")
NOW = 1_780_000_005.0  # in the middle of a 10-second step
STEP = rotating.current_step(NOW)


def test_value_of_the_current_step_is_accepted():
    value = rotating.make_code(SIGN, 42, STEP)
    assert value.startswith(f"42-{STEP}-")
    assert rotating.check_code(SIGN, value, session_id=42, now=NOW) == (42, STEP)


def test_value_changes_with_each_step():
    assert rotating.make_code(SIGN, 42, STEP) != rotating.make_code(SIGN, 42, STEP + 1)
    assert rotating.current_step(NOW + rotating.STEP_SECONDS) == STEP + 1


def test_value_of_the_previous_step_is_still_accepted():
    value = rotating.make_code(SIGN, 42, STEP)
    later = NOW + rotating.STEP_SECONDS
    assert rotating.check_code(SIGN, value, session_id=42, now=later) == (42, STEP)


def test_value_replayed_after_its_window_is_refused():
    value = rotating.make_code(SIGN, 42, STEP)
    with pytest.raises(rotating.CodeError, match="expired"):
        rotating.check_code(SIGN, value, session_id=42, now=NOW + 2 * rotating.STEP_SECONDS)


def test_value_from_the_future_is_refused():
    value = rotating.make_code(SIGN, 42, STEP + 1)
    with pytest.raises(rotating.CodeError, match="future"):
        rotating.check_code(SIGN, value, session_id=42, now=NOW)


def test_value_of_another_session_is_refused():
    value = rotating.make_code(SIGN, 43, STEP)
    with pytest.raises(rotating.CodeError, match="other session"):
        rotating.check_code(SIGN, value, session_id=42, now=NOW)


def test_value_with_the_session_changed_by_hand_is_refused():
    value = rotating.make_code(SIGN, 43, STEP)
    forged = "42" + value[2:]
    with pytest.raises(rotating.CodeError, match="tampered"):
        rotating.check_code(SIGN, forged, session_id=42, now=NOW)


def test_value_with_the_step_moved_forward_is_refused():
    old = rotating.make_code(SIGN, 42, STEP - 5)
    _session, _step, mac = rotating.parse_code(old)
    with pytest.raises(rotating.CodeError, match="tampered"):
        rotating.check_code(SIGN, f"42-{STEP}-{mac}", session_id=42, now=NOW)


def test_value_made_with_another_secret_is_refused():
    value = rotating.make_code(signer("another-database"), 42, STEP)
    with pytest.raises(rotating.CodeError, match="tampered"):
        rotating.check_code(SIGN, value, session_id=42, now=NOW)


@pytest.mark.parametrize("value", [None, 42, "", "42", "42-1-xyz", "42-1-" + "A" * 32, "4" * 100])
def test_malformed_values_are_refused(value):
    with pytest.raises(rotating.CodeError, match="malformed"):
        rotating.check_code(SIGN, value, session_id=42, now=NOW)


def test_no_secret_refuses_everything():
    with pytest.raises(rotating.CodeError, match="no secret"):
        rotating.make_code(lambda scope, message: None, 42, STEP)


def test_seconds_left_counts_down_to_the_next_step():
    assert rotating.seconds_left(NOW) == pytest.approx(5.0)
    assert 0 < rotating.seconds_left() <= rotating.STEP_SECONDS


def test_ticket_carries_the_scanned_step_until_it_expires():
    ticket = rotating.make_ticket(SIGN, 42, STEP, now=NOW)
    assert rotating.check_ticket(SIGN, ticket, 42, now=NOW + 60) == STEP
    with pytest.raises(rotating.CodeError, match="expired"):
        rotating.check_ticket(SIGN, ticket, 42, now=NOW + rotating.TICKET_SECONDS + 1)


def test_ticket_of_another_session_or_forged_is_refused():
    ticket = rotating.make_ticket(SIGN, 43, STEP, now=NOW)
    with pytest.raises(rotating.CodeError, match="other session"):
        rotating.check_ticket(SIGN, ticket, 42, now=NOW)
    session, step, expiry, mac = ticket.split("-")
    with pytest.raises(rotating.CodeError, match="tampered"):
        rotating.check_ticket(SIGN, f"{session}-{int(step) + 1}-{expiry}-{mac}", 43, now=NOW)
    with pytest.raises(rotating.CodeError, match="malformed"):
        rotating.check_ticket(SIGN, "not a ticket", 43, now=NOW)


def test_one_time_code_is_six_digits_of_its_line_and_window():
    code = rotating.make_otp(SIGN, 7, now=NOW)
    assert len(code) == 6 and code.isdigit()
    assert rotating.check_otp(SIGN, 7, code, now=NOW)
    assert rotating.check_otp(SIGN, 7, code, now=NOW + rotating.OTP_WINDOW_SECONDS), "the window before"
    assert not rotating.check_otp(SIGN, 7, code, now=NOW + 2 * rotating.OTP_WINDOW_SECONDS)
    assert not rotating.check_otp(SIGN, 8, code, now=NOW) or rotating.make_otp(SIGN, 8, now=NOW) == code
    assert not rotating.check_otp(SIGN, 7, "12345", now=NOW)
    assert not rotating.check_otp(SIGN, 7, None, now=NOW)
