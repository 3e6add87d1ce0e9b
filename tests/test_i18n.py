"""Every addon ships a template and a complete French catalogue."""

import re

import polib
import pytest
from conftest import REPO

ADDONS = sorted(p.parent.name for p in REPO.glob("*/__manifest__.py"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%[sdf]")


def test_there_are_addons():
    assert "az_project_base" in ADDONS


@pytest.mark.parametrize("addon", ADDONS)
def test_french_catalogue_is_complete(addon):
    i18n = REPO / addon / "i18n"
    pot = polib.pofile(str(i18n / f"{addon}.pot"))
    fr = polib.pofile(str(i18n / "fr.po"))
    translated = {e.msgid: e for e in fr if not e.obsolete}
    missing = [e.msgid for e in pot if e.msgid not in translated]
    assert not missing, f"{addon}: strings of the template absent from fr.po: {missing[:10]}"
    empty = [e.msgid for e in translated.values() if not e.msgstr]
    assert not empty, f"{addon}: untranslated French strings: {empty[:10]}"
    fuzzy = [e.msgid for e in translated.values() if "fuzzy" in e.flags]
    assert not fuzzy, f"{addon}: fuzzy French strings: {fuzzy[:10]}"


@pytest.mark.parametrize("addon", ADDONS)
def test_french_keeps_placeholders(addon):
    fr = polib.pofile(str(REPO / addon / "i18n" / "fr.po"))
    broken = [
        e.msgid
        for e in fr
        if e.msgstr and sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(e.msgstr))
    ]
    assert not broken, f"{addon}: placeholders differ between English and French: {broken[:5]}"


@pytest.mark.parametrize("addon", ADDONS)
def test_french_of_code_strings_is_marked_for_loading(addon):
    """Odoo loads the French of a string used in JavaScript (an OWL screen) only when its entry
    is marked ``odoo-javascript``, and of one used in Python only when marked ``odoo-python``:
    without the mark, the trainer reads "Kiosk" and "Validate" on a French screen."""
    unmarked = []
    for name in (f"{addon}.pot", "fr.po"):
        for entry in polib.pofile(str(REPO / addon / "i18n" / name)):
            places = [place for place, _line in entry.occurrences]
            comment = entry.comment or ""
            if any("/static/" in place for place in places) and "odoo-javascript" not in comment:
                unmarked.append(f"{name}: {entry.msgid!r} (JavaScript)")
            if any(place.startswith("code:") and place.endswith(".py") for place in places) and (
                "odoo-python" not in comment
            ):
                unmarked.append(f"{name}: {entry.msgid!r} (Python)")
    assert not unmarked, "\n".join(unmarked)
