"""What ./bench/servers calls a failed run (bench/bench_servers.py): a sheet the trainer
could not validate, or a seal left without its trusted timestamp, is a PROBLEM, not
"each piece of work done once"; and every benchmark opens Odoo with the servers' data folder,
so that the files it stores are the ones the servers read."""

import json
import re
import sys
from types import SimpleNamespace

from conftest import REPO, load_module

sys.path.insert(0, str(REPO / "bench"))
bench_servers = load_module("bench/bench_servers.py")
bench_load = load_module("bench/bench_load.py")

REFUSED = "The sheet 'Bench sheet 2' cannot be validated yet:\nThe trainer's signature"


class Answer:
    def __init__(self, status, payload=None):
        self.status_code = status
        self.text = json.dumps(payload or {})
        self.payload = payload

    def json(self):
        return self.payload


def ok():
    return Answer(200, {"jsonrpc": "2.0", "id": None, "result": True})


def refused():
    error = {
        "message": "Odoo Server Error",
        "data": {"message": REFUSED, "name": "odoo.exceptions.UserError"},
    }
    return Answer(200, {"jsonrpc": "2.0", "id": None, "error": error})


def work(validated, entries, stamped):
    return {
        "sheets_validated": validated,
        "bookings": 2,
        "reminded": 2,
        "outgoing": 0,
        "entries": entries,
        "stamped": stamped,
        "bundles": 1,
        "bundles_done": 1,
        "bundle_ready_messages": {1: 1},
        "job_names": [],
        "done": stamped == entries,
    }


def run_report(tmp_path, validated, done, authority_requests):
    args = SimpleNamespace(url=["http://a", "http://b"], logs=[])
    rec = bench_load.Recorder()
    for i, response in enumerate(validated):
        rec.timed(f"server {i % 2 + 1} validate", lambda r=response: r)
    mails = [("a@example.com", "Reminder"), ("b@example.com", "Reminder")]
    return bench_servers.report(
        args, rec, [], [], validated, 1.0, 1.0, done, mails, {"requests": authority_requests}
    )


def test_sheets_refused_by_the_checklist_fail_the_run(tmp_path, capsys):
    rc = run_report(tmp_path, [refused() for _ in range(3)], work(0, 0, 0), 0)
    out = capsys.readouterr().out
    assert rc == 1
    assert "sheets validated 0/3" in out
    problem = next(line for line in out.splitlines() if line.startswith("PROBLEM: sheets validated"))
    assert "0/3" in problem
    # the three refusals for one reason, counted together
    assert """{"The sheet '…' cannot be validated yet: The trainer's signature": 3}""" in problem
    assert "each piece of work done once" not in out


def test_a_sheet_answered_but_not_sealed_in_the_database_fails_the_run(tmp_path, capsys):
    rc = run_report(tmp_path, [ok(), ok()], work(1, 1, 1), 1)
    out = capsys.readouterr().out
    assert rc == 1
    assert "sheets validated 1/2" in out
    assert "PROBLEM: sheets validated and sealed 1/2" in out


def test_a_seal_without_its_timestamp_fails_the_run(tmp_path, capsys):
    rc = run_report(tmp_path, [ok(), ok()], work(2, 2, 1), 1)
    out = capsys.readouterr().out
    assert rc == 1
    assert "PROBLEM: timestamps: 1 of 2 ledger entries stamped" in out


def test_every_sheet_sealed_and_stamped_passes(tmp_path, capsys):
    rc = run_report(tmp_path, [ok(), ok()], work(2, 2, 2), 2)
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "sheets validated 2/2" in out
    assert "PROBLEM" not in out


def test_every_benchmark_opens_odoo_with_the_servers_data_folder(repo):
    scripts = [path for path in sorted((repo / "bench").iterdir()) if "--odoo-src" in path.read_text()]
    assert scripts
    for path in scripts:
        if path.suffix == ".py":
            continue
        calls = re.findall(r'--odoo-src "\$ODOO_SRC"[^\n]*', path.read_text())
        assert calls, path.name
        for call in calls:
            assert '--data-dir "$AZ_HOME/data"' in call, path.name
