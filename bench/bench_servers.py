"""Two Odoo servers (two workers and a cron thread each) on one database: requests spread
over both, the background jobs running on both, each piece of work done once.

``prepare`` builds the load benchmark's data (``bench_load.build``), reminders due for the
bookings the run makes, ten open sheets ready to be validated (participants marked absent,
trainer's signature, reason for an early validation) and a funding of the project.
``drive`` starts a local time-stamping authority and a local mail server (both count what
they receive), sends visitors' bookings, signatures by personal link and the validations
of the sheets to both servers in turn, queues two justification bundles, then wakes the
jobs on both servers until the work is done: reminders (``az_booking``), the mail queue,
trusted timestamps (``az_attendance``), bundles (``az_attendance_funder``). Prints the
requests, p50 and p95 per server, and for each job how many times it ran on each server
and how many times each piece of its work was done. The run fails (a PROBLEM line, exit
status 1) when a sheet is not validated and sealed in the database, when a ledger entry has
no trusted timestamp, or when a piece of work is done twice or never.
"""

import json
import re
import socketserver
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

from bench_load import CSRF_RE, Recorder, book, build, new_client, percentile, run_parallel
from benchlib import make_parser, open_registry, prepare_or_drive, verdict

STATE = Path("/tmp") / "az_bench_servers_state.json"
PASSWORD = "bench-servers-password"  # noqa: S105 (a throw-away benchmark database)
SHEETS = 10
CRONS = {
    "reminders": "az_booking.ir_cron_az_booking_reminders",
    "mail queue": "mail.ir_cron_mail_scheduler_action",
    "timestamps": "az_attendance.ir_cron_timestamp_pending",
    "bundles": "az_attendance_funder.ir_cron_build_bundles",
}


def parse_args():
    parser = make_parser(__doc__)
    parser.add_argument("mode", choices=["prepare", "drive"])
    parser.add_argument("--url", action="append", required=True, help="each server's address")
    parser.add_argument("--logs", nargs="*", default=[], help="each server's log (drive)")
    parser.add_argument("--smtp-port", type=int, default=8398)
    parser.add_argument("--tsa-port", type=int, default=8399)
    parser.add_argument("--clients", type=int, default=40)
    return parser.parse_args()


# ---------------------------------------------------------------------------------------
# prepare
# ---------------------------------------------------------------------------------------
def prepare(args):
    import base64

    odoo, registry = open_registry(args)
    fields = odoo.fields
    args.url = args.url[0]
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "Europe/Paris"})
        state = build(env, args)
        many = env["az.booking.type"].browse(state["many_type"])
        many.reminder_hours = 24 * 30  # every booking of the run is due for its reminder
        first = env["az.attendance.session"].browse(state["session_id"])
        trainer = first.trainer_ids[:1]
        trainer.write({"password": PASSWORD, "email": "bench.trainer@example.com"})
        env.company.email = "bench.company@example.com"
        signature = base64.b64encode(base64.b64decode(state["signature"].split(",", 1)[1]))
        sheets = env["az.attendance.session"]
        for i in range(SHEETS):
            sheet = first.copy({"name": f"Bench sheet {i}", "line_ids": False})
            sheet._add_participants(first.line_ids[i : i + 2].partner_id)
            sheet.action_open()
            sheet.line_ids.write({"status": "absent"})
            sheet.with_user(trainer).write(
                {"trainer_signature": signature, "early_validation_reason": "Benchmark of two servers."}
            )
            sheets |= sheet
        funder = env["res.partner"].create({"name": "Bench funder", "is_company": True, "az_is_funder": True})
        funding = env["az.funding"].create(
            {
                "name": "Bench funding",
                "funder_id": funder.id,
                "project_id": first.project_id.id,
                "date_start": date.today() - timedelta(days=30),
                "date_end": date.today() + timedelta(days=30),
            }
        )
        # a server that has been running: no other job due now, ours are woken by the run
        env["ir.cron"].search([]).write({"nextcall": fields.Datetime.now() + timedelta(days=1)})
        cr.commit()
        state.update({"trainer_login": trainer.login, "sheets": sheets.ids, "funding_id": funding.id})
    STATE.write_text(json.dumps(state))
    print(f"prepared: {len(state['free_starts'])} free slots, {SHEETS} sheets to validate, a funding")


