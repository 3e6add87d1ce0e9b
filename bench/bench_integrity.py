"""Company-wide integrity check of sealed attendance sheets, on N sheets of L lines.

Builds, in one transaction rolled back at the end: one sheet through the ORM (L people who
sign on the kiosk, the trainer's signature, validation and seal), then N - 1 copies of it
made by SQL (each with its own lines, signature files and times), each sealed with the
project's own functions and recorded in the company ledger in order. Then times the
integrity check of the company (every sheet and every ledger entry recomputed from the
database, signature files read), and once more after changing one line by SQL.
"""

import base64
import io
import time
from datetime import datetime, timedelta

from benchlib import make_parser, open_registry


def parse_args():
    parser = make_parser(__doc__)
    parser.add_argument("--sheets", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=20)
    return parser.parse_args()


def signature_png(seed):
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(
        [(10, 80), (60 + seed % 40, 20), (200, 30), (290, 60)], fill=(10, 20, 120, 255), width=3
    )
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


def template_sheet(env, lines):
    """One genuine sheet, validated and sealed through the ORM."""
    from odoo import Command

    site = env["az.site"].create(
        {"name": "Bench site", "tz": "Europe/Paris", "street": "1 rue du Banc", "city": "Lyon"}
    )
    project = env["project.project"].create(
        {"name": "Bench integrity", "az_site_ids": [Command.link(site.id)]}
    )
    trainer = env["res.users"].create(
        {
            "name": "Bench trainer",
            "login": "bench_integrity_trainer",
            "email": "trainer@example.com",
            "groups_id": [Command.link(env.ref("az_project_base.group_user").id)],
        }
    )
    partners = env["res.partner"].create(
        [{"name": f"Bench person {i}", "az_is_beneficiary": True} for i in range(lines)]
    )
    start = datetime(2020, 1, 6, 8, 0)
    session = env["az.attendance.session"].create(
        {
            "name": "Bench sheet",
            "project_id": project.id,
            "site_id": site.id,
            "trainer_ids": [Command.set(trainer.ids)],
            "start": start,
            "stop": start + timedelta(hours=3),
        }
    )
    session._add_participants(partners)
    session.action_open()
    for index, line in enumerate(session.line_ids):
        line._record_signature(
            "data:image/png;base64," + base64.b64encode(signature_png(index)).decode(),
            "kiosk",
            ip="10.0.0.1",
            user_agent="Bench tablet",
        )
    session.trainer_signature = base64.b64encode(signature_png(99))
    session.with_user(trainer).action_validate()
    env.flush_all()
    return session


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone(env, template, count):
    """count copies of the template sheet by SQL; returns their ids, in sealing order."""
    cr = env.cr
    cols = columns(cr, "az_attendance_session")
    overrides = {
        "name": "'Bench sheet ' || g",
        "start": "s.start + g * interval '1 day'",
        "stop": "s.stop + g * interval '1 day'",
        "date": "s.date + g",
        "verify_token": "md5('v' || g || random()::text)",
        "qr_token": "md5('q' || g || random()::text)",
        "validated_at": "s.validated_at + g * interval '1 second'",
    }
    select = ", ".join(overrides.get(c, f"s.{c}") for c in cols)
    cr.execute(
        f"INSERT INTO az_attendance_session ({', '.join(cols)}) "
        f"SELECT {select} FROM az_attendance_session s, generate_series(1, %s) g "
        f"WHERE s.id = %s ORDER BY g RETURNING id",
        [count, template.id],
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "INSERT INTO az_attendance_session_trainer_rel (session_id, user_id) "
        "SELECT n, r.user_id FROM unnest(%s::int[]) n, az_attendance_session_trainer_rel r "
        "WHERE r.session_id = %s",
        [ids, template.id],
    )
    cr.execute(
        "INSERT INTO az_attendance_session_sealed_funding_rel (session_id, funding_id) "
        "SELECT n, r.funding_id FROM unnest(%s::int[]) n, "
        "az_attendance_session_sealed_funding_rel r WHERE r.session_id = %s",
        [ids, template.id],
    )
    line_cols = columns(cr, "az_attendance_line")
    line_overrides = {"session_id": "n.id", "session_date": "s.date", "sign_code": "l.sign_code"}
    select = ", ".join(line_overrides.get(c, f"l.{c}") for c in line_cols)
    cr.execute(
        f"INSERT INTO az_attendance_line ({', '.join(line_cols)}) "
        f"SELECT {select} FROM az_attendance_line l "
        f"CROSS JOIN unnest(%s::int[]) n(id) JOIN az_attendance_session s ON s.id = n.id "
        f"WHERE l.session_id = %s ORDER BY n.id, l.id",
        [ids, template.id],
    )
    # each line and sheet gets its own attachment row, on the template's stored file
    att_cols = [c for c in columns(cr, "ir_attachment") if c not in ("res_id",)]
    select = ", ".join(f"a.{c}" for c in att_cols)
    cr.execute(
        f"INSERT INTO ir_attachment ({', '.join(att_cols)}, res_id) "
        f"SELECT {select}, nl.id FROM az_attendance_line tl "
        f"JOIN ir_attachment a ON a.res_model = 'az.attendance.line' "
        f"  AND a.res_id = tl.id AND a.res_field = 'signature' "
        f"JOIN az_attendance_line nl ON nl.partner_id = tl.partner_id "
        f"  AND nl.session_id = ANY(%s) WHERE tl.session_id = %s",
        [ids, template.id],
    )
    cr.execute(
        f"INSERT INTO ir_attachment ({', '.join(att_cols)}, res_id) "
        f"SELECT {select}, n FROM unnest(%s::int[]) n, ir_attachment a "
        f"WHERE a.res_model = 'az.attendance.session' AND a.res_id = %s "
        f"AND a.res_field = 'trainer_signature'",
        [ids, template.id],
    )
    return ids


