"""Update a database built by the former code with the current code, and prove nothing was lost.

Run by ./setup/test (its migration stage) after the wheel stage; exits non-zero when the update
fails or loses anything, and says what. Steps:

1. the tree of the former main (``FORMER_COMMIT``) is extracted with ``git archive`` into a
   temporary folder; Odoo, run from ``--odoo-src`` with an addons path that holds that tree and
   not the current one, installs every addon of it and ``sms`` with their demo data into a
   database of its own; a short script run by ``odoo-bin shell`` then does what the demo lacks
   (an amendment of a sealed sheet, certificates, a justification bundle, invoices, a signing-code
   try, a booking answer, a series), so that every table of ours has rows and a loss shows;
2. a snapshot is read by SQL: the ids of every table of an ``az.*`` model and the rows of every
   ``az_*`` many2many table; the ``ir_model_data`` rows of the ``az_%`` modules; the states of
   the modules; the seal digests (every ``seal``, ``hash``, ``previous_hash``, ``header_hash``,
   ``amendment_head`` and ``*_sha256`` column of an ``az_*`` table);
3. Odoo, with an addons path that holds the current tree, updates the addons that were installed
   (``-u``, ``--stop-after-init``); any ERROR or CRITICAL line or traceback in its log fails;
4. a second snapshot is compared with the first, each comparison a counted check: every row of
   every table is still there under its id (a table renamed by a migration is declared in
   ``RENAMED_TABLES``), every former xml id resolves to the same record (in any ``az_%``
   module: a migration may hand it to a new addon; one renamed on purpose is declared in
   ``RENAMED_XMLIDS``), every addon of the current tree whose dependencies are installed is
   installed, the seal digests are unchanged, and the company integrity check of the sealed
   sheets (the one of the daily job and of the printed report) finds nothing wrong.

The last line of the output is ``AZ-MIGRATION-RESULT <passed> <failed>``: the number of checks
that held and that failed, which ./setup/test adds to its closing line.
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import closing
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The main branch before issue 20 split the addons by concern: the last code whose databases
# exist in the field. Databases it built must move to the current code without losing a record.
FORMER_COMMIT = "a9cfed8"
# Tables renamed by a migration of the current tree, {former table: current table} (a model's
# table is its name with dots as underscores: "az_booking_slot": "az_booking_occurrence").
# The xml ids Odoo makes from the model's name (model_*, field_*, selection__*) follow it.
RENAMED_TABLES = {
    # 18.0.1.3.0 of az_booking: the workshop occurrence has one name (README, "Words")
    "az_booking_slot": "az_booking_occurrence",
    "az_booking_slot_user_rel": "az_booking_occurrence_user_rel",
}
# Xml ids renamed by a migration of the current tree, {"module.former": "module.current"}; the
# record must stay the same. None for one removed on purpose (say why beside it).
RENAMED_XMLIDS = {}
# Parts of the xml ids of a module renamed by a migration, {module: [(former, current), ...]},
# applied in order to every xml id of that module not named in RENAMED_XMLIDS.
RENAMED_XMLID_PARTS = {
    "az_booking": [
        ("az_booking_slot", "az_booking_occurrence"),
        ("session", "occurrence"),
        ("__slot_id", "__occurrence_id"),
    ],
    "az_booking_sms": [("session", "occurrence")],
    "az_booking_attendance": [("az_booking_slot", "az_booking_occurrence")],
}
EXTRA_MODULES = ["sms"]
DIGEST_COLUMNS = ("seal", "hash", "previous_hash", "header_hash", "amendment_head")
# The same as run_tests.LEVEL_RE: a line Odoo logs at ERROR or CRITICAL level; and the same as
# run_tests.DOCUTILS_RE: a docutils error printed while Odoo renders a module description.
LEVEL_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")
DOCUTILS_RE = re.compile(r"^<string>:\d+: \((ERROR|SEVERE)/\d\) ")
MARK = "AZ-MIGRATION "

# Run by `odoo-bin shell` on the former code, once its demo data is installed: the records the
# demo does not make, so that each table of ours holds rows whose loss would show.
ACTIVITY = r"""
import json
from datetime import timedelta
from odoo import Command, fields

