"""Run the whole test suite and print one closing line.

Called by ./setup/test once the bootstrap is done (Odoo source, virtualenv, PostgreSQL).
Five stages:

1. pytest over the repository-level ``tests/`` folder (setup tooling and the pure-logic
   modules of the addons, which need no database);
2. the checks of ``.pre-commit-config.yaml`` on every file (ruff, ruff format, pylint-odoo),
   each hook counted as a test;
3. the wheels (``setup/check_wheels.py``): the addons built as ``odoo-addon-<name>`` wheels,
   installed into a fresh virtualenv and from there into a new database;
4. the migration (``setup/check_migration.py``): a database built with demo data by the former
   main is updated by the current code, which must lose no row, xml id or seal digest, install
   the new addons and leave the integrity check of the sealed sheets clean (each a check);
5. Odoo's own test runner (``--test-enable``) on a fresh database where the project's addons
   are installed with their demo data, at_install and post_install tests alike, browser tours
   included; ``base`` is installed first and its company made French (``setup/demo_company.py``),
   so that accounting comes with the French chart of accounts and euros, as on the demo.

A skipped test proves nothing: any skip in the Odoo stage fails the run, and so does a run in
which no browser test was executed, or any ERROR/CRITICAL line in Odoo's log.
"""

import argparse
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

RESULT_RE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
SKIP_RE = re.compile(r" INFO \S+ (\S+): skipped (.+)$")
LEVEL_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")
# A docutils message printed while Odoo renders a module description (setup/docutils.conf
# lets only severe ones through): an error of the run as well.
DOCUTILS_RE = re.compile(r"^<string>:\d+: \((ERROR|SEVERE)/\d\) ")
# Logged by Odoo's ChromeBrowser once Chromium answered on its debugging websocket.
BROWSER_RE = re.compile(r": Browser version: ")
PYTEST_SUMMARY_RE = re.compile(r"\d+ (?:passed|failed|error|errors|skipped)\b.* in [\d.]+s")
MIGRATION_RE = re.compile(r"^AZ-MIGRATION-RESULT (\d+) (\d+)$", re.MULTILINE)
PYTEST_RE = re.compile(r"(\d+) (passed|failed|skipped|error|errors)\b")
# pre-commit's line per hook: "<name>.....Passed", "...Failed", "...(no files to check)Skipped"
HOOK_RE = re.compile(r"^(.+?)\.{2,}(?:\(no files to check\))?(Passed|Failed|Skipped)$")


def run_pytest(python, repo):
    tests_dir = repo / "tests"
    if not any(tests_dir.glob("test_*.py")):
        return 0, 0, 0
    print("[az] stage 1: pytest tests/", flush=True)
    proc = subprocess.run(
        [python, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tests_dir)],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    sys.stdout.write(proc.stdout)
    last = [line for line in proc.stdout.splitlines() if PYTEST_SUMMARY_RE.search(line)]
    counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0, "errors": 0}
    for number, word in PYTEST_RE.findall(last[-1] if last else ""):
        counts[word] += int(number)
    failed = counts["failed"] + counts["error"] + counts["errors"]
    if proc.returncode not in (0, 5) and not failed:
        failed = 1
    return counts["passed"], failed, counts["skipped"]


def count_hooks(output):
    """(passed, failed, skipped) hooks in pre-commit's output; any other exit than success
    with no failed hook (a broken configuration...) counts as one failure."""
    counts = {"Passed": 0, "Failed": 0, "Skipped": 0}
    for line in output.splitlines():
        match = HOOK_RE.match(line.strip())
        if match:
            counts[match.group(2)] += 1
    return counts["Passed"], counts["Failed"], counts["Skipped"]


