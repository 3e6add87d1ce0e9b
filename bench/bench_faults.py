"""Fault injection on a multi-worker Odoo: people book and sign while a worker is killed
(SIGKILL) in the middle of a write, then while PostgreSQL restarts.

``prepare`` builds the load benchmark's data (``bench_load.build``) and, for the second
burst, a second workshop occurrence and a second open session; the staff member who trains
the sessions gets a password, for the kiosk.
``drive`` runs two bursts against the server started by ``bench/faults``; each burst mixes
public bookings (distinct times), the last seats of a workshop occurrence, signatures by
personal link and signatures on the kiosk (logged in as the trainer, as the tablet is):

- burst 1: as soon as a worker is in the middle of a booking's write (its transaction holds
  an id), it is killed; then likewise a worker in the middle of a signature's write;
- burst 2: as soon as a write is under way, PostgreSQL is restarted (``--restart-cmd``).

Then each person does what the page tells them: a booking form that got no answer or a
server error is sent again (the same form, the same key); a signing link likewise; the kiosk
keeps what it could not send and sends it again, marked offline, as its page does. Last, the
sheets are validated and the company's integrity check runs. Everything is counted from the
database, not from the answers: what was sent, acknowledged (a confirmation page, a signed
page, ``ok`` on the kiosk) and stored; the run fails when one acknowledged thing is missing,
a booking is half-written, a seat is lost or doubled, or a sheet does not verify.
"""

import json
import os
import re
import shlex
import signal
import subprocess
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from bench_load import CSRF_RE, KEY_RE, FailedResponse, build, new_client, run_parallel
from benchlib import make_parser, open_registry, prepare_or_drive, verdict

STATE = Path("/tmp") / "az_bench_faults_state.json"
KIOSK_PASSWORD = "bench-kiosk-password"  # noqa: S105 (a throw-away benchmark database)
BOOKINGS, SEATS, REMOTE, KIOSK = 16, 10, 10, 10
# the gates the injector closes: {label: (table written, advisory lock key)}
GATES = {"booking": ("az_booking", 7301), "signature": ("az_attendance_line", 7302)}
# the product's refusals (a page that says why); any other answer (no answer, a server error,
# Odoo's 404 of its no-database routing while PostgreSQL restarts) is a failure to retry
REFUSALS = (400, 403, 409, 410)
# kiosk_app.js's DATABASE_LOST
DATABASE_LOST = re.compile(
    r"^psycopg2\.(OperationalError|InterfaceError|errors\.(AdminShutdown|CrashShutdown|CannotConnectNow))$"
)
THANKS_RE = re.compile(r"already signed|a déjà signé", re.IGNORECASE)


def parse_args():
    parser = make_parser(__doc__)
    parser.add_argument("mode", choices=["prepare", "drive"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--odoo-pid", type=int, help="pid of the Odoo server (drive)")
    parser.add_argument("--restart-cmd", help="command that restarts PostgreSQL (drive)")
    parser.add_argument("--faults-file", help="where to write the fault windows (drive)")
    parser.add_argument("--quick", action="store_true", help="the worker kill only, a small burst")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------
# prepare
# ---------------------------------------------------------------------------------------
def prepare(args):
    odoo, registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "Europe/Paris"})
        state = build(env, args)
        session = env["az.attendance.session"].browse(state["session_id"])
        trainer = session.trainer_ids[:1]
        trainer.write({"password": KIOSK_PASSWORD, "email": "bench.trainer@example.com"})
        first = env["az.booking.occurrence"].search([("type_id", "=", state["workshop_type"])], limit=1)
        second = first.copy(
            {
                "start": first.start + timedelta(days=1),
                "stop": first.stop + timedelta(days=1),
                "seats_taken": 0,
            }
        )
        env["az.booking"].create(
            [
                {
                    "type_id": first.type_id.id,
                    "partner_id": booking.partner_id.id,
                    "occurrence_id": second.id,
                    "start": second.start,
                }
                for booking in first.booking_ids[:3]
            ]
        )
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Bench participant B{i}",
                    "email": f"bench.b{i}@example.com",
                    "az_is_beneficiary": True,
                }
                for i in range(REMOTE + KIOSK)
            ]
        )
        session_b = session.copy({"name": "Bench session B", "line_ids": False})
        session_b._add_participants(partners)
        session_b.action_open()
        sessions = session | session_b
        install_gates(cr)
        cr.commit()
        fmt = "%Y-%m-%dT%H:%M"
        state.update(
            {
                "kiosk_login": trainer.login,
                "occurrences": [[o.id, o.start.strftime(fmt)] for o in first | second],
                "sessions": [
                    {
                        "id": s.id,
                        "remote": [line._get_remote_sign_url() for line in s.line_ids[:REMOTE]],
                        "remote_lines": s.line_ids[:REMOTE].ids,
                        "kiosk": s.line_ids[REMOTE : REMOTE + KIOSK].ids,
                    }
                    for s in sessions
                ],
            }
        )
    STATE.write_text(json.dumps(state))
    print(f"prepared: 2 workshop occurrences, 2 open sessions, {len(state['free_starts'])} free slots")


