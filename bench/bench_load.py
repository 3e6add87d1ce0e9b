"""Load benchmark of the public routes on a multi-worker Odoo.

``prepare`` builds the data through the ORM and commits it: ten staff members with
working hours, an individual booking type over eight of them, an individual type with a
single staff member, an 8-seat workshop session with 3 seats taken, and an open
attendance session of 30 people.
A second session of the same 30 people has a recognised phone (device token) per person.
``drive`` runs the scenarios over HTTP against the server started by ``bench/load`` and
prints the tables; everything it sends goes to the local server only, in bounded loops.
"""

import concurrent.futures
import json
import re
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from benchlib import make_parser, open_registry, prepare_or_drive

STATE = Path("/tmp") / "az_bench_load_state.json"
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
KEY_RE = re.compile(r'name="submission_key"\s+value="([^"]+)"')


def parse_args():
    parser = make_parser(__doc__)
    parser.add_argument("mode", choices=["prepare", "drive"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=50)
    return parser.parse_args()


# ---------------------------------------------------------------------------------------
# prepare
# ---------------------------------------------------------------------------------------
def prepare(args):
    odoo, registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "Europe/Paris"})
        state = build(env, args)
        cr.commit()
    STATE.write_text(json.dumps(state))
    print(f"prepared: {len(state['free_starts'])} free slots, session of {len(state['sign_urls'])} lines")


