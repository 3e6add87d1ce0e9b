"""Signed, expiring tokens for personal signing links.

A token carries a line id, a session id and an expiry (Unix seconds) in clear, followed by an
HMAC-SHA256 over them keyed with a server secret. Checking recomputes the HMAC and compares
it in constant time; a token that was altered, that belongs to another line or session, or
whose expiry has passed, is refused.

A badge token (printed on a person's QR badge) carries a partner id in clear, followed by an
HMAC-SHA256 over that id and the person's current badge nonce. It does not expire; renewing
the nonce revokes every badge printed before.

This module imports nothing from Odoo on purpose.
"""

import base64
import hashlib
import hmac
import re
import time

_TOKEN_RE = re.compile(r"^([0-9]{1,12})-([0-9]{1,12})-([0-9]{1,12})-([A-Za-z0-9_-]{43})")
_BADGE_RE = re.compile(r"^([0-9]{1,12})-([A-Za-z0-9_-]{43})")


class TokenError(ValueError):
    """The token is malformed, tampered with or expired."""


def _mac(secret, line_id, session_id, expiry, purpose):
    if not secret:
        raise TokenError("no secret")
    message = f"{purpose}:{int(line_id)}:{int(session_id)}:{int(expiry)}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_token(secret, line_id, session_id, expiry, purpose="sign"):
    """Return ``line-session-expiry-mac``, safe to put in a URL path."""
    expiry = int(expiry)
    return f"{int(line_id)}-{int(session_id)}-{expiry}-{_mac(secret, line_id, session_id, expiry, purpose)}"


def check_token(secret, token, now=None, purpose="sign"):
    """Return (line_id, session_id, expiry) for a genuine, unexpired token.

    Raise TokenError otherwise. ``now`` is Unix seconds (defaults to the current time).
    """
    if not isinstance(token, str) or len(token) > 120:
        raise TokenError("malformed")
    match = _TOKEN_RE.fullmatch(token)
    if not match:
        raise TokenError("malformed")
    line_id, session_id, expiry = (int(match.group(i)) for i in (1, 2, 3))
    expected = _mac(secret, line_id, session_id, expiry, purpose)
    if not hmac.compare_digest(expected.encode(), match.group(4).encode()):
        raise TokenError("tampered")
    if (time.time() if now is None else now) > expiry:
        raise TokenError("expired")
    return line_id, session_id, expiry


def _badge_mac(secret, partner_id, nonce):
    if not secret:
        raise TokenError("no secret")
    if not nonce:
        raise TokenError("no badge")
    message = f"badge:{int(partner_id)}:{nonce}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_badge_token(secret, partner_id, nonce):
    """Return ``partner-mac`` for a person's badge, safe to put in a URL path."""
    return f"{int(partner_id)}-{_badge_mac(secret, partner_id, nonce)}"


def check_badge_token(secret, token, nonce_of):
    """Return the partner id of a genuine badge token whose nonce is still current.

    ``nonce_of`` is called with the partner id read from the token and returns that person's
    current badge nonce (or None when there is no such person). Raise TokenError otherwise.
    """
    if not isinstance(token, str) or len(token) > 80:
        raise TokenError("malformed")
    match = _BADGE_RE.fullmatch(token)
    if not match:
        raise TokenError("malformed")
    partner_id = int(match.group(1))
    nonce = nonce_of(partner_id)
    if not nonce:
        raise TokenError("unknown")
    expected = _badge_mac(secret, partner_id, nonce)
    if not hmac.compare_digest(expected.encode(), match.group(2).encode()):
        raise TokenError("tampered")
    return partner_id