def run_checks(python, repo):
    print("[az] stage 2: checks of .pre-commit-config.yaml on every file", flush=True)
    proc = subprocess.run(
        [python, "-m", "pre_commit", "run", "--all-files", "--show-diff-on-failure", "--color=never"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    sys.stdout.write(proc.stdout)
    passed, failed, _skipped = count_hooks(proc.stdout)
    if proc.returncode and not failed:
        failed = 1
    return passed, failed


def run_wheels(python, repo, wheels_args):
    print("[az] stage 3: the addons as wheels, installed from them into a new database", flush=True)
    proc = subprocess.run(
        [python, str(repo / "setup" / "check_wheels.py"), *wheels_args], cwd=repo, check=False
    )
    return (0, 1) if proc.returncode else (1, 0)


def count_migration(output, returncode):
    """(passed, failed) checks of the migration stage from its closing line; a stage that
    stopped before it, or that failed with no failed check, counts as one failure."""
    found = MIGRATION_RE.findall(output)
    passed, failed = (int(n) for n in found[-1]) if found else (0, 0)
    if returncode and not failed:
        failed = 1
    return passed, failed


def run_migration(python, repo, migration_args):
    print("[az] stage 4: a database of the former main updated by the current code", flush=True)
    output = []
    with subprocess.Popen(
        [python, str(repo / "setup" / "check_migration.py"), *migration_args],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            output.append(line)
        returncode = proc.wait()
    return count_migration("".join(output), returncode)


def prepare_company(odoo_cmd, db, repo, log_path):
    """Install ``base`` with its demo data, then make the company French (country, euros) with
    ``setup/demo_company.py``, so that installing ``account`` brings the French chart of
    accounts and taxes, as on the demo database. Returns the problems met (none: ready)."""
    print(f"[az] stage 5: {db} created with base, its company made French (log: {log_path})", flush=True)
    base = odoo_cmd + ["-d", db, "-i", "base", "--stop-after-init", "--without-demo=", "--log-level=warn"]
    shell = odoo_cmd[:2] + ["shell"] + odoo_cmd[2:] + ["-d", db, "--no-http", "--log-level=warn"]
    with open(log_path, "w", encoding="utf-8") as log:
        for what, cmd, stdin in (
            ("installing base", base, None),
            ("making the company French", shell, repo / "setup" / "demo_company.py"),
        ):
            with open(stdin, encoding="utf-8") if stdin else open("/dev/null", encoding="utf-8") as given:
                proc = subprocess.run(cmd, stdin=given, stdout=log, stderr=subprocess.STDOUT, check=False)
            if proc.returncode:
                return [f"{what} on {db} failed (exit code {proc.returncode}): see {log_path}"]
    return []


def run_odoo(odoo_cmd, db, addons, http_port, log_path, timeout, extra_modules=""):
    tags = ",".join(f"/{a}" for a in addons.split(","))
    install = ",".join(m for m in [addons, extra_modules] if m)
    cmd = odoo_cmd + [
        "-d",
        db,
        "-i",
        install,
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--log-level=info",
        f"--http-port={http_port}",
        "--max-cron-threads=0",
        "--without-demo=",
    ]
    print(f"[az] stage 5: Odoo tests of {addons} on database {db} (log: {log_path})", flush=True)
    failed = errors = total = 0
    found_result = False
    skips, error_lines = [], []
    browser_started = 0
    timed_out = threading.Event()

    def kill_on_timeout(proc):
        timed_out.set()
        proc.kill()

    with (
        open(log_path, "w", encoding="utf-8") as log,
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1) as proc,
    ):
        # A test that hangs (a lock never released...) must fail the run, not stall CI.
        watchdog = threading.Timer(timeout, kill_on_timeout, [proc])
        watchdog.daemon = True
        watchdog.start()
        for line in proc.stdout:
            log.write(line)
            sys.stdout.write(line)
            match = RESULT_RE.search(line)
            if match:
                found_result = True
                failed, errors, total = (int(g) for g in match.groups())
                continue
            match = SKIP_RE.search(line)
            if match:
                skips.append(f"{match.group(1)}: {match.group(2)}")
            if LEVEL_RE.match(line) or DOCUTILS_RE.match(line):
                error_lines.append(line.rstrip())
            if BROWSER_RE.search(line):
                browser_started += 1
        returncode = proc.wait()
        watchdog.cancel()
    return {
        "timed_out": timed_out.is_set(),
        "returncode": returncode,
        "found_result": found_result,
        "failed": failed + errors,
        "total": total,
        "skips": skips,
        "error_lines": error_lines,
        "browser_started": browser_started,
    }


def odoo_problems(odoo, timeout, require_browser):
    """What makes the Odoo stage fail beside its failed tests."""
    problems = []
    if odoo["timed_out"]:
        problems.append(f"the Odoo stage did not finish within {timeout}s and was stopped")
    if not odoo["found_result"]:
        problems.append(f"Odoo stopped before reporting test results (exit code {odoo['returncode']})")
    if odoo["found_result"] and odoo["total"] == 0:
        problems.append("Odoo ran no test")
    if odoo["skips"]:
        problems.append(f"{len(odoo['skips'])} Odoo test(s) skipped; a skipped test proves nothing")
    if require_browser and not odoo["browser_started"]:
        problems.append("no browser test ran (Chromium never started)")
    if odoo["error_lines"] and not odoo["failed"]:
        problems.append(f"{len(odoo['error_lines'])} ERROR line(s) in Odoo's log")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--python", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons", required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--require-browser", action="store_true")
    parser.add_argument(
        "--extra-modules",
        default="",
        help="Odoo modules installed beside the addons (whose optional paths "
        "the tests then cover), not tested themselves",
    )
    parser.add_argument(
        "--timeout", type=int, default=3600, help="seconds after which the Odoo stage is stopped and fails"
    )
    parser.add_argument("--odoo-src", help="Odoo's source tree, for the wheel stage")
    parser.add_argument("--wheels-db", help="an empty database for the wheel stage (none: no wheel stage)")
    parser.add_argument("--wheels-port", type=int, default=8170)
    parser.add_argument(
        "--migration-db", help="an empty database for the migration stage (none: no migration stage)"
    )
    parser.add_argument("--migration-port", type=int, default=8171)
    parser.add_argument("odoo_cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    repo = Path(__file__).resolve().parent.parent
    odoo_cmd = [a for a in args.odoo_cmd if a != "--"]
    started = time.time()

    py_passed, py_failed, py_skipped = run_pytest(args.python, repo)
    checks_passed, checks_failed = run_checks(args.python, repo)
    wheels_passed = wheels_failed = 0
    if args.wheels_db:
        db_options = [a for a in odoo_cmd if a.startswith("--db_")]
        wheels_log = str(Path(args.log).with_name(f"test-{args.wheels_db}.log"))
        wheels_passed, wheels_failed = run_wheels(
            args.python,
            repo,
            ["--odoo-src", args.odoo_src, "--db", args.wheels_db, "--http-port", str(args.wheels_port)]
            + ["--log", wheels_log, "--", *db_options],
        )
    migration_passed = migration_failed = 0
    if args.migration_db:
        db_options = [a for a in odoo_cmd if a.startswith("--db_")]
        migration_passed, migration_failed = run_migration(
            args.python,
            repo,
            ["--odoo-src", args.odoo_src, "--db", args.migration_db]
            + ["--http-port", str(args.migration_port)]
            + ["--log", str(Path(args.log).with_name(f"test-{args.migration_db}.log")), "--", *db_options],
        )
    prepare_log = str(Path(args.log).with_name(f"test-{args.db}-company.log"))
    preparation = prepare_company(odoo_cmd, args.db, repo, prepare_log)
    odoo = run_odoo(
        odoo_cmd, args.db, args.addons, args.http_port, args.log, args.timeout, args.extra_modules
    )

    problems = preparation + odoo_problems(odoo, args.timeout, args.require_browser)

    print()
    print("[az] " + "=" * 70)
    print(f"[az] pytest: {py_passed} passed, {py_failed} failed, {py_skipped} skipped")
    print(f"[az] checks: {checks_passed} passed, {checks_failed} failed (pre-commit hooks)")
    if args.wheels_db:
        print(f"[az] wheels: {wheels_passed} passed, {wheels_failed} failed")
    if args.migration_db:
        print(f"[az] migration: {migration_passed} passed, {migration_failed} failed")
    odoo_passed = max(odoo["total"] - odoo["failed"], 0)
    print(
        f"[az] odoo:   {odoo_passed} passed, {odoo['failed']} failed, "
        f"{len(odoo['skips'])} skipped; browser runs: {odoo['browser_started']}"
    )
    for skip in odoo["skips"]:
        print(f"[az]   skipped {skip}")
    for line in odoo["error_lines"][:30]:
        print(f"[az]   {line[:400]}")
    for problem in problems:
        print(f"[az] FAIL: {problem}")
    if checks_failed:
        print("[az] FAIL: pre-commit found problems (above, stage 2): setup/venv-run pre-commit run -a")
    if wheels_failed:
        print("[az] FAIL: the wheel stage failed (above, stage 3)")
    if migration_failed:
        print("[az] FAIL: the migration stage found losses or failed (above, stage 4)")
    failed = (
        py_failed
        + checks_failed
        + wheels_failed
        + migration_failed
        + odoo["failed"]
        + (1 if problems and not odoo["failed"] else 0)
    )
    passed = py_passed + checks_passed + wheels_passed + migration_passed + odoo_passed
    skipped = py_skipped + len(odoo["skips"])
    print(f"[az] {time.time() - started:.0f}s")
    # The closing line, in pytest's words.
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