# ---------------------------------------------------------------------------------------
# what the jobs send out, counted
# ---------------------------------------------------------------------------------------
class MailSink(socketserver.ThreadingTCPServer):
    """A local SMTP server that keeps each message's recipients and subject."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port):
        self.received = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 bench")
        recipients, data = [], None
        for raw in self.rfile:
            if data is not None:
                if raw in (b".\r\n", b".\n"):
                    message = message_from_bytes(b"".join(data))
                    subject = str(make_header(decode_header(message.get("Subject", ""))))
                    with self.server.lock:
                        self.server.received += [(to, subject) for to in recipients]
                    recipients, data = [], None
                    self.reply("250 kept")
                else:
                    data.append(raw[1:] if raw.startswith(b"..") else raw)
                continue
            verb = raw[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 bench")
            elif verb == b"RCPT":
                recipients.append(raw.split(b":", 1)[1].strip().strip(b"<>").decode())
                self.reply("250 ok")
            elif verb == b"DATA":
                data = []
                self.reply("354 go on")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RSET, NOOP
                self.reply("250 ok")


def start_authority(port, counter):
    """The tests' local RFC 3161 authority (openssl), counting the requests it answers."""
    import http.server
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "az_attendance" / "tests"))
    import local_tsa

    directory = tempfile.mkdtemp(prefix="az_bench_tsa_")
    local_tsa.make_authority(directory)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 65536))
            with lock:
                answer = local_tsa.reply(directory, body)
                counter["requests"] += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}/tsa"


# ---------------------------------------------------------------------------------------
# drive
# ---------------------------------------------------------------------------------------
def login(base, login_name):
    http = new_client()
    http.headers.pop("Connection")
    page = http.get(f"{base}/web/login", timeout=60)
    csrf = CSRF_RE.search(page.text).group(1)
    http.post(
        f"{base}/web/login",
        data={"csrf_token": csrf, "login": login_name, "password": PASSWORD, "redirect": "/web"},
        timeout=60,
    )
    return http


def drive(args):
    state = json.loads(STATE.read_text())
    urls = args.url
    sink = MailSink(args.smtp_port)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    authority = {"requests": 0}
    tsa_server, tsa_url = start_authority(args.tsa_port, authority)
    odoo, registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.write({"az_tsa_url": tsa_url, "az_tsa_certificate": False})
    rec = Recorder()
    clients = min(args.clients, len(state["free_starts"]))

    def server_of(i):
        return i % len(urls), urls[i % len(urls)]

    def visitor(i):
        n, base = server_of(i)
        with new_client() as http:
            rec.timed(
                f"server {n + 1} slots GET", lambda: http.get(f"{base}{state['many_path']}", timeout=60)
            )
            return book(
                http,
                rec,
                base,
                state["many_path"],
                state["free_starts"][i],
                f"Visitor {i}",
                f"server {n + 1} booking",
            )

    def sign(i):
        n, base = server_of(i)
        url = state["sign_urls"][i].replace(urls[0], base)
        with new_client() as http:
            page = rec.timed(f"server {n + 1} sign GET", lambda: http.get(url, timeout=60))
            match = CSRF_RE.search(page.text)
            data = {
                "csrf_token": match.group(1) if match else "",
                "signature": state["signature"],
                "strokes": state["strokes"],
            }
            return rec.timed(f"server {n + 1} sign POST", lambda: http.post(url, data=data, timeout=60))

    staff = [login(base, state["trainer_login"]) for base in urls]

    def validate(i):
        n, base = server_of(i)
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "az.attendance.session",
                "method": "action_validate",
                "args": [[state["sheets"][i]]],
                "kwargs": {},
            },
        }
        url = f"{base}/web/dataset/call_kw/az.attendance.session/action_validate"
        return rec.timed(f"server {n + 1} validate", lambda: staff[n].post(url, json=body, timeout=120))

    t0 = time.perf_counter()
    booked = run_parallel(clients, visitor)
    signed = run_parallel(len(state["sign_urls"]), sign)
    validated = run_parallel(len(state["sheets"]), validate)
    load_seconds = time.perf_counter() - t0
    jobs_started = time.time()
    work = wake_jobs(odoo, registry, state)
    jobs_seconds = time.time() - jobs_started
    tsa_server.shutdown()
    sink.shutdown()
    return report(
        args, rec, booked, signed, validated, load_seconds, jobs_seconds, work, sink.received, authority
    )


