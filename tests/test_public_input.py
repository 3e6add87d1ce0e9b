"""The input checks every public route runs before touching the database."""

from datetime import datetime, timedelta

import pytest
from conftest import load_module

pi = load_module("az_project_base/tools/public_input.py")


@pytest.mark.parametrize("value", ["1", "42", "2147483647", 7])
def test_ids_of_ascii_digits_are_read(value):
    assert pi.parse_id(value) == int(value)


@pytest.mark.parametrize(
    "value",
    [
        "²",
        "①",
        "١٢",
        "٣",
        "１２",
        "0",
        "-1",
        "2147483648",
        "12345678901",
        "",
        " 1",
        "1\x00",
        True,
        None,
        1.5,
        ["1"],
        {"a": 1},
        b"1",
        -3,
    ],
)
def test_ids_refuse_everything_else(value):
    with pytest.raises(pi.InputError) as error:
        pi.parse_id(value, field="line_id")
    assert error.value.code == pi.BAD_ID
    assert error.value.field == "line_id"


def test_codes_are_ascii_digits_of_the_right_length():
    assert pi.parse_code(" 012345 ", 6) == "012345"
    for bad in ["12345", "1234567", "12345²", "١٢٣٤٥٦", "abcdef", None, 123456]:
        with pytest.raises(pi.InputError):
            pi.parse_code(bad, 6)


def test_clean_text_keeps_ordinary_text_and_normalises():
    assert pi.clean_text("  Zoé Dupont-Lefèvre ", 128) == "Zoé Dupont-Lefèvre"
    # "e" + combining acute accent becomes one "é"
    assert pi.clean_text("Zoe\u0301", 128) == "Zoé"
    assert pi.clean_text(None, 10) == ""
    assert pi.clean_text("a\r\nb\tc", 10, multiline=True) == "a\nb\tc"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("a\x00b", pi.CONTROL),
        ("a\x07b", pi.CONTROL),
        ("a\x85b", pi.CONTROL),
        ("a\nb", pi.CONTROL),  # not multiline
        ("\u202emoc.elpmaxe@a", pi.INVISIBLE),
        ("Jean\u200bMarc", pi.INVISIBLE),
        ("Jean\u2028Marc", pi.INVISIBLE),
        ("Jean\u2066Marc", pi.INVISIBLE),
        ("\ufeffJean", pi.INVISIBLE),
        ("x" * 11, pi.TOO_LONG),
        ("x" * 10_000, pi.TOO_LONG),
        (["a"], pi.NOT_TEXT),
        (object(), pi.NOT_TEXT),
    ],
)
def test_clean_text_refuses_hostile_values(value, code):
    with pytest.raises(pi.InputError) as error:
        pi.clean_text(value, 10)
    assert error.value.code == code


def test_clean_text_multiline_still_refuses_nul():
    with pytest.raises(pi.InputError):
        pi.clean_text("a\n\x00", 10, multiline=True)


def test_required_text():
    with pytest.raises(pi.InputError) as error:
        pi.clean_text("   ", 10, required=True)
    assert error.value.code == pi.REQUIRED


NOW = datetime(2026, 11, 26, 10, 0, 0)


def test_device_time_is_read_in_utc_and_flagged_when_far():
    assert pi.parse_device_time("2026-11-26T11:30:05.123+01:00", NOW) == (
        datetime(2026, 11, 26, 10, 30, 5),
        False,
    )
    assert pi.parse_device_time("2026-11-26T09:00:00Z", NOW) == (datetime(2026, 11, 26, 9, 0, 0), False)
    assert pi.parse_device_time("2026-11-20T09:00:00Z", NOW) == (datetime(2026, 11, 20, 9, 0, 0), True)
    assert pi.parse_device_time("", NOW) == (None, False)
    assert pi.parse_device_time(None, NOW) == (None, False)
    assert pi.parse_device_time("2026-11-27T10:00:01", NOW, max_skew=timedelta(days=1))[1]


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "1970-01-01T00:00:00Z",
        "yesterday",
        "2026-13-01T00:00:00",
        "2026-11-26T10:00:00\x00",
        1700000000,
        ["x"],
        "2" * 41,
    ],
)
def test_device_time_refuses_unreadable_or_out_of_range(value):
    with pytest.raises(pi.InputError) as error:
        pi.parse_device_time(value, NOW)
    assert error.value.code == pi.BAD_TIME


def test_tokens_of_url_safe_ascii_are_read():
    assert pi.parse_token("abcDEF0123456789_-xyz") == "abcDEF0123456789_-xyz"
    assert pi.parse_token("8b2d7a4e-1f0c-4b5e-9d6a-0c1e2f3a4b5c") == "8b2d7a4e-1f0c-4b5e-9d6a-0c1e2f3a4b5c"
    assert pi.parse_token(None, required=False) == ""
    assert pi.parse_token("", required=False) == ""


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "short",
        "a" * 65,
        "a" * 20 + "\x00",
        "a" * 20 + "\u202e",
        "a" * 20 + "²",
        "a" * 20 + "é",
        "a" * 20 + " ",
        "a" * 20 + "/",
        "a" * 20 + "%27",
        ["a" * 20],
        b"a" * 20,
        12345678901234567890,
    ],
)
def test_tokens_refuse_everything_else(value):
    with pytest.raises(pi.InputError) as error:
        pi.parse_token(value, field="access_token")
    assert error.value.code == pi.BAD_TOKEN
    assert error.value.field == "access_token"


def test_times_and_days_from_links_and_forms():
    assert pi.parse_minute("2026-11-26T09:30") == datetime(2026, 11, 26, 9, 30)
    assert pi.parse_date("2026-11-26").isoformat() == "2026-11-26"
    for bad in [
        "2026-11-26T9:30",
        "2026-11-26 09:30",
        "2026-11-26T09:30:00",
        "２026-11-26T09:30",
        "2026-11-26T0٩:30",
        "2026-02-30T10:00",
        "2026-11-26T25:00",
        None,
        ["x"],
        "",
    ]:
        with pytest.raises(pi.InputError):
            pi.parse_minute(bad)
    for bad in ["2026-1-26", "2026-11-26T00:00", "2026-02-30", "٢٠٢٦-11-26", None, 20261126]:
        with pytest.raises(pi.InputError):
            pi.parse_date(bad)


def test_parse_phone_keeps_typed_numbers_and_refuses_other_text():
    for typed in ["06 12 34 56 78", "+33 6 12 34 56 78", "(0)6.12.34.56.78", "+1-555-555-5556"]:
        assert pi.parse_phone(typed) == typed
    for bad in [
        None,
        612345678,
        "",
        "12345",
        "06 12 34 56 78 ext",
        "０６１２３４５６７８",
        "٠٦١٢٣٤٥٦٧٨",
        "1" * 33,
    ]:
        with pytest.raises(pi.InputError) as caught:
            pi.parse_phone(bad, "phone")
        assert (caught.value.code, caught.value.field) == (pi.BAD_PHONE, "phone")