ref = env.ref
today = fields.Date.context_today(env["res.users"])
period = (today - timedelta(days=60), today)
project = ref("az_project_base.project_project_digital_demo")
funding = ref("az_project_base.az_funding_departement_demo")
sheets = env["az.attendance.session"].search(
    [("project_id", "=", project.id), ("state", "=", "validated"), ("seal", "!=", False)], order="start"
)
assert sheets, "the demo data has no sealed sheet"
line = sheets[-1].line_ids.filtered(lambda l: l.status == "absent")[:1] or sheets[-1].line_ids[:1]
env["az.attendance.amendment"].create(
    {
        "session_id": sheets[-1].id,
        "line_id": line.id,
        "reason": "Came late, signed the paper sheet",
        "field_name": "status",
        "new_status": "late",
    }
)
env["az.attendance.certificate"]._issue(project, *period)
bundle = env["az.attendance.bundle"].create(
    {"funding_id": funding.id, "date_from": period[0], "date_to": period[1]}
)
bundle._build()
assert bundle.state == "done", bundle.error
env["az.attendance.invoice.wizard"].create(
    {"date_from": period[0], "date_to": period[1], "funding_ids": [Command.set(funding.ids)]}
).action_create_invoices()
booking = ref("az_booking.az_booking_amina_first_demo")
env["az.booking.answer"].create(
    {
        "booking_id": booking.id,
        "question_id": ref("az_booking.az_booking_question_first_need_demo").id,
        "value": "Refaire mon CV",
    }
)
series = env["az.booking.series"].create(
    {"name": "Suivi CV", "type_id": booking.type_id.id, "partner_id": booking.partner_id.id}
)
booking.series_id = series
env.cr.commit()
# on a cursor of its own, committed at once
env["az.attendance.sign.attempt"]._reserve(line.id)
"""

# Run by `odoo-bin shell`: the company integrity check of the sealed sheets, the method of the
# daily job and of the printed report, for every company; prints its anomalies.
INTEGRITY = r"""
import json
found = {}
for company in env["res.company"].search([]):
    report = env["az.attendance.ledger"].sudo()._check_integrity(company)
    found[company.name] = {
        "sheets": report["sheets"],
        "anomalies": [
            f"{a['label']}: {a['sheet']} {a['detail']}".strip().replace("\n", "; ")
            for a in report["anomalies"]
        ],
    }
