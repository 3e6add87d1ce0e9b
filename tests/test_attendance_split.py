"""The migration that hands az_attendance's records to the funder's file and to invoicing
names every record those addons declare and that az_attendance declared before."""

import csv
import io
import re

from conftest import REPO, load_module

migration = load_module("az_attendance/migrations/18.0.1.3.0/pre-migrate.py", "az_attendance_split_migration")

RECORD_ID = re.compile(r'<(?:record|template|menuitem)\s[^>]*?\bid="([a-z0-9_]+)"', re.S)
# Records made by the new addons themselves (az_attendance never declared them).
NEW = {
    migration.FUNDER: {
        "portal_my_attendance_certificates",
        "project_project_view_form_dropout",
        "res_company_view_form_certificate",
    },
    migration.INVOICING: set(),
}


def declared(addon):
    """The xml ids of ``addon``'s data files (demo aside), without module prefix."""
    found = set()
    for path in (REPO / addon).rglob("*"):
        if path.suffix == ".xml" and not {"static", "demo"} & set(path.parts):
            found |= set(RECORD_ID.findall(path.read_text(encoding="utf-8")))
        if path.name == "ir.model.access.csv":
            found |= {row["id"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}
    return found


def test_the_migration_hands_over_every_moved_record_and_nothing_else():
    for addon in (migration.FUNDER, migration.INVOICING):
        expected = declared(addon) - NEW[addon]
        assert set(migration.XMLIDS[addon]) == expected, addon


def test_az_attendance_keeps_none_of_the_moved_records():
    moved = set(migration.XMLIDS[migration.FUNDER]) | set(migration.XMLIDS[migration.INVOICING])
    assert not moved & declared("az_attendance")


def test_the_moved_models_are_declared_by_their_new_addon():
    for addon, models in migration.MODELS.items():
        code = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / addon).rglob("*.py"))
        for model in models:
            assert f'_name = "{model}"' in code, (addon, model)
            assert f'_name = "{model}"' not in "\n".join(
                p.read_text(encoding="utf-8") for p in (REPO / "az_attendance").rglob("*.py")
            ), model