def seal(env, ids, company):
    """Seal the copies with the project's own functions and chain them into the ledger."""
    from psycopg2.extras import execute_values

    from odoo.addons.az_attendance.tools import seal as sealer

    cr = env.cr
    Session = env["az.attendance.session"]
    version = sealer.SEAL_VERSION
    cr.execute(
        "SELECT session_id, id, partner_id, partner_name FROM az_attendance_line "
        "WHERE session_id = ANY(%s) ORDER BY session_id, id",
        [ids],
    )
    lines = {}
    for sid, lid, pid, name in cr.fetchall():
        lines.setdefault(sid, []).append((lid, pid, name))
    execute_values(
        cr,
        "UPDATE az_attendance_session s SET seal_manifest = v.m FROM (VALUES %s) v(id, m) WHERE s.id = v.id",
        [(sid, sealer.manifest_text(lines[sid])) for sid in ids],
        page_size=1000,
    )
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        header = Session.browse(batch)._seal_canonicals(version)
        line_ids = [lid for sid in batch for lid, _p, _n in lines[sid]]
        texts = env["az.attendance.line"].browse(line_ids)._seal_canonicals(version)
        session_rows, line_rows = [], []
        for sid in batch:
            previous = sealer.versioned_hash(version, sealer.GENESIS, header[sid])
            head = previous
            for lid, _p, _n in lines[sid]:
                current = sealer.versioned_hash(version, previous, texts[lid])
                line_rows.append((lid, previous, current))
                previous = current
            session_rows.append((sid, head, previous))
        execute_values(
            cr,
            "UPDATE az_attendance_line l SET previous_hash = v.p, hash = v.h "
            "FROM (VALUES %s) v(id, p, h) WHERE l.id = v.id",
            line_rows,
            page_size=2000,
        )
        execute_values(
            cr,
            "UPDATE az_attendance_session s SET header_hash = v.hh, seal = v.s, "
            "amendment_head = v.s FROM (VALUES %s) v(id, hh, s) WHERE s.id = v.id",
            session_rows,
            page_size=1000,
        )
    cr.execute(
        "SELECT COALESCE(MAX(sequence), 0) FROM az_attendance_ledger WHERE company_id = %s", [company.id]
    )
    first = cr.fetchone()[0] + 1
    cr.execute(
        "INSERT INTO az_attendance_ledger (company_id, sequence, kind, session_id, "
        "session_ref, session_name, res_ref, value, user_id, recorded_at, create_uid, "
        "write_uid, create_date, write_date) "
        "SELECT s.company_id, %s + o.n - 1, 'seal', s.id, s.id, s.name, 0, s.seal, "
        "%s, now() at time zone 'UTC', %s, %s, now() at time zone 'UTC', "
        "now() at time zone 'UTC' "
        "FROM unnest(%s::int[]) WITH ORDINALITY o(id, n) "
        "JOIN az_attendance_session s ON s.id = o.id ORDER BY o.n RETURNING id",
        [first, env.uid, env.uid, env.uid, ids],
    )
    entry_ids = sorted(row[0] for row in cr.fetchall())
    cr.execute(
        "SELECT hash FROM az_attendance_ledger WHERE company_id = %s AND sequence = %s",
        [company.id, first - 1],
    )
    row = cr.fetchone()
    previous = row[0] if row else sealer.GENESIS
    texts = env["az.attendance.ledger"].browse(entry_ids)._seal_canonicals(version)
    rows = []
    for entry_id in entry_ids:
        current = sealer.versioned_hash(version, previous, texts[entry_id])
        rows.append((entry_id, previous, current))
        previous = current
    execute_values(
        cr,
        "UPDATE az_attendance_ledger l SET previous_hash = v.p, hash = v.h "
        "FROM (VALUES %s) v(id, p, h) WHERE l.id = v.id",
        rows,
        page_size=2000,
    )


def timed_check(env, company):
    env.invalidate_all()
    start_queries = env.cr.sql_log_count
    started = time.perf_counter()
    check = env["az.attendance.ledger"]._check_integrity(company)
    elapsed = time.perf_counter() - started
    return check, elapsed, env.cr.sql_log_count - start_queries


def main():
    args = parse_args()
    odoo, registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "Europe/Paris"})
        company = env.company
        try:
            started = time.perf_counter()
            template = template_sheet(env, args.lines)
            ids = clone(env, template, args.sheets - 1)
            seal(env, ids, company)
            env.invalidate_all()
            print(
                f"built {args.sheets} sealed sheets of {args.lines} lines in "
                f"{time.perf_counter() - started:.1f} s"
            )
            check, elapsed, queries = timed_check(env, company)
            print(
                f"| integrity check | {check['sheets']} sheets | "
                f"{check['sheets'] * args.lines} lines | {check['entries']} ledger entries "
                f"| {elapsed:.1f} s | {queries} SQL queries | "
                f"{len(check['anomalies'])} anomalies |"
            )
            assert not check["anomalies"], check["anomalies"][:3]
            cr.execute(
                "UPDATE az_attendance_line SET status = 'absent' WHERE id = "
                "(SELECT MIN(id) FROM az_attendance_line WHERE session_id = %s)",
                [ids[len(ids) // 2]],
            )
            check, elapsed, queries = timed_check(env, company)
            print(
                f"| after one line changed by SQL | {elapsed:.1f} s | "
                f"{[(a['label'], a['sheet'], a['detail']) for a in check['anomalies']]} |"
            )
            one = env["az.attendance.session"].browse(ids[0])
            started = time.perf_counter()
            one._verify_seal()
            print(f"| one sheet (verify page) | {(time.perf_counter() - started) * 1000:.0f} ms |")
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