env.cr.commit()
print(%(mark)r + json.dumps(found), flush=True)
"""


class MigrationError(Exception):
    """A step of the stage that could not be done (not a loss: the check could not run)."""


def say(message):
    print(f"[az] migration: {message}", flush=True)


# ---------------------------------------------------------------------------- the former tree
def missing_commit_message(commit, repo):
    return (
        f"the former main {commit} is not in the git history of {repo} (a shallow clone, or no "
        f"clone at all?): the migration stage builds its database from that commit. Fetch the "
        f"whole history (git fetch --unshallow) or skip the stage with AZ_TEST_MIGRATION=0."
    )


def extract_tree(repo, commit, dest):
    """The tree of ``commit`` written into ``dest`` (git archive); MigrationError if the
    commit is not in the repository's history."""
    try:
        known = subprocess.run(
            ["git", "-C", str(repo), "cat-file", "-e", f"{commit}^{{commit}}"],
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise MigrationError(f"git could not run ({exc}): {missing_commit_message(commit, repo)}") from exc
    if known.returncode:
        raise MigrationError(missing_commit_message(commit, repo))
    dest.mkdir(parents=True, exist_ok=True)
    with subprocess.Popen(["git", "-C", str(repo), "archive", commit], stdout=subprocess.PIPE) as proc:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
            archive.extractall(dest, filter="data")
    if proc.returncode:
        raise MigrationError(f"git archive {commit} failed (exit code {proc.returncode})")
    return dest


def addons_of(tree):
    """{addon: manifest} of the installable addons at the root of ``tree``."""
    found = {}
    for manifest_path in sorted(Path(tree).glob("*/__manifest__.py")):
        manifest = ast.literal_eval(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("installable", True):
            found[manifest_path.parent.name] = manifest
    return found


# ---------------------------------------------------------------------------- Odoo runs
def log_errors(text):
    """The ERROR/CRITICAL lines, docutils errors and the first line of each traceback of an
    Odoo log."""
    return [
        line
        for line in text.splitlines()
        if LEVEL_RE.match(line) or DOCUTILS_RE.match(line) or line.startswith("Traceback")
    ]


def odoo_run(args, odoo_argv, log, stdin=None):
    """Run odoo-bin with ``odoo_argv``; its output goes to ``log`` and is returned."""
    cmd = [sys.executable, str(Path(args.odoo_src) / "odoo-bin"), *odoo_argv]
    # docutils' console messages on module descriptions: severe ones only, as in ./setup/test
    env = dict(os.environ)
    env.setdefault("DOCUTILSCONFIG", str(REPO / "setup" / "docutils.conf"))
    done = subprocess.run(
        cmd,
        env=env,
        input=stdin or "",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    log.write(f"\n### {' '.join(odoo_argv[:3])} ...\n{done.stdout}")
    log.flush()
    return done


def base_argv(args, tree, data_dir):
    return [
        f"--addons-path={args.odoo_src}/addons,{args.odoo_src}/odoo/addons,{tree}",
        f"--data-dir={data_dir}",
        *args.db_options,
        "-d",
        args.db,
        "--max-cron-threads=0",
        "--log-level=info",
    ]


def shell(args, tree, data_dir, code, log, what):
    """Run ``code`` in `odoo-bin shell` on ``tree``; the JSON printed after MARK, if any."""
    done = odoo_run(args, ["shell", *base_argv(args, tree, data_dir), "--no-http"], log, stdin=code)
    errors = log_errors(done.stdout)
    if done.returncode or errors:
        raise MigrationError(
            f"{what} failed (exit code {done.returncode}): " + " | ".join(errors[-5:] or [done.stdout[-600:]])
        )
    marked = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    return json.loads(marked[-1].removeprefix(MARK)) if marked else None


def integrity(args, tree, data_dir, log, what):
    report = shell(args, tree, data_dir, INTEGRITY % {"mark": MARK}, log, what)
    if report is None:
        raise MigrationError(f"{what} printed no result")
    return report


# ---------------------------------------------------------------------------- snapshots
def connect(db, db_options):
    import psycopg2

    options = dict(o.removeprefix("--").split("=", 1) for o in db_options if "=" in o)
    params = {"dbname": db}
    for option, param in (
        ("db_host", "host"),
        ("db_port", "port"),
        ("db_user", "user"),
        ("db_password", "password"),
    ):
        if options.get(option):
            params[param] = options[option]
    return psycopg2.connect(**params)


def snapshot(cr):
    """What the database holds of ours, as plain JSON-able values."""
    cr.execute("SELECT model, transient FROM ir_model WHERE model LIKE 'az.%%'")
    models = dict(cr.fetchall())
    cr.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'az\\_%%'"
    )
    tables = sorted(row[0] for row in cr.fetchall())
    # the rows of a wizard (a transient model) and its links are thrown away by design
    transient = {model.replace(".", "_") for model, is_transient in models.items() if is_transient}
    cr.execute(
        "SELECT f.relation_table FROM ir_model_fields f JOIN ir_model m ON m.id = f.model_id "
        "WHERE f.ttype = 'many2many' AND m.transient AND f.relation_table IS NOT NULL"
    )
    transient |= {row[0] for row in cr.fetchall()}
    model_tables = {model.replace(".", "_") for model in models}
    result = {"tables": {}, "digests": {}}
    for table in tables:
        if table in transient:
            continue
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cr.fetchall()]
        if table in model_tables and "id" in columns:
            cr.execute(f'SELECT id FROM "{table}" ORDER BY id')  # names read from the catalog
            result["tables"][table] = {"ids": [row[0] for row in cr.fetchall()]}
            for column in columns:
                if column in DIGEST_COLUMNS or column.endswith("_sha256"):
                    cr.execute(f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
                    result["digests"][f"{table}.{column}"] = {str(i): v for i, v in cr.fetchall()}
        elif "id" not in columns:
            names = ", ".join(f'"{c}"' for c in columns)
            cr.execute(f'SELECT {names} FROM "{table}" ORDER BY 1, 2')
            result["tables"][table] = {"rows": [list(row) for row in cr.fetchall()]}
    cr.execute("SELECT module, name, model, res_id FROM ir_model_data WHERE module LIKE 'az\\_%%'")
    result["xmlids"] = sorted(list(row) for row in cr.fetchall())
    cr.execute("SELECT name, state FROM ir_module_module")
    result["modules"] = dict(cr.fetchall())
    return result


def take_snapshot(args):
    conn = connect(args.db, args.db_options)
    try:
        with conn.cursor() as cr:
            return snapshot(cr)
    finally:
        conn.close()


# ---------------------------------------------------------------------------- comparison
def renamed_xmlid(module, name, renamed_tables=None, renamed_xmlids=None, renamed_parts=None):
    """The (module, name) a former xml id is expected under now, or None when it was removed
    on purpose. Odoo names a model's own xml ids after the model: they follow its table."""
    renamed_tables = RENAMED_TABLES if renamed_tables is None else renamed_tables
    renamed_xmlids = RENAMED_XMLIDS if renamed_xmlids is None else renamed_xmlids
    full = f"{module}.{name}"
    if full in renamed_xmlids:
        target = renamed_xmlids[full]
        return tuple(target.split(".", 1)) if target else None
    for old, new in (renamed_parts or {}).get(module, ()):
        name = name.replace(old, new)
    for old, new in renamed_tables.items():
        if name == f"model_{old}":
            return module, f"model_{new}"
        for prefix in ("field_", "selection__"):
            if name.startswith(f"{prefix}{old}__"):
                return module, f"{prefix}{new}__" + name.removeprefix(f"{prefix}{old}__")
    return module, name


def compare_tables(before, after, renamed_tables):
    checks = []
    for table, held in sorted(before["tables"].items()):
        current = renamed_tables.get(table, table)
        label = table if current == table else f"{table} (now {current})"
        now = after["tables"].get(current)
        problems = []
        if now is None:
            count = len(held.get("ids", held.get("rows", [])))
            problems.append(f"{label}: the table is gone with its {count} row(s)")
        elif "ids" in held:
            lost = sorted(set(held["ids"]) - set(now.get("ids", [])))
            if lost:
                shown = ", ".join(map(str, lost[:10])) + (", ..." if len(lost) > 10 else "")
                problems.append(f"{label}: {len(lost)} of {len(held['ids'])} row(s) lost (ids {shown})")
        else:
            lost = {tuple(r) for r in held["rows"]} - {tuple(r) for r in now.get("rows", [])}
            if lost:
                shown = ", ".join(map(str, sorted(lost)[:5]))
                problems.append(f"{label}: {len(lost)} of {len(held['rows'])} link(s) lost ({shown})")
        checks.append((f"rows of {label}", problems))
    return checks


def compare_xmlids(before, after, renamed_tables, renamed_xmlids, renamed_parts=None):
    """One check per former module: each of its xml ids names the same record now."""
    by_name = {}
    for module, name, model, res_id in after["xmlids"]:
        by_name.setdefault(name, []).append((module, model, res_id))
    per_module = {}
    for module, name, model, res_id in before["xmlids"]:
        problems = per_module.setdefault(module, [])
        target = renamed_xmlid(module, name, renamed_tables, renamed_xmlids, renamed_parts)
        if target is None:
            continue
        table = model.replace(".", "_")
        table = renamed_tables.get(table, table)
        found = by_name.get(target[1], [])
        if any(m.replace(".", "_") == table and r == res_id for _mod, m, r in found):
            continue
        where = f"{module}.{name} ({model} #{res_id})"
        if found:
            now = ", ".join(f"{mod}.{target[1]} ({m} #{r})" for mod, m, r in found)
            problems.append(f"{where} now names another record: {now}")
        else:
            problems.append(f"{where} is lost: no az_ module has the xml id {target[1]}")
    return [(f"xml ids of {module}", problems) for module, problems in sorted(per_module.items())]


def compare_digests(before, after, renamed_tables):
    checks = []
    for key, values in sorted(before["digests"].items()):
        table, column = key.split(".", 1)
        current = f"{renamed_tables.get(table, table)}.{column}"
        now = after["digests"].get(current, {})
        changed = [rid for rid, value in values.items() if now.get(rid) != value]
        problems = []
        if changed:
            shown = ", ".join(f"#{rid}" for rid in sorted(changed, key=int)[:10])
            problems.append(f"{key}: {len(changed)} of {len(values)} digest(s) changed or lost ({shown})")
        checks.append((f"digests {key}", problems))
    return checks


def compare_modules(before, after, manifests):
    """Every addon installed before still is; every addon of the current tree whose
    dependencies are installed is installed (a new addon too: the update must install it)."""
    checks = []
    states = after["modules"]
    for name, state in sorted(before["modules"].items()):
        if state == "installed" and name.startswith("az_"):
            problems = []
            if name not in manifests:
                problems.append(f"{name} was installed and is no longer in the current tree")
            elif states.get(name) != "installed":
                problems.append(f"{name} was installed and is now {states.get(name) or 'unknown'}")
            checks.append((f"{name} still installed", problems))
    for name, manifest in sorted(manifests.items()):
        if before["modules"].get(name) == "installed":
            continue
        depends = manifest.get("depends", [])
        if all(states.get(d) == "installed" for d in depends):
            problems = []
            if states.get(name) != "installed":
                problems.append(
                    f"{name} is {states.get(name) or 'unknown to Odoo'} after the update although "
                    f"its dependencies ({', '.join(depends)}) are installed"
                )
            checks.append((f"{name} installed by the update", problems))
    return checks


def compare(before, after, manifests, renamed_tables=None, renamed_xmlids=None, renamed_parts=None):
    """Every check of the update, as (what, problems): it held when ``problems`` is empty."""
    renamed_tables = RENAMED_TABLES if renamed_tables is None else renamed_tables
    renamed_xmlids = RENAMED_XMLIDS if renamed_xmlids is None else renamed_xmlids
    renamed_parts = RENAMED_XMLID_PARTS if renamed_parts is None else renamed_parts
    return (
        compare_tables(before, after, renamed_tables)
        + compare_xmlids(before, after, renamed_tables, renamed_xmlids, renamed_parts)
        + compare_digests(before, after, renamed_tables)
        + compare_modules(before, after, manifests)
    )


def integrity_checks(report, before=None):
    """One check per company: the integrity check found no anomaly; and one that it saw
    sealed sheets at all (else it proves nothing)."""
    sheets = sum(found["sheets"] for found in report.values())
    checks = [
        (
            "the integrity check saw sealed sheets",
            [] if sheets else ["the integrity check saw no sealed sheet"],
        )
    ]
    for company, found in sorted(report.items()):
        problems = [f"{company}: {anomaly}" for anomaly in found["anomalies"]]
        if problems and before and before.get(company, {}).get("anomalies"):
            problems.append(f"{company}: (the integrity check found anomalies before the update already)")
        checks.append((f"integrity of {company}'s sealed sheets", problems))
    return checks


def empty_table_checks(snap):
    """One check per table of ours in the former database: it holds rows (else a loss there
    could not be seen: the activity must make some)."""
    return [
        (
            f"{table} holds rows before the update",
            []
            if held.get("ids", held.get("rows"))
            else [f"{table} is empty before the update: a loss would not show"],
        )
        for table, held in sorted(snap["tables"].items())
    ]


# ---------------------------------------------------------------------------- the stage
def build_former(args, former, data_dir, log):
    manifests = addons_of(former)
    install = sorted(manifests) + EXTRA_MODULES
    say(f"Odoo installs {', '.join(install)} of {FORMER_COMMIT} with demo data on {args.db}")
    argv = base_argv(args, former, data_dir) + [
        "-i",
        ",".join(install),
        "--without-demo=",
        "--stop-after-init",
    ]
    done = odoo_run(args, [*argv, f"--http-port={args.http_port}"], log)
    errors = log_errors(done.stdout)
    if done.returncode or errors:
        raise MigrationError(
            f"the install of {FORMER_COMMIT} failed (exit code {done.returncode}): " + " | ".join(errors[:5])
        )
    say("activity the demo lacks: an amendment, certificates, a bundle, invoices, a try, an answer, a series")
    shell(args, former, data_dir, ACTIVITY, log, f"the activity on {FORMER_COMMIT}")
    return manifests


def update(args, tree, data_dir, addons, log):
    say(f"Odoo updates {', '.join(addons)} with the code of {tree}")
    argv = base_argv(args, tree, data_dir) + ["-u", ",".join(addons), "--stop-after-init"]
    done = odoo_run(args, [*argv, f"--http-port={args.http_port}"], log)
    errors = log_errors(done.stdout)
    problems = [f"Odoo logged: {line[:300]}" for line in errors[:10]]
    if done.returncode:
        problems.append(f"the update exited with code {done.returncode}")
    return problems


def template_checks(args):
    import migration_templates  # the templates' language (noupdate): beside this script

    with closing(connect(args.db, args.db_options)) as conn, conn.cursor() as cr:
        return migration_templates.template_checks(cr, args.tree)


def run_stage(args, log):
    """(checks, problems): the counted checks, and what stopped the stage before them."""
    with tempfile.TemporaryDirectory(prefix="az-migration-") as tmp:
        tmp = Path(tmp)
        data_dir = tmp / "data"
        former = extract_tree(args.repo, FORMER_COMMIT, tmp / "former")
        build_former(args, former, data_dir, log)
        before_integrity = integrity(args, former, data_dir, log, f"the integrity check on {FORMER_COMMIT}")
        before = take_snapshot(args)
        checks = empty_table_checks(before)
        installed = sorted(
            n for n, s in before["modules"].items() if s == "installed" and n.startswith("az_")
        )
        started = time.time()
        problems = update(args, args.tree, data_dir, installed, log)
        say(f"update done in {time.time() - started:.0f}s")
        if problems:
            return [], problems
        after = take_snapshot(args)
        checks += compare(before, after, addons_of(args.tree))
        checks += template_checks(args)
        after_integrity = integrity(args, args.tree, data_dir, log, "the integrity check after the update")
        checks += integrity_checks(after_integrity, before_integrity)
        say(
            "integrity check after the update: "
            + "; ".join(
                f"{c}: {f['sheets']} sheet(s), {len(f['anomalies'])} anomaly(ies)"
                for c, f in after_integrity.items()
            )
        )
        rows = sum(len(t.get("ids", t.get("rows", []))) for t in before["tables"].values())
        say(
            f"compared {len(before['tables'])} tables ({rows} rows), {len(before['xmlids'])} xml ids, "
            f"{sum(len(v) for v in before['digests'].values())} digests"
        )
        return checks, []


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--db", required=True, help="an empty database, created by the caller")
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--repo", type=Path, default=REPO, help="the git repository holding FORMER_COMMIT")
    parser.add_argument("--tree", type=Path, default=REPO, help="the current tree (default: this one)")
    parser.add_argument("db_options", nargs=argparse.REMAINDER, help="-- then the --db_* options")
    args = parser.parse_args()
    args.db_options = [a for a in args.db_options if a != "--"]
    started = time.time()
    with open(args.log, "w", encoding="utf-8") as log:
        try:
            checks, problems = run_stage(args, log)
        except MigrationError as exc:
            checks, problems = [], [str(exc)]
    failed = [(what, p) for what, p in checks if p]
    for _what, lost in failed:
        for problem in lost:
            print(f"[az] FAIL: {problem}")
    for problem in problems:
        print(f"[az] FAIL: {problem}")
    passed, failed = len(checks) - len(failed), len(failed) + len(problems)
    say(f"{passed} checks held, {failed} failed in {time.time() - started:.0f}s (log: {args.log})")
    print(f"AZ-MIGRATION-RESULT {passed} {failed}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
