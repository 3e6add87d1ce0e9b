"""The test runner turns Odoo's log into a verdict: skips and missing browser runs fail."""

from conftest import load_module

run_tests = load_module("setup/run_tests.py")


def test_result_line_is_parsed():
    line = (
        "2026-11-26 06:16:32,902 8133 INFO az_test odoo.tests.result: "
        "0 failed, 0 error(s) of 17 tests when loading database 'az_test'"
    )
    assert run_tests.RESULT_RE.search(line).groups() == ("0", "0", "17")


def test_skip_line_is_seen():
    line = (
        "2026-11-26 06:16:32,902 8133 INFO az_test odoo.addons.az_booking.tests.test_x: "
        "skipped TestX.test_tour : websocket-client module is not installed"
    )
    match = run_tests.SKIP_RE.search(line)
    assert match and "websocket-client" in match.group(2)


def test_error_lines_are_seen_and_info_is_not():
    assert run_tests.LEVEL_RE.match("2026-11-26 06:16:32,902 8133 ERROR az_test odoo.x: boom")
    assert not run_tests.LEVEL_RE.match("2026-11-26 06:16:32,902 8133 INFO az_test odoo.x: fine")


def test_docutils_errors_on_descriptions_are_seen_and_warnings_are_not():
    assert run_tests.DOCUTILS_RE.match("<string>:38: (ERROR/3) Unexpected indentation.")
    assert run_tests.DOCUTILS_RE.match("<string>:2: (SEVERE/4) Title level inconsistent:")
    assert not run_tests.DOCUTILS_RE.match("<string>:43: (WARNING/2) Block quote ends without a blank line")


def test_workspace_docutils_settings_silence_mail_but_not_severe_messages(tmp_path):
    """The console of an install stays free of the message of Odoo's mail description; a
    severe message still comes through (setup/docutils.conf, set by setup/lib.sh)."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    script = (
        "import sys\n"
        "from docutils.core import publish_string\n"
        "publish_string(source=sys.stdin.read(), settings_overrides={'output_encoding': 'unicode'})\n"
    )
    env = dict(os.environ, DOCUTILSCONFIG=str(REPO / "setup" / "docutils.conf"))
    # the shape of mail's description: a list indented right under a section title
    bad_indent = (
        "Retrieve mail\n=============\nEnter the parameters.\nThis can be used, such as:\n"
        "--------------------------\n    * CRM Leads\n    * CRM Claims\nJust install it.\n"
    )
    severe = "Title\n=====\n\nSub\n---\n\nOther\n=====\n\nDeep\n~~~~\n\nBack\n---\n"
    for source, expected in ((bad_indent, ""), (severe, "SEVERE/4")):
        result = subprocess.run(
            [sys.executable, "-c", script], input=source, env=env, capture_output=True, text=True
        )
        assert "(ERROR/3)" not in result.stderr
        assert expected in result.stderr
        # without the workspace settings, the same text prints the error
        plain = subprocess.run(
            [sys.executable, "-c", script],
            input=source,
            capture_output=True,
            text=True,
            env={k: v for k, v in env.items() if k != "DOCUTILSCONFIG"},
        )
        assert ("(ERROR/3)" in plain.stderr) == (source is bad_indent)
    assert "DOCUTILSCONFIG" in (REPO / "setup" / "lib.sh").read_text()


def test_browser_run_is_recognised():
    line = (
        "2026-11-26 06:16:30,001 8133 INFO az_test odoo.addons.x.tests.test_ui.TestUi."
        "test_tour: Browser version: HeadlessChrome/156.0.8078.73"
    )
    assert run_tests.BROWSER_RE.search(line)


def test_pytest_summary_is_recognised():
    line = "4 failed, 62 passed, 1 skipped in 0.31s"
    assert run_tests.PYTEST_SUMMARY_RE.search(line)
    assert dict((w, int(n)) for n, w in run_tests.PYTEST_RE.findall(line)) == {
        "failed": 4,
        "passed": 62,
        "skipped": 1,
    }


def test_pre_commit_hooks_are_counted():
    output = "\n".join(
        [
            "ruff (lint, settings of ruff.toml)...............................Passed",
            "ruff format (settings of ruff.toml)..............................Passed",
            "pylint-odoo (OCA's Odoo checks, settings of .pylintrc)...........Failed",
            "- hook id: pylint-odoo",
            "az_booking/models/az_booking.py:1: [W8106(method-required-super), ] Missing `super`",
            "no leftover .rej or .orig files..........(no files to check)Skipped",
        ]
    )
    assert run_tests.count_hooks(output) == (2, 1, 1)