def install_gates(cr):
    """The injector's gates in this throw-away database (see ``Injector``)."""
    cr.execute(
        "CREATE OR REPLACE FUNCTION az_bench_fault_gate() RETURNS trigger AS $$ BEGIN "
        "PERFORM pg_advisory_lock_shared(TG_ARGV[0]::bigint); "
        "PERFORM pg_advisory_unlock_shared(TG_ARGV[0]::bigint); RETURN NEW; END $$ LANGUAGE plpgsql"
    )
    cr.execute(
        "CREATE TRIGGER az_bench_fault_gate BEFORE INSERT ON az_booking "
        f"FOR EACH ROW EXECUTE FUNCTION az_bench_fault_gate('{GATES['booking'][1]}')"
    )
    cr.execute(
        "CREATE TRIGGER az_bench_fault_gate BEFORE UPDATE OF signed_at ON az_attendance_line "
        f"FOR EACH ROW EXECUTE FUNCTION az_bench_fault_gate('{GATES['signature'][1]}')"
    )


# ---------------------------------------------------------------------------------------
# the people
# ---------------------------------------------------------------------------------------
class Person:
    """One person's attempts: ``outcome`` is 'ack' (told it is done), 'refused' (told why
    not), 'failed' (a server error or no answer: they try again) or 'queued' (the kiosk
    keeps it)."""

    def __init__(self, kind, ref):
        self.kind, self.ref = kind, ref
        self.attempts = []
        self.outcome = None
        self.http = new_client()
        self.data = None

    def request(self, method, url, **kwargs):
        import requests

        try:
            response = self.http.request(method, url, timeout=60, allow_redirects=False, **kwargs)
        except requests.RequestException:
            response = FailedResponse()
        self.attempts.append(response.status_code)
        return response


def booking_person(base, path, start, name, key_suffix):
    def run(person):
        if person.data is None:  # the first time: open the form
            form = person.request("GET", f"{base}{path}/book", params={"start": start})
            csrf, key = CSRF_RE.search(form.text), KEY_RE.search(form.text)
            if not (csrf and key):
                person.outcome = "failed"
                return
            person.data = {
                "csrf_token": csrf.group(1),
                "start": start,
                "name": name,
                "email": f"{name.lower().replace(' ', '.')}.{key_suffix}@example.com",
                "phone": "+33 6 12 34 56 78",
                "consent": "1",
                "submission_key": key.group(1),
            }
        answer = person.request("POST", f"{base}{path}/book", data=person.data)
        if answer.status_code == 303:
            person.outcome = "ack"
        elif answer.status_code in REFUSALS:
            person.outcome = "refused"
        else:
            person.outcome = "failed"

    return run


def remote_person(url, signature, strokes):
    def run(person):
        page = person.request("GET", url)
        if page.status_code == 400 and THANKS_RE.search(page.text):
            person.outcome = "ack"  # signed by the attempt that got no answer
            return
        csrf = CSRF_RE.search(page.text)
        if page.status_code != 200 or not csrf:
            person.outcome = "ack" if THANKS_RE.search(page.text) else "failed"
            return
        answer = person.request(
            "POST", url, data={"csrf_token": csrf.group(1), "signature": signature, "strokes": strokes}
        )
        if answer.status_code == 200:
            person.outcome = "ack"
        elif answer.status_code == 400 and THANKS_RE.search(answer.text):
            person.outcome = "ack"
        elif answer.status_code in REFUSALS:
            person.outcome = "refused"
        else:
            person.outcome = "failed"

    return run


