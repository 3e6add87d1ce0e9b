"""Shape and checks of the signed tokens of personal signing links and printed badges.

The signature itself is Odoo's: the models pass ``sign``, a function ``(scope, message) ->
hex digest`` that is ``odoo.tools.hmac`` keyed by the database secret. This module keeps
what Odoo's helper does not do and that is worth testing without a database: the compact
shape of the token (short enough for an SMS and a QR code on a badge), the bounded parsing
of what a public URL brings, the constant-time comparison, the expiry, and telling a token of
the former format (made before Odoo's helper signed them) from a forged one, so that the
person is told the link or badge is outdated rather than invalid.

A signing token is ``line-session-expiry-mac``: the line, its session and the expiry (Unix
seconds) in clear, and the HMAC over the three. A token altered, of another line or session,
or whose expiry has passed, is refused.

A badge token is ``partner-mac``: the partner in clear and the HMAC over the partner and the
person's current badge nonce. It does not expire; renewing the nonce revokes every badge
printed before.

This module imports nothing from Odoo on purpose.
"""

import hmac
import re
import time

_MAC = r"[0-9a-fA-F]{64}"
_TOKEN_RE = re.compile(rf"([0-9]{{1,12}})-([0-9]{{1,12}})-([0-9]{{1,12}})-({_MAC})")
_BADGE_RE = re.compile(rf"([0-9]{{1,12}})-({_MAC})")
# The former tokens carried an HMAC keyed by hand, in 43 characters of URL-safe base64.
_LEGACY_TOKEN_RE = re.compile(r"[0-9]{1,12}-[0-9]{1,12}-[0-9]{1,12}-[A-Za-z0-9_-]{43}")
_LEGACY_BADGE_RE = re.compile(r"[0-9]{1,12}-[A-Za-z0-9_-]{43}")

SIGN_SCOPE = "az_attendance.sign"
BADGE_SCOPE = "az_attendance.badge"


class TokenError(ValueError):
    """The token is malformed, tampered with, outdated or expired."""


def _mac(sign, scope, message):
    digest = sign(scope, message) if callable(sign) else None
    if not isinstance(digest, str) or not re.fullmatch(_MAC, digest):
        raise TokenError("no secret")
    return digest.lower()


def _scope(purpose):
    return SIGN_SCOPE if purpose == "sign" else f"{SIGN_SCOPE}.{purpose}"


def make_token(sign, line_id, session_id, expiry, purpose="sign"):
    """Return ``line-session-expiry-mac``, safe to put in a URL path."""
    line_id, session_id, expiry = int(line_id), int(session_id), int(expiry)
    mac = _mac(sign, _scope(purpose), f"{line_id}:{session_id}:{expiry}")
    return f"{line_id}-{session_id}-{expiry}-{mac}"


def check_token(sign, token, now=None, purpose="sign"):
    """Return (line_id, session_id, expiry) for a genuine, unexpired token.

    Raise TokenError otherwise (``outdated`` for a token of the former format). ``now`` is
    Unix seconds (defaults to the current time).
    """
    if not isinstance(token, str) or len(token) > 120:
        raise TokenError("malformed")
    match = _TOKEN_RE.fullmatch(token)
    if not match:
        raise TokenError("outdated" if _LEGACY_TOKEN_RE.fullmatch(token) else "malformed")
    line_id, session_id, expiry = (int(match.group(i)) for i in (1, 2, 3))
    expected = _mac(sign, _scope(purpose), f"{line_id}:{session_id}:{expiry}")
    if not hmac.compare_digest(expected.encode(), match.group(4).lower().encode()):
        raise TokenError("tampered")
    if (time.time() if now is None else now) > expiry:
        raise TokenError("expired")
    return line_id, session_id, expiry


def _badge_mac(sign, partner_id, nonce):
    if not nonce:
        raise TokenError("no badge")
    return _mac(sign, BADGE_SCOPE, f"{int(partner_id)}:{nonce}")


def make_badge_token(sign, partner_id, nonce):
    """Return ``partner-mac`` for a person's badge, safe to put in a URL path."""
    return f"{int(partner_id)}-{_badge_mac(sign, partner_id, nonce)}"


def check_badge_token(sign, token, nonce_of):
    """Return the partner id of a genuine badge token whose nonce is still current.

    ``nonce_of`` is called with the partner id read from the token and returns that person's
    current badge nonce (or None when there is no such person). Raise TokenError otherwise
    (``outdated`` for a badge printed with the former format).
    """
    if not isinstance(token, str) or len(token) > 80:
        raise TokenError("malformed")
    match = _BADGE_RE.fullmatch(token)
    if not match:
        raise TokenError("outdated" if _LEGACY_BADGE_RE.fullmatch(token) else "malformed")
    partner_id = int(match.group(1))
    nonce = nonce_of(partner_id)
    if not nonce:
        raise TokenError("unknown")
    expected = _badge_mac(sign, partner_id, nonce)
    if not hmac.compare_digest(expected.encode(), match.group(2).lower().encode()):
        raise TokenError("tampered")
    return partner_id
