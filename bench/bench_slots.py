"""Slot search of az_booking against OCA resource_booking, on the same data.

Builds, in one transaction rolled back at the end: N staff members with a 40-hour working
schedule (Europe/Paris), a public holiday, a booking type over a H-day horizon, and 2,000
busy items (1,000 calendar events and 1,000 bookings, each with its calendar event). OCA's
booking type gets one combination per staff member on the same resources, so both engines
face the same working hours and busy times. Prints times (median of several runs, caches
cleared before each) and SQL query counts.
"""

import random
import statistics
import time
from datetime import datetime, timedelta

import bench_territory
from benchlib import make_parser, open_registry


def parse_args():
    parser = make_parser(__doc__)
    parser.add_argument("--staff", type=int, default=10)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--busy", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-territory", action="store_true", help="skip the territory search")
    parser.add_argument(
        "--profile", action="store_true", help="print where az_booking's time goes (cProfile)"
    )
    return parser.parse_args()


def build(env, staff_count, busy_count, tag):
    """Staff, calendars, a type of each engine, and busy items. Returns both types."""
    rnd = random.Random(42)
    calendar = env["resource.calendar"].create({"name": f"Bench 40h {tag}", "tz": "Europe/Paris"})
    env["resource.calendar.leaves"].create(
        {
            "name": "Public holiday",
            "calendar_id": False,
            "date_from": datetime(2027, 1, 11, 0, 0),
            "date_to": datetime(2027, 1, 11, 23, 0),
        }
    )
    users = env["res.users"]
    resources = env["resource.resource"]
    for i in range(staff_count):
        user = env["res.users"].create(
            {
                "name": f"Bench staff {tag} {i}",
                "login": f"bench_{tag}_{i}",
                "tz": "Europe/Paris",
                "groups_id": [(6, 0, [env.ref("az_project_base.group_user").id])],
            }
        )
        users |= user
        resources |= env["resource.resource"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "calendar_id": calendar.id,
                "tz": "Europe/Paris",
                "resource_type": "user",
            }
        )
    project = env["project.project"].create({"name": f"Bench project {tag}"})
    az_type = env["az.booking.type"].create(
        {
            "name": f"Bench type {tag}",
            "project_id": project.id,
            "duration": 1.0,
            "slot_step": 0.5,
            "staff_user_ids": [(6, 0, users.ids)],
            "assignment": "least_loaded",
            "min_notice_hours": 0,
            "horizon_days": 400,
            "tz": "Europe/Paris",
        }
    )
    other_type = env["az.booking.type"].create(
        {
            "name": f"Bench other {tag}",
            "project_id": project.id,
            "duration": 1.0,
            "slot_step": 1.0,
            "staff_user_ids": [(6, 0, users.ids)],
            "min_notice_hours": 0,
            "horizon_days": 400,
            "tz": "Europe/Paris",
        }
    )
    combinations = env["resource.booking.combination"].create(
        [{"resource_ids": [(6, 0, res.ids)]} for res in resources]
    )
    oca_type = env["resource.booking.type"].create(
        {
            "name": f"Bench OCA {tag}",
            "duration": 1.0,
            "slot_duration": 0.5,
            "resource_calendar_id": calendar.id,
            "modifications_deadline": 0,
            "combination_rel_ids": [(0, 0, {"combination_id": c.id}) for c in combinations],
        }
    )
    # Busy items inside the working hours of the first 60 days, in whole hours (UTC).
    origin = datetime(2027, 1, 4, 8, 0)  # a Monday, 9:00 in Paris
    events, bookings = [], []
    # one person per staff member: a person cannot hold two bookings of a type at once
    beneficiaries = {
        user.id: env["res.partner"].create(
            {"name": f"Bench beneficiary {user.id}", "az_is_beneficiary": True}
        )
        for user in users
    }
    seen = set()
    while len(events) + len(bookings) < busy_count:
        user = users[rnd.randrange(len(users))]
        day = rnd.randrange(84)
        if (origin + timedelta(days=day)).weekday() >= 5 or day == 7:  # weekend, holiday
            continue
        start = origin + timedelta(days=day, hours=rnd.choice([0, 1, 2, 5, 6, 7]))
        if (user.id, start) in seen:
            continue
        seen.add((user.id, start))
        if len(events) < busy_count // 2:
            events.append(
                {
                    "name": "Meeting",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "user_id": user.id,
                    "partner_ids": [(6, 0, user.partner_id.ids)],
                    "show_as": "busy",
                }
            )
        else:
            bookings.append(
                {
                    "type_id": other_type.id,
                    "user_id": user.id,
                    "partner_id": beneficiaries[user.id].id,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                }
            )
    env["calendar.event"].with_context(no_mail_to_attendees=True, mail_notrack=True).create(events)
    env["az.booking"].with_context(mail_notrack=True, no_mail_to_attendees=True).create(bookings)
    env.flush_all()
    # Fresh rows of this transaction: give the planner the statistics a live database has.
    for table in (
        "calendar_event",
        "calendar_attendee",
        "az_booking",
        "resource_resource",
        "resource_calendar_leaves",
        "resource_booking",
        "res_users",
    ):
        env.cr.execute(f"ANALYZE {table}")
    return az_type, oca_type, users