class Kiosk:
    """The kiosk tablet: logged in as the trainer; what it cannot send it keeps and sends
    again, marked offline (``kiosk_app.js``: a lost connection, or an answer that is not
    JSON, or a JSON-RPC error saying the database could not be reached, is kept; another
    JSON-RPC error is shown)."""

    def __init__(self, base, login):
        self.base = base
        self.http = new_client()
        self.http.headers.pop("Connection")
        page = self.http.get(f"{base}/web/login", timeout=60)
        csrf = CSRF_RE.search(page.text).group(1)
        self.http.post(
            f"{base}/web/login",
            data={"csrf_token": csrf, "login": login, "password": KIOSK_PASSWORD, "redirect": "/web"},
            timeout=60,
        )
        self.cookies = self.http.cookies.get_dict()

    def person(self, line_id, signature, strokes):
        def run(person):
            person.http.cookies.update(self.cookies)
            item = {
                "line_id": line_id,
                "signature": signature,
                "strokes": strokes,
                "device_time": datetime.utcnow().isoformat() + "Z",
            }
            person.data = item
            self.send(person, offline=False)

        return run

    def send(self, person, offline):
        body = {"jsonrpc": "2.0", "method": "call", "params": {**person.data, "offline": offline}}
        answer = person.request("POST", f"{self.base}/attendance/kiosk/sign", json=body)
        try:
            result = answer.json() if answer.status_code not in (0, 502) else None
        except ValueError:
            result = None
        if result is None or DATABASE_LOST.match(str(result.get("error", {}).get("data", {}).get("name"))):
            person.outcome = "queued"
        elif "error" in result:
            person.outcome = "failed"
            person.attempts[-1] = f"rpc:{result['error'].get('data', {}).get('name', '?')}"
        elif result["result"].get("ok"):
            person.outcome = "ack"
        else:
            person.outcome = "refused"
            person.attempts[-1] = f"ok:false ({result['result'].get('error', '')[:60]})"


