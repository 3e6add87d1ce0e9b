"""The migration stage's verdicts: a lost row, link, xml id, digest or addon is named; a
declared renaming is followed. (The stage itself, install of the former main then update,
runs in ./setup/test.)"""

import subprocess

from conftest import REPO, load_module

check_migration = load_module("setup/check_migration.py")

MANIFESTS = {
    "az_project_base": {"depends": ["project"]},
    "az_attendance": {"depends": ["az_project_base"]},
    "az_attendance_funder": {"depends": ["az_attendance"]},
    "az_attendance_invoicing": {"depends": ["az_attendance_funder", "account"]},
}


def snap(**changes):
    base = {
        "tables": {
            "az_attendance_session": {"ids": [1, 2, 3]},
            "az_booking_slot": {"ids": [7, 8]},
            "az_attendance_session_trainer_rel": {"rows": [[1, 2], [2, 2]]},
        },
        "xmlids": [
            ["az_attendance", "group_auditor", "res.groups", 40],
            ["az_attendance", "model_az_attendance_session", "ir.model", 300],
            ["az_booking", "model_az_booking_slot", "ir.model", 310],
            ["az_booking", "field_az_booking_slot__start", "ir.model.fields", 9000],
        ],
        "digests": {"az_attendance_session.seal": {"1": "v3$abc", "2": "v3$def"}},
        "modules": {
            "project": "installed",
            "account": "installed",
            "az_project_base": "installed",
            "az_attendance": "installed",
            "az_attendance_funder": "uninstalled",
            "az_attendance_invoicing": "uninstalled",
        },
    }
    base.update(changes)
    return base


def problems(checks):
    return [p for _what, found in checks for p in found]


def test_an_update_that_keeps_everything_passes_every_check():
    after = snap(
        modules=dict(snap()["modules"], az_attendance_funder="installed", az_attendance_invoicing="installed")
    )
    checks = check_migration.compare(snap(), after, MANIFESTS, {}, {}, {})
    assert problems(checks) == []
    # one check per table, per module of xml ids, per digest column, per addon
    assert len(checks) == 3 + 2 + 1 + 4


def test_lost_rows_and_links_are_named_with_their_ids():
    after = snap()
    after["tables"] = {
        "az_attendance_session": {"ids": [1, 3]},
        "az_attendance_session_trainer_rel": {"rows": [[1, 2]]},
    }
    found = problems(check_migration.compare_tables(snap(), after, {}))
    assert found == [
        "az_attendance_session: 1 of 3 row(s) lost (ids 2)",
        "az_attendance_session_trainer_rel: 1 of 2 link(s) lost ((2, 2))",
        "az_booking_slot: the table is gone with its 2 row(s)",
    ]


def test_a_renamed_table_is_followed_and_its_losses_still_show():
    after = snap()
    after["tables"] = dict(after["tables"])
    after["tables"]["az_booking_occurrence"] = {"ids": [7]}
    del after["tables"]["az_booking_slot"]
    found = problems(
        check_migration.compare_tables(snap(), after, {"az_booking_slot": "az_booking_occurrence"})
    )
    assert found == ["az_booking_slot (now az_booking_occurrence): 1 of 2 row(s) lost (ids 8)"]


def test_an_xml_id_handed_to_a_new_addon_still_resolves():
    after = snap()
    after["xmlids"] = [
        ["az_attendance_funder", "group_auditor", "res.groups", 40],
        *after["xmlids"][1:],
    ]
    assert problems(check_migration.compare_xmlids(snap(), after, {}, {})) == []


def test_a_lost_xml_id_and_one_naming_another_record_are_told_apart():
    after = snap()
    after["xmlids"] = [
        ["az_attendance_funder", "group_auditor", "res.groups", 41],
        *after["xmlids"][2:],
    ]
    found = problems(check_migration.compare_xmlids(snap(), after, {}, {}))
    assert found == [
        "az_attendance.group_auditor (res.groups #40) now names another record: "
        "az_attendance_funder.group_auditor (res.groups #41)",
        "az_attendance.model_az_attendance_session (ir.model #300) is lost: no az_ module has "
        "the xml id model_az_attendance_session",
    ]


def test_a_renamed_model_takes_its_generated_xml_ids_along_and_a_declared_rename_is_followed():
    after = snap()
    after["xmlids"] = [
        ["az_attendance", "res_groups_auditor", "res.groups", 40],
        ["az_attendance", "model_az_attendance_session", "ir.model", 300],
        ["az_booking", "model_az_booking_occurrence", "ir.model", 310],
        ["az_booking", "field_az_booking_occurrence__start", "ir.model.fields", 9000],
    ]
    renamed = {"az_booking_slot": "az_booking_occurrence"}
    declared = {"az_attendance.group_auditor": "az_attendance.res_groups_auditor"}
    assert problems(check_migration.compare_xmlids(snap(), after, renamed, declared)) == []
    assert check_migration.renamed_xmlid("az_booking", "field_az_booking_slot_user__x", renamed, {}) == (
        "az_booking",
        "field_az_booking_slot_user__x",
    )
    assert check_migration.renamed_xmlid("az_x", "gone", {}, {"az_x.gone": None}) is None


def test_a_changed_or_lost_seal_digest_is_named():
    after = snap(digests={"az_attendance_session.seal": {"1": "v3$abc", "2": "v3$XXX"}})
    assert problems(check_migration.compare_digests(snap(), after, {})) == [
        "az_attendance_session.seal: 1 of 2 digest(s) changed or lost (#2)"
    ]
    after = snap(digests={})
    assert problems(check_migration.compare_digests(snap(), after, {})) == [
        "az_attendance_session.seal: 2 of 2 digest(s) changed or lost (#1, #2)"
    ]