def signature_data_uri():
    """A stroke drawn on a 400×150 canvas, as the signing pad sends it."""
    import base64
    import importlib.util
    import io

    from PIL import Image, ImageDraw

    # the curve the pad draws through the points (the server checks the ink lies along it)
    path = Path(__file__).resolve().parent.parent / "az_attendance/tools/signature_image.py"
    spec = importlib.util.spec_from_file_location("az_bench_signature_image", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    image = Image.new("RGBA", (400, 150), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(
        module.pad_curve([(20, 120), (90, 30), (170, 110), (260, 40), (380, 90)]),
        fill=(20, 30, 120, 255),
        width=4,
    )
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()


def build(env, args):
    env["ir.config_parameter"].set_param("web.base.url", args.url)
    calendar = env["resource.calendar"].create(
        {
            "name": "Bench 9-12 14-17",
            "tz": "Europe/Paris",
            "attendance_ids": [(5, 0, 0)]
            + [
                (
                    0,
                    0,
                    {
                        "name": f"{day} {period}",
                        "dayofweek": str(day),
                        "hour_from": start,
                        "hour_to": stop,
                        "day_period": period,
                    },
                )
                for day in range(5)
                for period, start, stop in (("morning", 9.0, 12.0), ("afternoon", 14.0, 17.0))
            ],
        }
    )
    group = env.ref("az_project_base.group_user")
    users = env["res.users"]
    for i in range(10):
        user = env["res.users"].create(
            {
                "name": f"Bench staff {i}",
                "login": f"bench_staff_{i}",
                "tz": "Europe/Paris",
                "groups_id": [(6, 0, [group.id, env.ref("base.group_user").id])],
            }
        )
        env["resource.resource"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "calendar_id": calendar.id,
                "tz": "Europe/Paris",
                "resource_type": "user",
            }
        )
        users |= user
    project = env["project.project"].create({"name": "Bench project"})
    site = env["az.site"].create({"name": "Bench site", "tz": "Europe/Paris", "capacity": 40})
    common = {
        "project_id": project.id,
        "min_notice_hours": 0,
        "horizon_days": 60,
        "tz": "Europe/Paris",
        "is_published": True,
        "site_ids": [(6, 0, site.ids)],
        "reminder_hours": 0,
    }
    many = env["az.booking.type"].create(
        {
            **common,
            "name": "Bench appointments",
            "duration": 0.5,
            "slot_step": 0.5,
            "staff_user_ids": [(6, 0, users[2:].ids)],
            "assignment": "least_loaded",
        }
    )
    single = env["az.booking.type"].create(
        {
            **common,
            "name": "Bench single staff",
            "duration": 1.0,
            "slot_step": 1.0,
            "staff_user_ids": [(6, 0, users[:1].ids)],
            "assignment": "least_loaded",
        }
    )
    workshop = env["az.booking.type"].create(
        {
            **common,
            "name": "Bench workshop",
            "duration": 2.0,
            "slot_step": 1.0,
            "capacity": 8,
            "staff_user_ids": [(6, 0, users[1:2].ids)],
            "assignment": "specific",
            "specific_user_id": users[1].id,
        }
    )
    now = datetime.utcnow()
    horizon = now + timedelta(days=28)
    free = many._get_free_slots(now, horizon)
    single_slot = single._get_free_slots(now + timedelta(days=2), horizon)[0]
    partners = env["res.partner"].create(
        [
            {"name": f"Bench participant {i}", "email": f"bench{i}@example.com", "az_is_beneficiary": True}
            for i in range(30)
        ]
    )
    # one scheduled 8-seat session of the workshop, 3 seats already taken: 30 visitors
    # then ask for its last 5 seats at once
    workshop_session = env["az.booking.occurrence"].create(
        {
            "type_id": workshop.id,
            "start": single_slot["start"] + timedelta(days=1),
            "user_ids": [(6, 0, users[1:2].ids)],
            "capacity": 8,
        }
    )
    env["az.booking"].create(
        [
            {
                "type_id": workshop.id,
                "partner_id": partner.id,
                "occurrence_id": workshop_session.id,
                "start": workshop_session.start,
            }
            for partner in partners[:3]
        ]
    )
    workshop_slot = {"start": workshop_session.start}
    session = env["az.attendance.session"].create(
        {
            "name": "Bench session",
            "project_id": project.id,
            "site_id": site.id,
            "trainer_ids": [(6, 0, users[:1].ids)],
            "start": now - timedelta(minutes=10),
            "stop": now + timedelta(hours=2),
        }
    )
    session._add_participants(partners)
    session.action_open()
    # a second session of the same 30 people, signed by scanning its rotating QR code with
    # phones recognised as theirs (a device cookie each)
    rotating = session.copy({"name": "Bench rotating QR", "line_ids": False})
    rotating._add_participants(partners)
    rotating.action_open()
    Device = env["az.attendance.device"]
    device_tokens = [Device._enrol(line.partner_id, "Bench phone") for line in rotating.line_ids]
    fmt = "%Y-%m-%dT%H:%M"
    return {
        "signature": signature_data_uri(),
        # the strokes the signing page sends with that drawing (a 400 x 150 box)
        "strokes": json.dumps(
            {"width": 400, "height": 150, "strokes": [[20, 120, 90, 30, 170, 110, 260, 40, 380, 90]]}
        ),
        "many_type": many.id,
        "single_type": single.id,
        "workshop_type": workshop.id,
        # the public addresses of the types (/booking/<slug>), as the website links them
        "many_path": many.website_url,
        "single_path": single.website_url,
        "workshop_path": workshop.website_url,
        "free_starts": sorted({slot["start"].strftime(fmt) for slot in free}),
        "single_start": single_slot["start"].strftime(fmt),
        "workshop_start": workshop_slot["start"].strftime(fmt),
        "workshop_taken": workshop_session.seats_taken,
        "workshop_capacity": workshop_session.capacity,
        "session_id": session.id,
        "sign_urls": [line._get_remote_sign_url() for line in session.line_ids],
        # 20 wrong codes at once for one person on the QR code page
        "qr_path": f"/attendance/qr/{session.qr_token}",
        "qr_line_id": session.line_ids[-1].id,
        "qr_wrong_code": f"{(int(session.line_ids[-1].sign_code) + 1) % 1000000:06d}",
        "rotating_session_id": rotating.id,
        "rotating_lines": rotating.line_ids.ids,
        "device_tokens": device_tokens,
    }


# ---------------------------------------------------------------------------------------
# drive
# ---------------------------------------------------------------------------------------
class FailedResponse:
    """Stands for a request that got no HTTP answer (connection refused or reset)."""

    status_code = 0
    text = ""


def new_client():
    import requests

    client = requests.Session()
    # Odoo's prefork workers close idle keep-alive sockets after 2 s: one request, one
    # connection, as browsers of distinct visitors would do.
    client.headers["Connection"] = "close"
    return client


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings = {}
        self.statuses = {}

    def timed(self, name, func):
        import requests

        start = time.perf_counter()
        try:
            response = func()
        except requests.RequestException:
            response = FailedResponse()
        elapsed = time.perf_counter() - start
        with self.lock:
            self.timings.setdefault(name, []).append(elapsed)
            self.statuses.setdefault(name, Counter())[response.status_code] += 1
        return response


def percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def book(session, rec, base, type_path, start, name, label):
    form = rec.timed(
        f"{label} form GET",
        lambda: session.get(f"{base}{type_path}/book", params={"start": start}, timeout=60),
    )
    match = CSRF_RE.search(form.text)
    key = KEY_RE.search(form.text)  # the form's one-time submission key
    data = {
        "csrf_token": match.group(1) if match else "",
        "start": start,
        "name": name,
        "email": f"{name.lower().replace(' ', '.')}@example.com",
        "phone": "+33 6 12 34 56 78",
        "consent": "1",
        "submission_key": key.group(1) if key else "",
    }
    return rec.timed(
        f"{label} POST",
        lambda: session.post(f"{base}{type_path}/book", data=data, timeout=60, allow_redirects=False),
    )


def run_parallel(count, func):
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(func, range(count)))


