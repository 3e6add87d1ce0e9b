"""Durations written as people read them on the booking pages, e-mails and SMS."""

import pytest
from conftest import load_module

durations = load_module("az_project_base/tools/durations.py")


@pytest.mark.parametrize(
    ("hours", "lang", "text"),
    [
        (1.0, "fr_FR", "1 h"),
        (1.5, "fr_FR", "1 h 30"),
        (2.0833333, "fr_FR", "2 h 05"),
        (0.75, "fr_FR", "45 min"),
        (1.0, "en_US", "1 h"),
        (1.5, "en_US", "1 h 30 min"),
        (0.25, "en_US", "15 min"),
        (1.5, None, "1 h 30 min"),
        (1.5, "fr_BE", "1 h 30"),
        (0.0, "fr_FR", "0 min"),
        (None, "fr_FR", "0 min"),
    ],
)
def test_format_duration(hours, lang, text):
    assert durations.format_duration(hours, lang) == text


def test_a_duration_is_never_a_clock_time():
    """ "1:00" reads as one o'clock: no duration is written with a colon."""
    for minutes in range(0, 24 * 60, 5):
        for lang in ("fr_FR", "en_US"):
            assert ":" not in durations.format_duration(minutes / 60, lang)
