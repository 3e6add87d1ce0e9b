"""The setup refuses Odoo trees that are not 18.0 Community, and CI runs the README's
test command."""

import os
import subprocess
import sys

import pytest
from conftest import REPO, load_module

check_odoo_tree = load_module("setup/check_odoo_tree.py")


def make_tree(root, version="(18, 0, 0, FINAL, 0, '')", extra_addons=()):
    (root / "odoo").mkdir(parents=True)
    (root / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (root / "odoo" / "release.py").write_text(f"FINAL = 'final'\nversion_info = {version}\n")
    for addon in ("project", *extra_addons):
        (root / "addons" / addon).mkdir(parents=True)
        (root / "addons" / addon / "__manifest__.py").write_text("{}\n")
    return root


def test_accepts_community_18(tmp_path):
    assert check_odoo_tree.check(make_tree(tmp_path / "odoo")) is None


@pytest.mark.parametrize("addon", ["web_enterprise", "web_studio", "appointment", "sign"])
def test_refuses_enterprise_tree(tmp_path, addon):
    reason = check_odoo_tree.check(make_tree(tmp_path / "odoo", extra_addons=[addon]))
    assert reason and "Enterprise" in reason and addon in reason


def test_refuses_other_version(tmp_path):
    reason = check_odoo_tree.check(make_tree(tmp_path / "odoo", version="(17, 0, 0, FINAL, 0, '')"))
    assert reason and "17.0" in reason and "18.0" in reason


def test_refuses_a_folder_without_odoo(tmp_path):
    assert "not an Odoo source tree" in check_odoo_tree.check(tmp_path)


def test_command_line_exit_codes(tmp_path):
    good = make_tree(tmp_path / "good")
    bad = make_tree(tmp_path / "bad", extra_addons=["web_enterprise"])
    script = REPO / "setup" / "check_odoo_tree.py"
    assert subprocess.run([sys.executable, script, good], check=False).returncode == 0
    refused = subprocess.run([sys.executable, script, bad], capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert "Refusing the Odoo tree" in refused.stderr


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert "./setup/test" in ci
    readme = (REPO / "README.md").read_text()
    assert "./setup/test" in readme and "./setup/run" in readme


def test_no_machine_path_in_repository():
    """Paths of one machine (a home folder, a work folder) must not leak into the files."""
    markers = ["/" + "root/", "/" + "work/", "/" + "home/"]
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    offenders = []
    for name in listed:
        path = REPO / name
        if not path.is_file() or path.suffix in {".png", ".pyc", ".ico"}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if any(marker in text for marker in markers):
            offenders.append(name)
    assert not offenders, offenders


def _cluster_setting(name, database="postgres"):
    script = f'source setup/lib.sh; pg_psql -d {database} -tAc "SHOW {name}"'
    done = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip(f"the project's PostgreSQL cluster is not running: {done.stderr.strip()}")
    return done.stdout.strip()


@pytest.mark.parametrize("setting", ["fsync", "full_page_writes", "synchronous_commit"])
def test_served_cluster_is_crash_safe(setting):
    """The cluster that ./setup/run serves holds sealed proof: a power cut must not corrupt it."""
    assert _cluster_setting(setting) == "on"


def test_test_database_alone_trades_durability_for_speed():
    script = (
        "source setup/lib.sh; create_test_database az_setup_probe; "
        'pg_psql -d az_setup_probe -tAc "SHOW synchronous_commit"; '
        'pg_psql -d az_setup_probe -tAc "SHOW fsync"; '
        'pg_psql -d postgres -qc "DROP DATABASE az_setup_probe"'
    )
    _cluster_setting("fsync")  # skips when the cluster is not running
    done = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["off", "on"]
    assert _cluster_setting("synchronous_commit") == "on"


def test_run_updates_its_database_when_the_addons_files_change(tmp_path):
    """./setup/run compares a stamp of the addons and of their files: an edited file, not only
    a new version number, makes it update the demo database before serving it."""
    (tmp_path / "setup").mkdir()
    (tmp_path / "setup" / "lib.sh").write_text((REPO / "setup" / "lib.sh").read_text())
    addon = tmp_path / "az_x"
    (addon / "models").mkdir(parents=True)
    model = addon / "models" / "thing.py"
    model.write_text("x = 1\n")
    (addon / "README.md").write_text("prose is not code\n")

    def stamp():
        return subprocess.run(
            ["bash", "-c", f"source {tmp_path}/setup/lib.sh; addons_stamp az_x"],
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, AZ_HOME=str(tmp_path / "home")),
        ).stdout

    first = stamp()
    assert first.startswith("az_x\n") and first == stamp()
    (addon / "README.md").write_text("other prose\n")
    assert stamp() == first
    model.write_text("x = 2\n")
    assert stamp() != first
    assert "addons_stamp" in (REPO / "setup" / "run").read_text()
