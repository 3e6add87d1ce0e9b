"""The check of the migration stage (``check_migration.py``) on the e-mail and SMS templates.

Our templates are loaded with ``noupdate``: an update keeps the database's copy, so a change
of their language expression reaches an existing database only by a post-migration of the
addon. After the update, every template of the current data files must carry the language
expression those files give it."""

from pathlib import Path
from xml.etree import ElementTree

TEMPLATE_TABLES = {"mail_template": "mail.template", "sms_template": "sms.template"}


def template_languages(tree):
    """{(addon, xml id): language expression} of the e-mail and SMS templates of the data
    files of ``tree``."""
    found = {}
    for path in sorted(Path(tree).glob("*/data/*.xml")):
        for record in ElementTree.parse(path).getroot().iter("record"):
            lang = record.find("field[@name='lang']")
            if record.get("model") in TEMPLATE_TABLES.values() and lang is not None:
                found[(path.parent.parent.name, record.get("id"))] = lang.text
    return found


def database_languages(cr):
    """[[addon, xml id, language expression]] of the templates of our addons in a database."""
    rows = []
    for table, model in TEMPLATE_TABLES.items():
        cr.execute(
            f"SELECT d.module, d.name, t.lang FROM ir_model_data d JOIN {table} t ON t.id = d.res_id "
            "WHERE d.model = %s AND d.module LIKE 'az\\_%%'",
            [model],
        )
        rows += sorted(list(row) for row in cr.fetchall())
    return rows


def compare_templates(held_rows, expected):
    """One check per template of the current data files, as (what, problems): the database's
    copy carries the language expression of the files."""
    held = {(module, name): lang for module, name, lang in held_rows}
    checks = []
    for (module, name), lang in sorted(expected.items()):
        now = held.get((module, name))
        problems = [] if now == lang else [f"{module}.{name}: language {now!r}, the data files say {lang!r}"]
        checks.append((f"language of the template {module}.{name}", problems))
    return checks


def template_checks(cr, tree):
    """The checks of the templates of the database behind ``cr`` against the data files of
    ``tree``."""
    return compare_templates(database_languages(cr), template_languages(tree))