def drive(args):
    state = json.loads(STATE.read_text())
    base = args.url
    rec = Recorder()
    clients = min(args.clients, len(state["free_starts"]))

    # 1. public booking flow, distinct slots
    def visitor(i):
        with new_client() as http:
            rec.timed("slot page GET", lambda: http.get(f"{base}{state['many_path']}", timeout=60))
            return book(
                http, rec, base, state["many_path"], state["free_starts"][i], f"Visitor {i}", "booking"
            )

    t0 = time.perf_counter()
    flow = run_parallel(clients, visitor)
    flow_time = time.perf_counter() - t0
    flow_ok = sum(1 for r in flow if r.status_code == 303)

    # 2. contention on one individual slot and the last 5 seats of one workshop session
    def single(i):
        with new_client() as http:
            return book(
                http, rec, base, state["single_path"], state["single_start"], f"Rival {i}", "single slot"
            )

    def seat(i):
        with new_client() as http:
            return book(
                http, rec, base, state["workshop_path"], state["workshop_start"], f"Seat {i}", "workshop"
            )

    singles = run_parallel(20, single)
    seats = run_parallel(30, seat)

    # 3. 20 wrong codes at once for one person on the QR page: the limit (5) must hold across
    # the workers (403 = a code compared and refused, 429 = refused before any comparison)
    qr_url = f"{base}{state['qr_path']}"

    def wrong_code(i):
        with new_client() as http:
            page = http.get(qr_url, timeout=60)
            match = CSRF_RE.search(page.text)
            return rec.timed(
                "QR wrong code POST",
                lambda: http.post(
                    f"{qr_url}/sign",
                    data={
                        "csrf_token": match.group(1) if match else "",
                        "line_id": state["qr_line_id"],
                        "code": state["qr_wrong_code"],
                        "signature": state["signature"],
                        "strokes": state["strokes"],
                    },
                    timeout=60,
                ),
            )

    wrong = run_parallel(20, wrong_code)

    # 4. 30 people sign at once through their remote links
    def sign(i):
        url = state["sign_urls"][i]
        with new_client() as http:
            page = rec.timed("sign page GET", lambda: http.get(url, timeout=60))
            match = CSRF_RE.search(page.text)
            return rec.timed(
                "sign POST",
                lambda: http.post(
                    url,
                    data={
                        "csrf_token": match.group(1) if match else "",
                        "signature": state["signature"],
                        "strokes": state["strokes"],
                    },
                    timeout=60,
                ),
            )

    signs = run_parallel(len(state["sign_urls"]), sign)

    # 5. 30 people scan the same rotating QR code at once with their recognised phones and
    # sign; then the same code is scanned again once its window is over
    scanned, replay = rotating_qr(args, state, rec)

    counts, pdf_seconds = check_database(args, state)
    print_tables(rec, clients, flow_time, flow_ok, singles, seats, signs, counts, pdf_seconds)
    histogram = Counter(r.status_code for r in wrong)
    print(
        f"20 wrong QR codes at once for one person: {histogram.get(403, 0)} codes compared "
        f"(limit 5), {histogram.get(429, 0)} refused before any comparison; "
        f"counter in the database: {counts['qr_tries']}; statuses {dict(histogram)}"
    )
    histogram = Counter(r.status_code for r in scanned)
    flow = rec.timings["rotating QR scan+sign"]
    print(
        f"30 participants scanning the same rotating code at once (two workers): signed "
        f"{counts['rotating_signed']}/30, p95 of scan + signature {percentile(flow, 95) * 1000:.0f} ms; "
        f"statuses {dict(histogram)}"
    )
    print(
        f"a replayed code ({replay['age']:.0f} s after it was shown): "
        f"{'refused' if replay['status'] == 410 else 'NOT refused'} (status {replay['status']})"
    )


