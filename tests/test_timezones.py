"""Time zones named as people say them on the public pages."""

import pytest
from conftest import load_module

tz = load_module("az_project_base/tools/timezones.py")


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Europe/Paris", "Paris"),
        ("Indian/Reunion", "La Réunion"),
        ("Pacific/Noumea", "Nouméa"),
        ("America/Cayenne", "Cayenne"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("UTC", "UTC"),
        (None, "UTC"),
        ("", "UTC"),
    ],
)
def test_place_of(name, place):
    assert tz.place_of(name) == place