def test_a_new_addon_left_uninstalled_by_the_update_fails():
    after = snap(modules=dict(snap()["modules"], az_attendance_funder="installed"))
    found = problems(check_migration.compare_modules(snap(), after, MANIFESTS))
    assert found == [
        "az_attendance_invoicing is uninstalled after the update although its dependencies "
        "(az_attendance_funder, account) are installed"
    ]


def test_an_addon_that_was_installed_must_stay_installed_and_in_the_tree():
    after = snap(modules=dict(snap()["modules"], az_attendance="to upgrade"))
    manifests = {k: v for k, v in MANIFESTS.items() if k != "az_project_base"}
    found = problems(check_migration.compare_modules(snap(), after, manifests))
    assert found[:2] == [
        "az_attendance was installed and is now to upgrade",
        "az_project_base was installed and is no longer in the current tree",
    ]


def test_integrity_anomalies_after_the_update_fail_and_say_if_they_were_there_before():
    clean = {"Les Ateliers": {"sheets": 3, "anomalies": []}}
    broken = {"Les Ateliers": {"sheets": 3, "anomalies": ["Sheet changed: Atelier (#3) Line 1: Amina"]}}
    assert problems(check_migration.integrity_checks(clean, clean)) == []
    assert problems(check_migration.integrity_checks({"Les Ateliers": {"sheets": 0, "anomalies": []}})) == [
        "the integrity check saw no sealed sheet"
    ]
    assert problems(check_migration.integrity_checks(broken, clean)) == [
        "Les Ateliers: Sheet changed: Atelier (#3) Line 1: Amina"
    ]
    assert problems(check_migration.integrity_checks(broken, broken))[-1] == (
        "Les Ateliers: (the integrity check found anomalies before the update already)"
    )


def test_error_lines_and_tracebacks_of_a_log_are_seen_and_warnings_are_not():
    log = (
        "2026-12-07 21:00:00,000 12 INFO az odoo.modules.loading: loading az_booking\n"
        "2026-12-07 21:00:00,000 12 WARNING az odoo.x: a warning\n"
        "2026-12-07 21:00:00,000 12 ERROR az odoo.sql_db: bad query\n"
        "Traceback (most recent call last):\n"
        "<string>:38: (ERROR/3) Unexpected indentation.\n"
        "<string>:43: (WARNING/2) Block quote ends without a blank line\n"
    )
    assert check_migration.log_errors(log) == [
        "2026-12-07 21:00:00,000 12 ERROR az odoo.sql_db: bad query",
        "Traceback (most recent call last):",
        "<string>:38: (ERROR/3) Unexpected indentation.",
    ]


def test_a_missing_former_commit_is_named_with_what_to_do(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    try:
        check_migration.extract_tree(tmp_path, check_migration.FORMER_COMMIT, tmp_path / "former")
    except check_migration.MigrationError as exc:
        message = str(exc)
    else:
        message = ""
    assert message.startswith(f"the former main {check_migration.FORMER_COMMIT} is not in the git history")
    assert "git fetch --unshallow" in message and "AZ_TEST_MIGRATION=0" in message
    assert not (tmp_path / "former").exists()


def test_the_former_commit_is_extracted_with_git_archive(tmp_path):
    repo = tmp_path / "repo"
    (repo / "az_x").mkdir(parents=True)
    (repo / "az_x" / "__manifest__.py").write_text('{"name": "X", "depends": ["base"]}\n')
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout
    former = check_migration.extract_tree(repo, commit.strip(), tmp_path / "former")
    assert check_migration.addons_of(former) == {"az_x": {"name": "X", "depends": ["base"]}}


def test_the_addons_of_a_tree_and_their_dependencies_are_read_from_its_manifests():
    former = check_migration.addons_of(REPO)
    assert {"az_project_base", "az_booking", "az_attendance"} <= set(former)
    assert all("depends" in manifest for manifest in former.values())


def test_the_test_runner_counts_each_check_of_the_stage_and_a_crash_as_one_failure():
    run_tests = load_module("setup/run_tests.py")
    output = "[az] migration: 60 checks held, 2 failed\nAZ-MIGRATION-RESULT 60 2\n"
    assert run_tests.count_migration(output, 1) == (60, 2)
    assert run_tests.count_migration("AZ-MIGRATION-RESULT 61 0\n", 0) == (61, 0)
    assert run_tests.count_migration("Traceback (most recent call last):\n", 1) == (0, 1)


def test_a_table_left_empty_by_the_former_database_fails_since_a_loss_there_would_not_show():
    before = snap()
    before["tables"] = dict(before["tables"], az_booking_answer={"ids": []})
    assert problems(check_migration.empty_table_checks(before)) == [
        "az_booking_answer is empty before the update: a loss would not show"
    ]


def test_a_declared_part_of_a_module_s_xml_ids_is_renamed_in_that_module_only():
    parts = {"az_booking": [("az_booking_slot", "az_booking_occurrence"), ("session", "occurrence")]}
    renamed = check_migration.renamed_xmlid
    assert renamed("az_booking", "az_booking_session_cv_week2_demo", {}, {}, parts) == (
        "az_booking",
        "az_booking_occurrence_cv_week2_demo",
    )
    assert renamed("az_booking", "az_booking_slot_view_form", {}, {}, parts) == (
        "az_booking",
        "az_booking_occurrence_view_form",
    )
    assert renamed("az_attendance", "az_attendance_session_view_form", {}, {}, parts) == (
        "az_attendance",
        "az_attendance_session_view_form",
    )
