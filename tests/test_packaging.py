"""What a production Odoo receives is apart from the tools of this repository, and the checks
of pre-commit are local and use the repository's settings."""

import re
import subprocess
import sys

import yaml
from conftest import REPO

TOOLS = {
    "pytest",
    "websocket-client",
    "ruff",
    "pylint-odoo",
    "pre-commit",
    "whool",
    "zope.interface",
    "zope.event",
}


def requirement_lines(name):
    lines = (REPO / name).read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_runtime_requirements_hold_no_tool_and_no_pin():
    runtime = requirement_lines("requirements.txt")
    names = {re.split(r"[<>=!~; ]", line)[0].lower() for line in runtime}
    assert names == {"phonenumbers", "fonttools"}
    assert not [line for line in runtime if "==" in line], "a production Odoo keeps its own versions"


def test_development_requirements_hold_the_tools_and_the_setup_installs_both():
    names = {re.split(r"[<>=!~; ]", line)[0].lower() for line in requirement_lines("requirements-dev.txt")}
    assert TOOLS <= names
    lib = (REPO / "setup" / "lib.sh").read_text()
    assert '-r "$AZ_REPO/requirements.txt" -r "$AZ_REPO/requirements-dev.txt"' in lib


def test_pre_commit_hooks_are_local_and_use_the_repository_settings():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "ruff-format", "pylint-odoo", "gen-readme"} <= set(hooks)
    # ruff reads ruff.toml: no hook overrides its rules or line length
    assert "--select" not in hooks["ruff"]["entry"] and "--line-length" not in hooks["ruff-format"]["entry"]
    assert "--rcfile=.pylintrc" in hooks["pylint-odoo"]["entry"]


def test_pylintrc_names_only_checks_that_exist():
    done = subprocess.run(
        [sys.executable, "-m", "pylint", "--rcfile", str(REPO / ".pylintrc"), "--list-msgs-enabled"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    enabled = done.stdout.split("Disabled messages:")[0]
    for check in ("sql-injection", "invalid-commit", "method-required-super", "missing-readme"):
        assert f"{check} (" in enabled
    # a name pylint does not know is reported as soon as it checks a file
    lint = subprocess.run(
        [sys.executable, "-m", "pylint", "--rcfile", str(REPO / ".pylintrc"), "az_booking_sms/__init__.py"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert lint.returncode == 0 and "unknown-option-value" not in lint.stdout, lint.stdout
