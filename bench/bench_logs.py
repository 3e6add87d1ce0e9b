"""Count what a benchmark's servers logged that an administrator would have to chase.

    bench_logs.py [--faults FILE] [--pg-log FILE --pg-offset BYTES] odoo.log [odoo.log ...]

Odoo's logs: every ERROR or CRITICAL line, every line that names a deadlock, and every
request Odoo retried after a serialization failure (each retry is a latency spike). The
PostgreSQL log (from ``--pg-offset`` on): every deadlock it detected. ``--faults`` names the
JSON file of the fault windows the fault run injected (``[[start, stop, label], ...]``, Unix
times): an error there that says the database went away is the injected fault's, counted
apart, and does not fail the run; so is werkzeug's "Request timed out" of a client that
connected and sent nothing for 2 s (``SLOW_CLIENT``). Prints the counts and exits 1 when
any other is not zero.
"""

import argparse
import json
import os
import re
import sys
from datetime import datetime

# "2026-12-07 23:45:01,123 12345 ERROR db logger: message"
LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ \d+ ([A-Z]+) ")
DEADLOCK = re.compile(r"deadlock", re.IGNORECASE)
# werkzeug on a prefork worker: a client connected and sent nothing for 2 s (the worker's
# socket timeout). The benchmark's own client threads, starved of CPU on a saturated machine,
# not the server: counted apart, and the request is answered again when the client retries.
SLOW_CLIENT = re.compile(r"werkzeug: .* Request timed out: TimeoutError")
RETRY = re.compile(r"tries left, try again|SERIALIZATION_FAILURE|serialization failure", re.IGNORECASE)
# what Odoo logs when the database is restarted under it
DATABASE_GONE = re.compile(
    r"OperationalError|InterfaceError|terminating connection|server closed the connection|"
    r"connection (?:to server .* )?(?:refused|already closed)|"
    r"the database system is (?:starting|shutting|in recovery)|could not connect to server|"
    r"cursor already closed|SSL SYSCALL|no connection to the server|connection .* failed",
    re.IGNORECASE,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("logs", nargs="+")
    parser.add_argument("--faults", help="JSON file of the injected fault windows")
    parser.add_argument("--pg-log", help="PostgreSQL server log of the benchmark's cluster")
    parser.add_argument("--pg-offset", type=int, default=0, help="where this run starts in --pg-log")
    parser.add_argument("--grace", type=float, default=15.0, help="seconds after a fault still its own")
    return parser.parse_args(argv)


def records(path):
    """(time, level, text) of each record of an Odoo log, its traceback included."""
    current = None
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = LINE.match(line)
            if match:
                if current:
                    yield current
                when = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").timestamp()
                current = [when, match.group(2), line]
            elif current:
                current[2] += line
    if current:
        yield current


def in_fault(when, faults, grace):
    # the log's times have whole seconds: a second of margin before the fault
    return any(start - 1 <= when <= stop + grace for start, stop, _label in faults)


def count(paths, faults=(), grace=15.0):
    """{errors, deadlocks, retries, fault_errors} over the Odoo logs ``paths``, with the
    first lines of what counts against the run in ``examples``."""
    result = {"errors": 0, "deadlocks": 0, "retries": 0, "fault_errors": 0, "slow_clients": 0, "examples": []}
    for path in paths:
        for when, level, text in records(path):
            problem = None
            if DEADLOCK.search(text):
                result["deadlocks"] += 1
                problem = text
            if RETRY.search(text):
                result["retries"] += 1
            if level in ("ERROR", "CRITICAL"):
                if DATABASE_GONE.search(text) and in_fault(when, faults, grace):
                    result["fault_errors"] += 1
                    continue
                if SLOW_CLIENT.search(text):
                    result["slow_clients"] += 1
                    continue
                if not problem:
                    result["errors"] += 1
                    problem = text
            if problem and len(result["examples"]) < 8:
                result["examples"].append(problem.splitlines()[0][:300])
    return result


def pg_deadlocks(path, offset):
    with open(path, "rb") as handle:
        handle.seek(offset)
        return sum(1 for line in handle if b"deadlock detected" in line)


def main(argv=None):
    args = parse_args(argv)
    faults = json.load(open(args.faults)) if args.faults else []
    result = count(args.logs, faults, args.grace)
    pg = pg_deadlocks(args.pg_log, args.pg_offset) if args.pg_log and os.path.exists(args.pg_log) else 0
    print(
        f"server logs: {result['errors']} ERROR line(s), {result['deadlocks']} deadlock line(s) "
        f"(PostgreSQL log: {pg} deadlock(s) detected), {result['retries']} request(s) retried after "
        f"a serialization failure; {result['fault_errors']} error(s) of the database going away "
        f"during the injected faults; {result['slow_clients']} client(s) of the benchmark too slow to send "
        f"their request (2 s)"
    )
    for example in result["examples"]:
        print(f"  {example}")
    return 1 if result["errors"] or result["deadlocks"] or pg else 0


if __name__ == "__main__":
    sys.exit(main())