_OPENED = {}


def opened_registry(args):
    """Odoo's registry of the benchmark's database, opened once per run (Odoo's configuration
    is read once per process)."""
    if "registry" not in _OPENED:
        _OPENED["registry"] = open_registry(args)
    return _OPENED["registry"]


def rotating_qr(args, state, rec):
    """30 recognised phones scan the code shown now and sign; then the code is replayed."""
    odoo, registry = opened_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        # what the trainer's screen shows now (computed by the server, as its page asks)
        shown = env["az.attendance.session"].browse(state["rotating_session_id"])._rotating_qr_values()
    shown_at = time.time()
    url = shown["url"]
    base = args.url

    def scan(i):
        with new_client() as http:
            http.cookies.set("az_attendance_device", state["device_tokens"][i])
            start = time.perf_counter()
            page = rec.timed("rotating QR scan GET", lambda: http.get(url, timeout=60))
            action = re.search(
                r'action="((?:/[a-z]{2}(?:_[A-Z]{2})?)?/attendance/qr/t/[^"]+/sign)"', page.text
            )
            csrf = CSRF_RE.search(page.text)
            response = rec.timed(
                "rotating QR sign POST",
                lambda: http.post(
                    f"{base}{action.group(1) if action else '/attendance/qr/t/none/sign'}",
                    data={
                        "csrf_token": csrf.group(1) if csrf else "",
                        "line_id": state["rotating_lines"][i],
                        "signature": state["signature"],
                        "strokes": state["strokes"],
                    },
                    timeout=60,
                ),
            )
            with rec.lock:
                rec.timings.setdefault("rotating QR scan+sign", []).append(time.perf_counter() - start)
                rec.statuses.setdefault("rotating QR scan+sign", Counter())[response.status_code] += 1
            return response

    scanned = run_parallel(30, scan)
    # the value is accepted during its step and the next one: wait until both are over
    wait = shown["refresh_ms"] / 1000 + 10.5 - (time.time() - shown_at)
    if wait > 0:
        time.sleep(wait)
    with new_client() as http:
        http.cookies.set("az_attendance_device", state["device_tokens"][0])
        replayed = rec.timed("rotating QR replayed GET", lambda: http.get(url, timeout=60))
    return scanned, {"status": replayed.status_code, "age": time.time() - shown_at}