# ---------------------------------------------------------------------------------------
# the faults
# ---------------------------------------------------------------------------------------
class Injector(threading.Thread):
    """Strikes a server worker in the middle of a write: the benchmark's database has a gate
    on the insertion of a booking and on the recording of a signature (``GATES``: a shared
    advisory lock taken and released at once, which costs nothing while nobody holds the
    lock). The injector closes a gate, waits for a worker's write to stop at it (the
    transaction has written, e.g. the booking's new contact), strikes (SIGKILL of that worker,
    or a restart of PostgreSQL), and opens the gate again."""

    WAITING = (
        "SELECT client_port, left(query, 120) FROM pg_stat_activity "
        "WHERE datname = %s AND application_name LIKE 'odoo-%%' AND wait_event = 'advisory' "
        "AND query ILIKE %s"
    )

    def __init__(self, args, targets, restart=False):
        super().__init__(daemon=True)
        self.args, self.targets, self.restart = args, list(targets), restart
        self.done, self.windows, self.stop = [], [], threading.Event()

    def connect(self):
        import psycopg2

        connection = psycopg2.connect(
            dbname=self.args.db, host=self.args.db_host, port=self.args.db_port, user=self.args.db_user
        )
        connection.autocommit = True
        return connection

    def server_worker(self, client_port):
        """The pid of the worker of our own server (a child of ``--odoo-pid``) at the other
        end of a database connection, never any other process: the server connects over TCP
        (``bench_server``) and the connection's port names its socket."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as handle:
                for row in handle.readlines()[1:]:
                    fields = row.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == client_port:
                        inodes.add(f"socket:[{fields[9]}]")
        for pid in self.server_children():
            try:
                if any(os.readlink(fd) in inodes for fd in Path(f"/proc/{pid}/fd").iterdir()):
                    return pid
            except OSError:
                continue
        return None

    def server_children(self):
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.args.odoo_pid:
                    yield int(stat.parent.name)
            except (OSError, ValueError, IndexError):
                continue

    def run(self):
        import psycopg2

        for label in list(self.targets):
            table, key = GATES[label]
            connection = self.connect()
            with connection.cursor() as cr:
                cr.execute("SELECT pg_advisory_lock(%s)", [key])
                deadline = time.time() + 30
                struck = False
                while not struck and time.time() < deadline and not self.stop.is_set():
                    cr.execute(self.WAITING, [self.args.db, f"%{table}%"])
                    for client_port, query in cr.fetchall():
                        struck = self.strike(label, client_port, query)
                        if struck:
                            break
                    time.sleep(0.01)
            try:
                connection.close()  # opens the gate (the lock is the connection's)
            except psycopg2.Error:
                pass
            if struck:
                self.targets.remove(label)

    def strike(self, label, client_port, query):
        what = " ".join(query.split()).split(" (")[0].split(" SET ")[0]
        if self.restart:
            start = time.time()
            subprocess.run(shlex.split(self.args.restart_cmd), check=True, capture_output=True)
            stop = time.time()
            self.done.append(f"{label}: PostgreSQL restarted during {what!r} ({stop - start:.1f}s)")
            self.windows.append([start, stop, label])
            return True
        pid = self.server_worker(client_port)
        if not pid:
            return False
        os.kill(pid, signal.SIGKILL)
        self.done.append(f"{label}: worker {pid} killed during {what!r}")
        self.windows.append([time.time(), time.time(), label])
        return True


# ---------------------------------------------------------------------------------------
# drive
# ---------------------------------------------------------------------------------------
def burst(args, state, index, injector, sizes):
    base, people, runs = args.url, [], []
    occurrence_id, occurrence_start = state["occurrences"][index]
    session = state["sessions"][index]
    offset = index * BOOKINGS
    bookings, seats, remote, kiosk_count = sizes
    for i in range(bookings):
        person = Person("booking", state["free_starts"][offset + i])
        people.append(person)
        runs.append(booking_person(base, state["many_path"], person.ref, f"Fault visitor {index}-{i}", index))
    for i in range(seats):
        people.append(Person("seat", occurrence_id))
        runs.append(
            booking_person(base, state["workshop_path"], occurrence_start, f"Fault seat {index}-{i}", index)
        )
    for url, line_id in list(zip(session["remote"], session["remote_lines"], strict=True))[:remote]:
        people.append(Person("remote signature", line_id))
        runs.append(remote_person(url, state["signature"], state["strokes"]))
    kiosk = Kiosk(base, state["kiosk_login"])
    for line_id in session["kiosk"][:kiosk_count]:
        people.append(Person("kiosk signature", line_id))
        runs.append(kiosk.person(line_id, state["signature"], state["strokes"]))
    injector.start()
    run_parallel(len(people), lambda i: runs[i](people[i]))
    injector.stop.set()
    injector.join()
    wait_for_server(base)
    # what each person does next: send again what got no answer or a server error; the kiosk
    # sends what it kept, marked offline
    retried = [p for p in people if p.outcome in ("failed", "queued")]
    for person in retried:
        if person.kind == "kiosk signature":
            if person.outcome == "queued":
                kiosk.send(person, offline=True)
        else:
            runs[people.index(person)](person)
    return people, retried


def wait_for_server(base, seconds=60):
    import requests

    for _ in range(seconds * 2):
        try:
            if requests.get(f"{base}/web/login", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)


def drive(args):
    state = json.loads(STATE.read_text())
    results, windows, strikes = [], [], []
    plans = [
        (
            "burst 1 (worker killed)",
            Injector(args, ["booking", "signature"]),
        )
    ]
    if not args.quick:
        plans.append(("burst 2 (PostgreSQL restarted)", Injector(args, ["signature"], restart=True)))
    sizes = (4, 0, 2, 2) if args.quick else (BOOKINGS, SEATS, REMOTE, KIOSK)
    for index, (label, injector) in enumerate(plans):
        people, retried = burst(args, state, index, injector, sizes)
        results.append((label, people, retried))
        windows += injector.windows
        strikes += injector.done
        if injector.targets:
            strikes.append(f"{label}: {len(injector.targets)} fault(s) not injected (no write seen in time)")
    if args.faults_file:
        Path(args.faults_file).write_text(json.dumps(windows))
    stored = check_database(args, state, results)
    return report(results, strikes, stored)


# ---------------------------------------------------------------------------------------
# what the database holds
# ---------------------------------------------------------------------------------------
def check_database(args, state, results):
    odoo, registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Booking = env["az.booking"].with_context(active_test=False)
        keys = {
            id(p): p.data["submission_key"]
            for _l, people, _r in results
            for p in people
            if p.kind in ("booking", "seat") and p.data
        }
        found = Booking.search([("submission_key", "in", list(keys.values()))])
        by_key = Counter(found.mapped("submission_key"))
        half = [
            b.display_name
            for b in found
            if not (b.partner_id and b.access_token and b.message_ids and (b.event_id or b.occurrence_id))
        ]
        orphans = env["res.partner"].search_count(
            [("name", "=like", "Fault %"), ("id", "not in", Booking.search([]).partner_id.ids)]
        )
        seats = []
        for occurrence_id, _start in state["occurrences"]:
            occurrence = env["az.booking.occurrence"].browse(occurrence_id)
            confirmed = sum(
                Booking.search([("occurrence_id", "=", occurrence_id), ("state", "=", "confirmed")]).mapped(
                    "seats"
                )
            )
            seats.append((occurrence.capacity, occurrence.seats_taken, confirmed))
        Line = env["az.attendance.line"]
        signed = {
            line.id: bool(line.signed_at and line.signature_sha256)
            for line in Line.search([("session_id", "in", [s["id"] for s in state["sessions"]])])
        }
        stored = {
            "bookings": {p_id: by_key.get(key, 0) for p_id, key in keys.items()},
            "half": half,
            "orphans": orphans,
            "seats": seats,
            "signed": signed,
        }
        stored["integrity"] = seal_and_check(env, state)
        cr.commit()
    return stored


def seal_and_check(env, state):
    """Validate the sheets as their trainer does, then the company's integrity check."""
    import base64

    sessions = env["az.attendance.session"].browse([s["id"] for s in state["sessions"]])
    trainer = sessions.trainer_ids[:1]
    signature = base64.b64encode(base64.b64decode(state["signature"].split(",", 1)[1]))
    for session in sessions.with_user(trainer):
        session.trainer_signature = signature
        session.line_ids.filtered(lambda ln: not ln.signed_at).write({"status": "absent"})
        session.early_validation_reason = "Benchmark: the sheet is validated as soon as the burst is over."
        session.action_validate()
    env.flush_all()
    report = env["az.attendance.ledger"]._check_integrity(sessions.company_id[:1])
    return {
        "sealed": len(sessions.filtered("seal")),
        "anomalies": [f"{a['label']}: {a['sheet']}: {a['detail'][:200]}" for a in report["anomalies"]],
    }


