"""The shared post-migration of the ``noupdate`` templates and the migration stage's check of
their language."""

import json

import pytest
from conftest import REPO, load_module

templates = load_module("setup/migration_templates.py")
renew = load_module("az_project_base/tools/template_migration.py")

FORMER = "{{ object.partner_id.lang }}"
CURRENT = "{{ object.partner_id.lang or object.company_id.partner_id.lang }}"


class Cursor:
    """A cursor over one template row: what a migration reads and the writes it makes."""

    def __init__(self, texts):
        self.texts, self.written = texts, []

    def execute(self, query, params):
        self.query, self.params = query, params
        if query.lstrip().startswith("UPDATE"):
            self.written.append(json.loads(params[0]))

    def fetchall(self):
        return [(7, self.texts)]


def test_every_template_of_the_data_files_is_read_with_its_language():
    found = templates.template_languages(REPO)
    assert found[("az_attendance", "mail_template_remote_sign")] == CURRENT
    assert found[("az_attendance_sms", "sms_template_remote_sign")] == CURRENT
    assert all(module.startswith("az_") for module, _name in found)


def test_a_template_the_update_left_with_the_former_language_fails_the_stage():
    expected = {("az_attendance", "mail_template_remote_sign"): CURRENT, ("az_booking", "gone"): CURRENT}
    held = [["az_attendance", "mail_template_remote_sign", FORMER]]
    checks = dict(templates.compare_templates(held, expected))
    assert checks["language of the template az_attendance.mail_template_remote_sign"] == [
        f"az_attendance.mail_template_remote_sign: language {FORMER!r}, the data files say {CURRENT!r}"
    ]
    assert checks["language of the template az_booking.gone"], "a template missing from the database fails"
    held = [["az_attendance", "mail_template_remote_sign", CURRENT], ["az_booking", "gone", CURRENT]]
    assert all(not problems for _what, problems in templates.compare_templates(held, expected))


def test_each_language_holding_the_former_passage_is_renewed_and_an_edited_one_kept():
    cr = Cursor(
        {"en_US": "<p>at 9.</p>", "fr_FR": "<p>à 9 h.</p>", "de_DE": "<p>Mein Text</p>", "nl_NL": None}
    )
    changes = {"en_US": ("9.", "9, Paris time."), "fr_FR": ("9 h.", "9 h, heure de Paris.")}
    assert renew.renew_text(cr, "mail_template", "body_html", "az_attendance.tpl", changes) == [
        "en_US",
        "fr_FR",
    ]
    assert cr.written == [{"en_US": "<p>at 9, Paris time.</p>", "fr_FR": "<p>à 9 h, heure de Paris.</p>"}]
    # once renewed, a second run finds nothing to do
    cr = Cursor({"en_US": "<p>at 9, Paris time.</p>"})
    assert renew.renew_text(cr, "mail_template", "body_html", "az_attendance.tpl", changes) == []
    assert cr.written == []


def test_only_the_translated_texts_of_a_template_table_can_be_renewed():
    with pytest.raises(ValueError):
        renew.renew_text(Cursor({}), "mail_template", "lang", "az_attendance.tpl", {})
    with pytest.raises(KeyError):
        renew.renew_language(Cursor({}), "res_partner", "az_attendance", FORMER, CURRENT)