def wake_jobs(odoo, registry, state, seconds=240):
    """Queue the bundles, then wake the jobs on both servers (every 2 s: each server's cron
    thread is woken and they compete) until every piece of work is done."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        funding = env["az.funding"].browse(state["funding_id"])
        env["az.attendance.bundle"].create(
            [{"funding_id": funding.id, "date_from": funding.date_start, "date_to": funding.date_end}] * 2
        )
        cr.commit()
    deadline = time.time() + seconds
    while time.time() < deadline:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            work = count_work(env, state)
            if work["done"]:
                return work
            for xmlid in CRONS.values():
                env.ref(xmlid)._trigger()
            cr.commit()
        time.sleep(2)
    return work


def count_work(env, state):
    bookings = env["az.booking"].search([("type_id", "=", state["many_type"])])
    entries = env["az.attendance.ledger"].search([("kind", "=", "seal")])
    bundles = env["az.attendance.bundle"].search([])
    sheets = env["az.attendance.session"].browse(state["sheets"])
    ready = {
        bundle.id: len(
            bundle.message_ids.filtered(
                lambda m: "bundle ready" in (m.body or "").lower() or "prêt" in (m.body or "")
            )
        )
        for bundle in bundles
    }
    work = {
        "sheets_validated": len(sheets.filtered(lambda sheet: sheet.state == "validated" and sheet.seal)),
        "bookings": len(bookings),
        "reminded": len(bookings.filtered("reminder_sent_datetime")),
        "outgoing": env["mail.mail"].sudo().search_count([("state", "=", "outgoing")]),
        "entries": len(entries),
        "stamped": len(entries.filtered("timestamp_token")),
        "bundles": len(bundles),
        "bundles_done": len(bundles.filtered(lambda b: b.state == "done")),
        "bundle_ready_messages": ready,
        "job_names": [env.ref(xmlid).name for xmlid in CRONS.values()],
    }
    work["done"] = (
        work["reminded"] == work["bookings"]
        and not work["outgoing"]
        and work["stamped"] == work["entries"]
        and work["bundles_done"] == work["bundles"]
    )
    return work


def cron_runs(logs):
    """{job name: [runs on server 1, runs on server 2, ...]} from the servers' logs."""
    done = re.compile(r"Job '([^']+)' \(\d+\) done in")
    runs = {}
    for n, path in enumerate(logs):
        for line in Path(path).read_text(errors="replace").splitlines():
            match = done.search(line)
            if match:
                runs.setdefault(match.group(1), [0] * len(logs))[n] += 1
    return runs


