"""The territory search of az_booking on a large territory: the first free times for an
address across 40 sites (one booking type each, its own team), 300 staff members on
40-hour schedules, a 90-day booking window and 100,000 busy items (calendar events of the
staff, written with SQL to build them quickly, and bookings made through the ORM).
Called by bench_slots.py, in its transaction (rolled back at the end)."""

import random
from datetime import datetime, timedelta

SITES = 40
STAFF = 300
DAYS = 90
BUSY = 100_000
BOOKINGS = 2_000


def build(env, origin, sites=SITES, staff=STAFF, days=DAYS, busy=BUSY):
    """The sites with their areas, the types and their staff, the busy items. Returns the
    types and the addresses to search."""
    rnd = random.Random(7)
    calendar = env["resource.calendar"].create({"name": "Territory 40h", "tz": "Europe/Paris"})
    group = env.ref("az_project_base.group_user").id
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Territory staff {i}",
                    "login": f"territory_{i}",
                    "tz": "Europe/Paris",
                    "groups_id": [(6, 0, [group])],
                }
                for i in range(staff)
            ]
        )
    )
    env["resource.resource"].create(
        [
            {
                "name": u.name,
                "user_id": u.id,
                "calendar_id": calendar.id,
                "tz": "Europe/Paris",
                "resource_type": "user",
            }
            for u in users
        ]
    )
    project = env["project.project"].create({"name": "Territory"})
    site_records = env["az.site"].create(
        [{"name": f"Antenne {i}", "zip": f"{93100 + i}", "city": f"Ville {i}"} for i in range(sites)]
    )
    areas = []
    for i, site in enumerate(site_records):
        areas.append({"site_id": site.id, "postcode": "93000"})  # the whole department
        areas.append({"site_id": site.id, "postcode": f"{93100 + i}", "city": f"Ville {i}"})
        areas += [
            {"site_id": site.id, "postcode": f"{93100 + i}", "city": f"Ville {i}", "street": f"Rue {n}"}
            for n in range(25)
        ]
    env["az.site.area"].create(areas)
    types = env["az.booking.type"].create(
        [
            {
                "name": f"Premier accueil {i}",
                "project_id": project.id,
                "duration": 1.0,
                "slot_step": 0.5,
                "staff_user_ids": [(6, 0, users[i::sites].ids)],
                "site_ids": [(6, 0, site.ids)],
                "assignment": "least_loaded",
                "min_notice_hours": 0,
                "horizon_days": days,
                "tz": "Europe/Paris",
                "territory_open": False,
            }
            for i, site in enumerate(site_records)
        ]
    )
    # busy items inside the working hours (Paris): the bookings at whole hours first, then
    # the events at any half hour that does not overlap a booking
    from odoo.addons.az_booking.tools.intervals import local_to_utc

    def moment(day, hours):
        return local_to_utc((origin + timedelta(days=day)).date(), hours, "Europe/Paris")

    people = env["res.partner"].create([{"name": f"Person {u.id}", "az_is_beneficiary": True} for u in users])
    person_of = dict(zip(users.ids, people.ids, strict=True))
    type_of = {u: t for t in types for u in t.staff_user_ids.ids}
    seen, bookings, events = set(), [], []
    holidays = {
        d
        for leave in env["resource.calendar.leaves"].search([("resource_id", "=", False)])
        for d in range((leave.date_from - origin).days - 1, (leave.date_to - origin).days + 2)
    }
    half = timedelta(minutes=30)
    while len(bookings) < BOOKINGS:
        user = users[rnd.randrange(len(users))]
        day = rnd.randrange(1, days - 1)
        if (origin + timedelta(days=day)).weekday() >= 5 or day in holidays or user.id not in type_of:
            continue
        start = moment(day, rnd.choice([9.0, 10.0, 11.0, 14.0, 15.0, 16.0]))
        if (user.id, start) in seen:
            continue
        seen |= {(user.id, start - half), (user.id, start), (user.id, start + half)}
        bookings.append(
            {
                "type_id": type_of[user.id].id,
                "user_id": user.id,
                "partner_id": person_of[user.id],
                "start": start,
                "stop": start + timedelta(hours=1),
            }
        )
    while len(events) < busy - BOOKINGS:
        user = users[rnd.randrange(len(users))]
        day = rnd.randrange(days)
        if (origin + timedelta(days=day)).weekday() >= 5:
            continue
        start = moment(day, 9.0 + 0.5 * rnd.randrange(16))
        if (user.id, start) not in seen:
            seen.add((user.id, start))
            events.append((user.id, user.partner_id.id, start))
    cr = env.cr
    cr.execute(
        """
        WITH rows AS (
                SELECT * FROM unnest(%s::int[], %s::int[], %s::timestamp[]) AS r(user_id, partner_id, start)
             ),
             made AS (
                INSERT INTO calendar_event (name, start, stop, user_id, show_as, active, allday, duration)
                SELECT 'Busy', r.start, r.start + interval '1 hour', r.user_id, 'busy', TRUE, FALSE, 1.0
                  FROM rows r
                RETURNING id, user_id)
        INSERT INTO calendar_attendee (event_id, partner_id, state)
        SELECT m.id, u.partner_id, 'accepted' FROM made m JOIN res_users u ON u.id = m.user_id
        """,
        ([e[0] for e in events], [e[1] for e in events], [e[2] for e in events]),
    )
    env["az.booking"].with_context(
        mail_notrack=True, no_mail_to_attendees=True, tracking_disable=True
    ).create(bookings)
    env.flush_all()
    for table in ("calendar_event", "calendar_attendee", "az_booking", "az_site_area", "resource_resource"):
        cr.execute(f"ANALYZE {table}")
    return types


def next_monday():
    today = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


def run(env, measure, runs, profile=None):
    """Rows (label, sites offered, staff, time, queries, rows found) of the territory search."""
    origin = next_monday()
    types = build(env, origin)
    rows = []
    searches = [
        ("address, whole department", "93000", types),
        ("address in a street area", "4 rue 7, 93103 Ville 3", types),
        ("department, 10 sites", "93000", types[:10]),
    ]
    for label, typed, subset in searches:

        def search(typed=typed, subset=subset):
            return env["az.booking.type"]._az_search_territory(typed, types=subset, limit=3, after=origin)

        seconds, queries, found = measure(env, search, runs)
        if profile and label.startswith("address, whole"):
            profile(env, search, runs, f"the territory search ({label})")
        staff = len(env["az.booking.type"].concat(*(r["type"] for r in found)).staff_user_ids)
        rows.append((label, len({r["site"].id for r in found}), staff, seconds, queries, len(found)))
        if label.startswith("address in a street"):
            assert [r["site"].name for r in found] == ["Antenne 3"], found
    return rows


def print_rows(rows):
    print(f"\nTerritory search: {SITES} sites, {STAFF} staff, {DAYS} days, {BUSY:,} busy items\n")
    print(f"{'search':<30}{'sites':>6}{'staff':>7}{'time (ms)':>12}{'queries':>9}{'rows':>6}")
    for label, sites, staff, seconds, queries, found in rows:
        print(f"{label:<30}{sites:>6}{staff:>7}{seconds * 1000:>12.1f}{queries:>9}{found:>6}")
    print(
        "query count constant when sites and staff change: "
        f"{'yes' if len({r[4] for r in rows}) == 1 else 'no'} ({sorted({r[4] for r in rows})})"
    )
