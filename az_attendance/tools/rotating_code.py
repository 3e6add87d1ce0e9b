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