def report(results, strikes, stored):
    print("\nFaults injected:")
    for strike in strikes:
        print(f"  {strike}")
    problems = [s for s in strikes if "not injected" in s]
    print(
        f"\n{'burst / kind':<44}{'sent':>6}{'ack':>6}{'refused':>9}{'retried':>9}{'stored':>8}"
        "  answers (each attempt)"
    )
    for label, people, retried in results:
        for kind in ("booking", "seat", "remote signature", "kiosk signature"):
            group = [p for p in people if p.kind == kind]
            if not group:
                continue
            acked = [p for p in group if p.outcome == "ack"]
            if kind in ("booking", "seat"):
                stored_count = sum(stored["bookings"].get(id(p), 0) for p in group)
                doubled = [p for p in group if stored["bookings"].get(id(p), 0) > 1]
                missing = [p for p in acked if not stored["bookings"].get(id(p))]
                problems += [f"{label}: a form stored {stored['bookings'][id(p)]} bookings" for p in doubled]
            else:
                stored_count = sum(1 for p in group if stored["signed"].get(p.ref))
                missing = [p for p in acked if not stored["signed"].get(p.ref)]
            problems += [f"{label}: {kind} acknowledged but not stored (line/time {p.ref})" for p in missing]
            trails = Counter("→".join(map(str, p.attempts)) or "none" for p in group)
            print(
                f"{label + ', ' + kind:<44}{len(group):>6}{len(acked):>6}"
                f"{sum(1 for p in group if p.outcome == 'refused'):>9}"
                f"{sum(1 for p in retried if p.kind == kind):>9}{stored_count:>8}  "
                + ", ".join(f"{trail} ×{n}" for trail, n in sorted(trails.items()))
            )
            still = [p for p in group if p.outcome in ("failed", "queued")]
            problems += [f"{label}: {kind} still failing after the retry: {p.attempts}" for p in still]
    for capacity, taken, confirmed in stored["seats"]:
        print(f"workshop occurrence: capacity {capacity}, seats counted {taken}, confirmed seats {confirmed}")
        if confirmed > capacity or taken != confirmed:
            problems.append(f"seats: capacity {capacity}, counted {taken}, confirmed {confirmed}")
    if stored["half"]:
        problems.append(f"half-written bookings: {stored['half']}")
    if stored["orphans"]:
        problems.append(f"{stored['orphans']} contact(s) made by the forms without their booking")
    integrity = stored["integrity"]
    print(
        f"sheets validated: {integrity['sealed']}; company integrity check: "
        f"{len(integrity['anomalies'])} anomaly(ies)"
    )
    problems += integrity["anomalies"]
    return verdict(problems, "nothing lost, nothing doubled")


def main():
    return prepare_or_drive(parse_args(), prepare, drive)


if __name__ == "__main__":
    raise SystemExit(main())
