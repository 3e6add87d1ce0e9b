"""What the benchmarks count in the servers' logs (bench/bench_logs.py): every ERROR and
deadlock fails the run, except the database going away during a fault the run injected."""

import json

from conftest import load_module

bench_logs = load_module("bench/bench_logs.py")

LOG = """\
2026-12-08 00:08:40,100 6345 INFO az odoo.service.model: SERIALIZATION_FAILURE, 4 tries left, try again
2026-12-08 00:08:47,493 6345 ERROR az odoo.sql_db: bad query: b'SELECT 1'
ERROR: could not serialize access due to concurrent update
2026-12-08 00:09:07,356 8275 ERROR az odoo.sql_db: bad query: b'SELECT "pg_notify"'
ERROR: server closed the connection unexpectedly
2026-12-08 00:09:07,408 8275 ERROR az odoo.http: Exception during request handling.
Traceback (most recent call last):
psycopg2.InterfaceError: cursor already closed
2026-12-08 00:20:00,000 8275 WARNING az odoo.http: a warning
2026-12-08 00:30:00,000 8275 ERROR az odoo.http: Exception during request handling.
psycopg2.errors.DeadlockDetected: deadlock detected
2026-12-08 00:40:00,000 8275 ERROR az odoo.sql_db: bad query: b'SELECT 2'
ERROR: server closed the connection unexpectedly
2026-12-08 00:24:39,160 14265 ERROR az werkzeug: 127.0.0.1 Request timed out: TimeoutError('timed out')
"""


def fault_window(tmp_path):
    from datetime import datetime

    start = datetime(2026, 12, 8, 0, 8, 50).timestamp()
    return [[start, start + 15, "PostgreSQL restarted"]]


def test_errors_deadlocks_and_retries_are_counted(tmp_path):
    log = tmp_path / "odoo.log"
    log.write_text(LOG)
    result = bench_logs.count([str(log)], fault_window(tmp_path), grace=5)
    # the serialization failure, the deadlock, and a lost connection outside any fault
    assert result["errors"] == 2
    assert result["deadlocks"] == 1
    assert result["retries"] == 1
    # the two lines of the restart, inside its window
    assert result["fault_errors"] == 2
    # a client of the benchmark that sent nothing for 2 s
    assert result["slow_clients"] == 1


def test_the_run_fails_on_any_error_and_passes_on_a_clean_log(tmp_path, capsys):
    log = tmp_path / "odoo.log"
    log.write_text(LOG)
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps(fault_window(tmp_path)))
    assert bench_logs.main(["--faults", str(faults), str(log)]) == 1
    assert "2 ERROR line(s), 1 deadlock line(s)" in capsys.readouterr().out
    clean = tmp_path / "clean.log"
    clean.write_text("2026-12-08 00:20:00,000 8275 WARNING az odoo.http: a warning\n")
    pg = tmp_path / "pg.log"
    pg.write_text("old run: ERROR:  deadlock detected\nLOG:  checkpoint\n")
    assert (
        bench_logs.main(
            ["--pg-log", str(pg), "--pg-offset", str(len("old run: ERROR:  deadlock detected\n")), str(clean)]
        )
        == 0
    )
    assert bench_logs.main(["--pg-log", str(pg), str(clean)]) == 1