def measure(env, func, runs):
    import odoo.sql_db as sql_db

    func()  # warm-up
    times, queries = [], []
    for _ in range(runs):
        env.invalidate_all()
        env.registry.clear_cache()
        before = sql_db.sql_counter
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
        queries.append(sql_db.sql_counter - before)
    return statistics.median(times), max(queries), result


def profile(env, func, runs, label="the single-type search"):
    """Print the functions where ``func`` spends its time (own time first)."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    for _ in range(runs):
        env.invalidate_all()
        env.registry.clear_cache()
        profiler.enable()
        func()
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(14)
    print(f"\nProfile of {label}, {runs} runs (own time first):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


def main():
    args = parse_args()
    odoo, registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "Europe/Paris"})
        try:
            rows = run(env, args)
            territory_rows = (
                []
                if args.no_territory
                else bench_territory.run(env, measure, args.runs, profile if args.profile else None)
            )
        finally:
            cr.rollback()
    print_table(args, rows)
    if territory_rows:
        bench_territory.print_rows(territory_rows)


def run(env, args):
    import pytz

    start = datetime(2027, 1, 4, 0, 0)
    rows = []
    az_type, oca_type, users = build(env, args.staff, args.busy, "main")
    stop = start + timedelta(days=args.days)

    def az_slots():
        return az_type._get_free_slots(start, stop, apply_notice=False)

    az_time, az_queries, az_result = measure(env, az_slots, args.runs)
    if args.profile:
        profile(env, az_slots, args.runs)
    rows.append(("az_booking", args.staff, args.days, az_time, az_queries, len(az_result)))

    tz = pytz.timezone("Europe/Paris")
    partner = env["res.partner"].create({"name": "OCA bench requester"})
    booking = env["resource.booking"].create(
        {
            "type_id": oca_type.id,
            "partner_ids": [(6, 0, partner.ids)],
        }
    )

    def oca_slots():
        found = booking._get_available_slots(tz.localize(start), tz.localize(stop))
        return [s for day in found.values() for s in day]

    oca_time, oca_queries, oca_result = measure(env, oca_slots, args.runs)
    az_starts = {slot["start"] for slot in az_result}
    oca_starts = {s.astimezone(pytz.utc).replace(tzinfo=None) for s in oca_result}
    only_az, only_oca = sorted(az_starts - oca_starts), sorted(oca_starts - az_starts)
    print(f"start times offered by az_booking only: {len(only_az)} {only_az[:5]}")
    print(f"start times offered by OCA only: {len(only_oca)} {only_oca[:5]}")
    rows.append(("OCA resource_booking", args.staff, args.days, oca_time, oca_queries, len(oca_result)))

    # The query count must not grow with staff or days.
    half_users = users[: max(1, len(users) // 2)]
    for staff, days in (
        (len(half_users), args.days // 2),
        (len(users), args.days),
        (len(users), args.days * 2),
    ):

        def scaled(staff=staff, days=days):
            return az_type._get_free_slots(
                start, start + timedelta(days=days), staff=users[:staff], apply_notice=False
            )

        t, q, res = measure(env, scaled, 1)
        rows.append(("az_booking scaling", staff, days, t, q, len(res)))
    return rows


def print_table(args, rows):
    print(f"\nSlot search, {args.busy} busy items, 40-hour schedules (Europe/Paris)\n")
    print(f"{'engine':<24}{'staff':>6}{'days':>6}{'time (ms)':>12}{'queries':>9}{'slots':>8}")
    for name, staff, days, seconds, queries, slots in rows:
        print(f"{name:<24}{staff:>6}{days:>6}{seconds * 1000:>12.1f}{queries:>9}{slots:>8}")
    az, oca = rows[0], rows[1]
    print(f"\nspeed-up az_booking vs OCA: {oca[3] / az[3]:.1f}x")
    scaling_queries = {r[4] for r in rows[2:]}
    print(
        "query count constant when staff and days change: "
        f"{'yes' if len(scaling_queries) == 1 else 'no'} ({sorted(scaling_queries)})"
    )


if __name__ == "__main__":
    main()