def check_database(args, state):
    odoo, registry = opened_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Booking = env["az.booking"]
        counts = {
            "single": Booking.search_count(
                [("type_id", "=", state["single_type"]), ("state", "=", "confirmed")]
            ),
            "workshop": sum(
                Booking.search(
                    [("type_id", "=", state["workshop_type"]), ("state", "=", "confirmed")]
                ).mapped("seats")
            ),
            "visitors": Booking.search_count([("type_id", "=", state["many_type"])]),
            "workshop_taken": state["workshop_taken"],
            "workshop_capacity": state["workshop_capacity"],
            "signed": env["az.attendance.line"].search_count(
                [("session_id", "=", state["session_id"]), ("signed_at", "!=", False)]
            ),
            "rotating_signed": env["az.attendance.line"].search_count(
                [("session_id", "=", state["rotating_session_id"]), ("signed_at", "!=", False)]
            ),
            "qr_tries": env["az.attendance.sign.attempt"]
            .search([("line_id", "=", state["qr_line_id"])])
            .tries,
        }
        session = env["az.attendance.session"].browse(state["session_id"])
        report = env.ref("az_attendance.action_report_attendance_sheet")
        t0 = time.perf_counter()
        pdf, _kind = env["ir.actions.report"]._render_qweb_pdf(report, session.ids)
        pdf_seconds = time.perf_counter() - t0
        counts["pdf_bytes"] = len(pdf)
        cr.rollback()
    return counts, pdf_seconds


def print_tables(rec, clients, flow_time, flow_ok, singles, seats, signs, counts, pdf_seconds):
    print("\nLatency per request kind (Odoo --workers=2, loopback)\n")
    print(f"{'request':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for name, values in rec.timings.items():
        statuses = " ".join(f"{code}×{n}" for code, n in sorted(rec.statuses[name].items()))
        print(
            f"{name:<22}{len(values):>7}{percentile(values, 50) * 1000:>9.0f}"
            f"{percentile(values, 95) * 1000:>9.0f}{percentile(values, 99) * 1000:>9.0f}"
            f"  {statuses}"
        )
    requests_count = clients * 3
    print(
        f"\nbooking flow: {clients} clients, {requests_count} requests in {flow_time:.1f}s "
        f"= {requests_count / flow_time:.1f} req/s; {flow_ok} bookings confirmed, "
        f"{counts['visitors']} in the database"
    )
    histogram = Counter(r.status_code for r in singles)
    print(
        f"one individual slot, 20 POSTs: {counts['single']} confirmed (expected 1); "
        f"statuses {dict(histogram)}"
    )
    histogram = Counter(r.status_code for r in seats)
    left = counts["workshop_capacity"] - counts["workshop_taken"]
    print(
        f"last {left} seats of one {counts['workshop_capacity']}-seat session, 30 POSTs: "
        f"{counts['workshop'] - counts['workshop_taken']} seats taken (expected {left}), "
        f"{counts['workshop']} in all; statuses {dict(histogram)}"
    )
    histogram = Counter(r.status_code for r in signs)
    print(
        f"30 remote signatures at once: {counts['signed']} lines signed (expected 30); "
        f"statuses {dict(histogram)}"
    )
    print(f"PDF sheet of 30 signed lines: {pdf_seconds:.2f}s, {counts['pdf_bytes']} bytes")
    errors = sum(n for c in rec.statuses.values() for code, n in c.items() if code >= 500)
    lost = sum(n for c in rec.statuses.values() for code, n in c.items() if code == 0)
    print(f"responses with status 5xx: {errors}; requests without answer: {lost}")


def main():
    return prepare_or_drive(parse_args(), prepare, drive)


if __name__ == "__main__":
    main()
