"""Checks for values that reach a public route (website forms, signing pages, JSON bodies).

Pure Python, no Odoo import: every public controller of the AZ addons runs what a visitor sent
through these functions before it touches the database, so that a hostile value is refused
with a clear message (a 4xx) instead of failing deep in the ORM (a 500).

Each refusal raises :class:`InputError` with a ``code`` that the calling controller turns into
a translated sentence (``az_project_base.controllers.public_input``).
"""

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

# PostgreSQL ``integer`` columns hold ids up to 2**31 - 1.
ID_MAX = 2**31 - 1

# Codes of InputError, one per kind of refusal.
NOT_TEXT = "not_text"  # a file upload, a list, a dict... where one string is expected
TOO_LONG = "too_long"
CONTROL = "control"  # NUL and other C0/C1 control characters
INVISIBLE = "invisible"  # bidi overrides and isolates, zero-width characters, line separators
REQUIRED = "required"
BAD_ID = "bad_id"
BAD_CODE = "bad_code"
BAD_TIME = "bad_time"
BAD_TOKEN = "bad_token"
BAD_PHONE = "bad_phone"

# Characters that change how a text is displayed without being seen: they let a value look
# like another one (an e-mail that reads backwards, a name that hides a part of itself).
INVISIBLE_CHARS = frozenset(
    "\u061c"  # Arabic letter mark
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u2028\u2029"  # line and paragraph separators
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner and invisible operators
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\ufeff"  # zero-width no-break space (BOM)
)
ASCII_DIGITS = re.compile(r"[0-9]+")
# A phone number as people type it: digits, spaces, "+", brackets, dots and dashes.
PHONE_CHARS = re.compile(r"[0-9+().\- ]{4,32}")
PHONE_MIN_DIGITS = 6
# Tokens the server hands out (access tokens, one-time form keys): URL-safe ASCII only.
TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]+")


class InputError(ValueError):
    """A value a public route refuses. ``code`` says why, ``field`` which value."""

    def __init__(self, code, field=None):
        super().__init__(f"{field or 'value'}: {code}")
        self.code = code
        self.field = field


def parse_id(value, field=None):
    """A record id sent by a client -> a positive int, or InputError(BAD_ID).

    Only ASCII digits count: ``str.isdigit()`` also accepts ``²`` or ``①``, which ``int()``
    then refuses, and Arabic-Indic digits, which ``int()`` accepts."""
    if isinstance(value, bool):
        raise InputError(BAD_ID, field)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and len(value) <= 10 and ASCII_DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise InputError(BAD_ID, field)
    if not 0 < number <= ID_MAX:
        raise InputError(BAD_ID, field)
    return number


def parse_code(value, length, field=None):
    """A numeric code of exactly ``length`` ASCII digits (spaces around it ignored)."""
    if not isinstance(value, str):
        raise InputError(BAD_CODE, field)
    value = value.strip()
    if len(value) != length or not ASCII_DIGITS.fullmatch(value):
        raise InputError(BAD_CODE, field)
    return value


def parse_token(value, field=None, min_length=16, max_length=64, required=True):
    """A token the server gave out (a link's access token, a form's one-time key) -> the
    same string, or InputError(BAD_TOKEN).

    Only URL-safe ASCII (letters, digits, ``-``, ``_``) of ``min_length`` to ``max_length``
    characters: a file upload, a list, non-ASCII look-alikes and control characters are
    refused before any comparison. ``None`` or ``""`` give ``""`` unless ``required``."""
    if value in (None, "") and not required:
        return ""
    if (
        not isinstance(value, str)
        or not min_length <= len(value) <= max_length
        or not value.isascii()
        or not TOKEN_CHARS.fullmatch(value)
    ):
        raise InputError(BAD_TOKEN, field)
    return value


def parse_phone(value, field=None):
    """A typed phone number -> the same text, or InputError(BAD_PHONE): ASCII digits (at
    least six), spaces, "+", brackets, dots and dashes only, 32 characters at most. Its
    format is read afterwards by Odoo's phone helpers."""
    if (
        not isinstance(value, str)
        or not PHONE_CHARS.fullmatch(value)
        or sum(c in "0123456789" for c in value) < PHONE_MIN_DIGITS
    ):
        raise InputError(BAD_PHONE, field)
    return value


def clean_text(value, limit, field=None, multiline=False, required=False):
    """A text typed by a visitor -> the same text, stripped and NFC-normalised.

    Refused: anything that is not one string (a file, a list), texts longer than ``limit``,
    NUL and control characters (tab and line feeds are kept in ``multiline`` texts, where
    CR LF becomes LF), and the invisible characters of ``INVISIBLE_CHARS``. ``None`` and an
    empty text give ``""`` (or InputError(REQUIRED) when ``required``)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(NOT_TEXT, field)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # Bound the work before normalising: NFC never shortens a text by more than a few times.
    if len(value) > 4 * limit + 16:
        raise InputError(TOO_LONG, field)
    value = unicodedata.normalize("NFC", value).strip()
    for char in value:
        if char in INVISIBLE_CHARS:
            raise InputError(INVISIBLE, field)
        if multiline and char in "\n\t":
            continue
        if unicodedata.category(char) == "Cc":
            raise InputError(CONTROL, field)
    if len(value) > limit:
        raise InputError(TOO_LONG, field)
    if required and not value:
        raise InputError(REQUIRED, field)
    return value


MINUTE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_minute(value, field=None):
    """A time given in a link or a form, ``YYYY-MM-DDTHH:MM`` in ASCII digits -> a naive
    datetime, or InputError(BAD_TIME)."""
    if not isinstance(value, str) or not MINUTE_RE.fullmatch(value):
        raise InputError(BAD_TIME, field)
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise InputError(BAD_TIME, field) from None


def parse_date(value, field=None):
    """A day given in a link or a form, ``YYYY-MM-DD`` in ASCII digits -> a date, or
    InputError(BAD_TIME)."""
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        raise InputError(BAD_TIME, field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(BAD_TIME, field) from None


def parse_device_time(value, now, max_skew=timedelta(days=1), field=None):
    """A time sent by a device (ISO 8601, with or without offset) -> ``(utc, skewed)``.

    ``utc`` is a naive UTC datetime to the second; ``skewed`` is True when it is more than
    ``max_skew`` away from ``now`` (naive UTC, the server's time): such a time is kept as the
    device said it, and flagged. Times that cannot be read or that fall outside years
    2000-2999 raise InputError(BAD_TIME); ``None`` or ``""`` give ``(None, False)``."""
    if value in (None, ""):
        return None, False
    if not isinstance(value, str) or len(value) > 40 or not value.isascii() or not value.isprintable():
        raise InputError(BAD_TIME, field)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError) as error:
        raise InputError(BAD_TIME, field) from error
    if not 2000 <= parsed.year <= 2999:
        raise InputError(BAD_TIME, field)
    parsed = parsed.replace(microsecond=0)
    return parsed, abs(parsed - now) > max_skew
