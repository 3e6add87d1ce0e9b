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
