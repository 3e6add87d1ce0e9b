"""The rotating code of a session's QR screen.

The trainer's screen shows a QR code that changes every few seconds: its value is
``session-step-mac``, the session in clear, the time step (Unix seconds divided by the step's
length) and an HMAC over both, keyed by the database secret (the models pass ``sign``, Odoo's
``hmac`` bound to the database, as for the signing tokens). A value is accepted during its own
step and the one after (a phone that scanned it just before it changed), never later: a photo
of the code sent outside the room is useless a few seconds later.

This module imports nothing from Odoo on purpose.
"""

import hmac
import re
import time

SCOPE = "az_attendance.rotating_qr"
# Length of a step in seconds: the screen asks for the next value at each step.
STEP_SECONDS = 10
# Characters of the HMAC kept in the value: 128 bits, short enough for a small QR code.
MAC_LENGTH = 32
_CODE_RE = re.compile(rf"([0-9]{{1,12}})-([0-9]{{1,12}})-([0-9a-f]{{{MAC_LENGTH}}})")


class CodeError(ValueError):
    """The value is malformed, forged, of another session, expired or from the future."""


def current_step(now=None, step_seconds=STEP_SECONDS):
    """The time step of ``now`` (Unix seconds, defaults to the current time)."""
    return int((time.time() if now is None else now) // step_seconds)


def seconds_left(now=None, step_seconds=STEP_SECONDS):
    """Seconds until the next step begins (for the screen's timer)."""
    now = time.time() if now is None else now
    return step_seconds - (now % step_seconds)


def _mac(sign, session_id, step):
    digest = sign(SCOPE, f"{int(session_id)}:{int(step)}") if callable(sign) else None
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        raise CodeError("no secret")
    return digest.lower()[:MAC_LENGTH]


def make_code(sign, session_id, step):
    """The value shown for ``session_id`` during ``step``, safe in a URL path."""
    return f"{int(session_id)}-{int(step)}-{_mac(sign, session_id, step)}"


def parse_code(value):
    """``(session_id, step, mac)`` of a value of the right shape; CodeError otherwise."""
    if not isinstance(value, str) or len(value) > 80:
        raise CodeError("malformed")
    match = _CODE_RE.fullmatch(value)
    if not match:
        raise CodeError("malformed")
    return int(match.group(1)), int(match.group(2)), match.group(3)


def check_code(sign, value, session_id=None, now=None, step_seconds=STEP_SECONDS):
    """Return ``(session_id, step)`` of a genuine value of the current or the previous step.

    Raise CodeError: ``malformed``, ``tampered`` (forged), ``other session`` (a genuine value
    of another session than ``session_id`` when given), ``expired`` (older than the previous
    step) or ``future``."""
    code_session, step, mac = parse_code(value)
    expected = _mac(sign, code_session, step)
    if not hmac.compare_digest(expected.encode(), mac.encode()):
        raise CodeError("tampered")
    if session_id is not None and int(session_id) != code_session:
        raise CodeError("other session")
    current = current_step(now, step_seconds)
    if step > current:
        raise CodeError("future")
    if step < current - 1:
        raise CodeError("expired")
    return code_session, step


# ---------------------------------------------------------------------- after the scan
# A value scanned in time opens the signing page; drawing the signature (and receiving a code
# on an unrecognised phone) takes longer than a step, so the page carries a ticket: the
# session, the step scanned and an expiry, signed. The signature records the step.
TICKET_SCOPE = "az_attendance.rotating_qr.ticket"
TICKET_SECONDS = 15 * 60
_TICKET_RE = re.compile(r"([0-9]{1,12})-([0-9]{1,12})-([0-9]{1,12})-([0-9a-f]{64})")


def _ticket_mac(sign, session_id, step, expiry):
    digest = sign(TICKET_SCOPE, f"{int(session_id)}:{int(step)}:{int(expiry)}") if callable(sign) else None
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        raise CodeError("no secret")
    return digest.lower()


def make_ticket(sign, session_id, step, now=None, seconds=TICKET_SECONDS):
    """``session-step-expiry-mac``: the scan of ``step`` for ``session_id``, valid ``seconds``."""
    expiry = int((time.time() if now is None else now) + seconds)
    return f"{int(session_id)}-{int(step)}-{expiry}-{_ticket_mac(sign, session_id, step, expiry)}"


def check_ticket(sign, ticket, session_id, now=None):
    """The step of a genuine, unexpired ticket of ``session_id``; CodeError otherwise."""
    if not isinstance(ticket, str) or len(ticket) > 120:
        raise CodeError("malformed")
    match = _TICKET_RE.fullmatch(ticket)
    if not match:
        raise CodeError("malformed")
    ticket_session, step, expiry = (int(match.group(i)) for i in (1, 2, 3))
    expected = _ticket_mac(sign, ticket_session, step, expiry)
    if not hmac.compare_digest(expected.encode(), match.group(4).encode()):
        raise CodeError("tampered")
    if ticket_session != int(session_id):
        raise CodeError("other session")
    if (time.time() if now is None else now) > expiry:
        raise CodeError("expired")
    return step


# A one-time code sent by e-mail or SMS to a phone that is not recognised: six digits derived
# from the line and a ten-minute window (nothing to store; the tries are counted per line).
OTP_SCOPE = "az_attendance.rotating_qr.otp"
OTP_WINDOW_SECONDS = 10 * 60


def make_otp(sign, line_id, now=None, window_seconds=OTP_WINDOW_SECONDS):
    """The six digits for ``line_id`` during the current window."""
    window = current_step(now, window_seconds)
    return _otp(sign, line_id, window)


def _otp(sign, line_id, window):
    digest = sign(OTP_SCOPE, f"{int(line_id)}:{int(window)}") if callable(sign) else None
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        raise CodeError("no secret")
    return f"{int(digest, 16) % 1_000_000:06d}"


def check_otp(sign, line_id, code, now=None, window_seconds=OTP_WINDOW_SECONDS):
    """Whether ``code`` is the one sent for ``line_id`` in this window or the one before."""
    if not isinstance(code, str) or not re.fullmatch(r"[0-9]{6}", code):
        return False
    window = current_step(now, window_seconds)
    return any(
        hmac.compare_digest(_otp(sign, line_id, w).encode(), code.encode()) for w in (window, window - 1)
    )