def error_of(response):
    """The message of a JSON-RPC error answer (on one line, the names between quotes left
    out so that the sheets' refusals for one reason count together), the status of another
    failure, or an empty string for a success."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        error = response.json().get("error")
    except ValueError:
        return "not a JSON answer"
    if not error:
        return ""
    message = (error.get("data") or {}).get("message") or error.get("message") or "error"
    return re.sub(r"'[^']*'", "'…'", " ".join(message.split())) or "error"


def report(args, rec, booked, signed, validated, load_seconds, jobs_seconds, work, mails, authority):
    problems = []
    print(f"\nRequests per server ({len(args.url)} servers, --workers=2 each, one database)\n")
    print(f"{'server, request':<26}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}  statuses")
    for name in sorted(rec.timings):
        values = rec.timings[name]
        statuses = " ".join(f"{code}×{n}" for code, n in sorted(rec.statuses[name].items()))
        print(
            f"{name:<26}{len(values):>9}{percentile(values, 50) * 1000:>9.0f}"
            f"{percentile(values, 95) * 1000:>9.0f}  {statuses}"
        )
        if any(code >= 500 or code == 0 for code in rec.statuses[name]):
            problems.append(f"{name}: a request got a server error or no answer")
    for n in range(len(args.url)):
        values = [v for name, vs in rec.timings.items() if name.startswith(f"server {n + 1} ") for v in vs]
        print(
            f"{f'server {n + 1}, all':<26}{len(values):>9}{percentile(values, 50) * 1000:>9.0f}"
            f"{percentile(values, 95) * 1000:>9.0f}"
        )
    total = sum(len(v) for v in rec.timings.values())
    confirmed = sum(r.status_code == 303 for r in booked)
    signatures = sum(r.status_code == 200 for r in signed)
    answered = sum(r.status_code == 200 and "error" not in r.text[:200] for r in validated)
    sealed = work["sheets_validated"]  # what the database holds, whatever the answers said
    print(
        f"\n{total} requests in {load_seconds:.1f}s; bookings confirmed {confirmed}/{len(booked)}, "
        f"signatures {signatures}/{len(signed)}, sheets validated {sealed}/{len(validated)}"
    )
    print(f"\nJobs on both servers ({jobs_seconds:.0f}s until all work was done)\n")
    runs = cron_runs(args.logs)
    for name, counts in sorted(runs.items()):
        if name not in work["job_names"]:
            continue
        print(f"  {name}: ran {' + '.join(map(str, counts))} times (server 1 + server 2)")
    per_mail = Counter(mails)
    reminders = {k: n for k, n in per_mail.items() if "remind" in k[1].lower() or "rappel" in k[1].lower()}
    twice = {k: n for k, n in per_mail.items() if n > 1}
    print(
        f"  reminders: {work['reminded']} of {work['bookings']} bookings reminded; {len(reminders)} reminder "
        f"e-mails received, {sum(1 for n in reminders.values() if n > 1)} more than once"
    )
    print(
        f"  mail queue: {len(mails)} e-mails received, {len(per_mail)} distinct (recipient, subject), "
        f"{len(twice)} received twice or more"
    )
    print(
        f"  timestamps: {work['stamped']} of {work['entries']} ledger entries stamped; the authority answered"
        f" {authority['requests']} request(s)"
    )
    ready = work["bundle_ready_messages"]
    print(
        f"  bundles: {work['bundles_done']} of {work['bundles']} built; 'ready' messages per bundle: "
        f"{sorted(ready.values())}"
    )
    if answered != len(validated) or sealed != len(validated):
        refusals = Counter(error_of(r) for r in validated if error_of(r))
        problems.append(
            f"sheets validated and sealed {sealed}/{len(validated)} ({answered} validations answered "
            f"without an error); refusals: {dict(refusals.most_common(3))}"
        )
    if work["stamped"] != work["entries"] or work["entries"] < sealed:
        problems.append(
            f"timestamps: {work['stamped']} of {work['entries']} ledger entries stamped, "
            f"for {sealed} sealed sheets"
        )
    if not work["done"]:
        problems.append(f"work left undone: {work}")
    if twice:
        problems.append(f"e-mails received more than once: {list(twice.items())[:5]}")
    if authority["requests"] != work["entries"]:
        problems.append(f"{authority['requests']} timestamp requests for {work['entries']} entries")
    if any(n != 1 for n in ready.values()):
        problems.append(f"bundles built more than once (or never): {ready}")
    return verdict(problems, "each piece of work done once")


def main():
    return prepare_or_drive(parse_args(), prepare, drive)


if __name__ == "__main__":
    raise SystemExit(main())
