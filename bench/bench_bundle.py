"""Justification bundle of a funding: P participants in groups of G over a year.

Builds, in one transaction rolled back at the end: one sheet of G people through the ORM
(kiosk signatures, the trainer's signature, validation and seal), then copies of it made by
SQL, one per group and week (each group with its own people, spread over 52 weeks), each
sealed with the project's own functions and recorded in the company ledger. Then times:
- the cost of a document's PDF, rendered alone (one run of wkhtmltopdf each, as before) and
  in batches (several documents per run, split by document), on the same sample;
- the certificates of completion of every participant for the year (their originals
  rendered in batches);
- the bundle (every sheet's and certificate's original, the hours tables and the manifest)
  as the background job builds it, first with the sheets' originals still to make, then
  once the originals exist.
"""

import base64
import io
import time
import zipfile
from datetime import date

from bench_integrity import clone, seal, template_sheet
from benchlib import make_parser, open_registry


def parse_args():
    parser = make_parser(__doc__)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--group", type=int, default=20, help="people per sheet")
    parser.add_argument("--weeks", type=int, default=46, help="sessions per group")
    parser.add_argument("--sample", type=int, default=20, help="documents rendered alone and in batches")
    parser.add_argument("--batch-sizes", default="", help="documents per run to compare, e.g. 5,10,20,40")
    parser.add_argument(
        "--report-url", default="", help="the Odoo that serves the reports' stylesheets to wkhtmltopdf"
    )
    return parser.parse_args()


def spread(env, template, ids, groups, people):
    """Give each copy its group's people and a day of the year (before sealing)."""
    cr = env.cr
    cr.execute(
        "SELECT id, partner_id FROM az_attendance_line WHERE session_id = %s ORDER BY id", [template.id]
    )
    template_partners = [row[1] for row in cr.fetchall()]
    for index, sid in enumerate(ids, start=1):
        group = index % groups
        week = index // groups
        cr.execute(
            "UPDATE az_attendance_session SET start = %s::timestamp + %s * interval "
            "'7 days' + %s * interval '1 hour', stop = %s::timestamp + %s * interval "
            "'7 days' + %s * interval '1 hour' + interval '3 hours' WHERE id = %s",
            [template.start, week, group % 8, template.start, week, group % 8, sid],
        )
        if group:
            mapping = dict(zip(template_partners, people[group], strict=False))
            for old, new in mapping.items():
                cr.execute(
                    "UPDATE az_attendance_line SET partner_id = %s, partner_name = "
                    "(SELECT name FROM res_partner WHERE id = %s) "
                    "WHERE session_id = %s AND partner_id = %s",
                    [new.id, new.id, sid, old],
                )
    cr.execute("UPDATE az_attendance_session SET date = start::date WHERE id = ANY(%s)", [ids])
    cr.execute(
        "UPDATE az_attendance_line l SET session_date = s.date FROM "
        "az_attendance_session s WHERE s.id = l.session_id AND s.id = ANY(%s)",
        [ids],
    )


SHEET_REPORT = "az_attendance.action_report_attendance_sheet"
CERTIFICATE_REPORT = "az_attendance_funder.action_report_certificate"


def rendering(env, kind, report, ids, sizes):
    """Seconds per document of ``ids`` rendered alone, then in batches of each size."""
    Report = env["ir.actions.report"].sudo()
    started = time.perf_counter()
    for rid in ids:
        Report._az_render_pdf_alone(report, rid)
    alone = (time.perf_counter() - started) / len(ids)
    for size in sizes:
        started = time.perf_counter()
        pdfs = Report._az_render_pdf_batch(report, ids, batch_size=size)
        batched = (time.perf_counter() - started) / len(ids)
        assert len(pdfs) == len(ids)
        label = size or batch_module().DOCUMENTS_PER_RENDERING
        print(
            f"{kind} PDF, {len(ids)} documents: alone {alone:.2f} s per document, "
            f"in batches of {label} {batched:.2f} s per document ({alone / batched:.1f}x)"
        )


def batch_module():
    from odoo.addons.az_attendance.models import ir_actions_report_batch

    return ir_actions_report_batch


def build_bundle(env, funding):
    """(bundle, seconds) of one bundle of the funding's year, as the background job builds it."""
    bundle = env["az.attendance.bundle"].create(
        {"funding_id": funding.id, "date_from": funding.date_start, "date_to": funding.date_end}
    )
    started = time.perf_counter()
    bundle._build(commit=False)
    env.flush_all()
    return bundle, time.perf_counter() - started


def describe(bundle, elapsed, how):
    data = base64.b64decode(bundle.file)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    # the folders are named in the company's language
    folders = bundle.with_context(lang=bundle.company_id._az_lang())._file_names()
    sheets_dir, certificates_dir = folders["sheets"] + "/", folders["certificates"] + "/"
    print(
        f"bundle, {how}: {len(names)} files ({sum(n.startswith(sheets_dir) for n in names)} "
        f"sheets, {sum(n.startswith(certificates_dir) for n in names)} certificates), "
        f"{len(data) / 1e6:.1f} MB, built in {elapsed:.1f} s"
    )


def bundle_times(env, funding):
    """The bundle with the sheets' originals still to make, then once they are stored."""
    describe(*build_bundle(env, funding), "originals rendered (in batches)")
    describe(*build_bundle(env, funding), "from the stored originals")


def main():
    args = parse_args()
    odoo, registry = open_registry(args)
    groups = args.participants // args.group
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "Europe/Paris"})
        if args.report_url:
            # rolled back with the rest of the run
            env["ir.config_parameter"].set_param("report.url", args.report_url)
        company = env.company
        started = time.perf_counter()
        template = template_sheet(env, args.group)
        project = template.project_id
        template_people = template.line_ids.sorted("id").partner_id
        people = [template_people] + [
            env["res.partner"].create(
                [{"name": f"Bench person {g}-{i}", "az_is_beneficiary": True} for i in range(args.group)]
            )
            for g in range(1, groups)
        ]
        ids = clone(env, template, groups * args.weeks - 1)
        spread(env, template, ids, groups, people)
        seal(env, ids, company)
        env.invalidate_all()
        funder = env["res.partner"].create({"name": "Bench funder", "az_is_funder": True})
        funding = env["az.funding"].create(
            {
                "name": "Bench funding",
                "funder_id": funder.id,
                "project_id": project.id,
                "date_start": date(2020, 1, 1),
                "date_end": date(2020, 12, 31),
                "unit": "hour",
                "rate": 20,
                "target_quantity": 30000,
                "count_excused": True,
            }
        )
        funding.action_activate()
        env.flush_all()
        sheets = env["az.attendance.session"].search([("project_id", "=", project.id)])
        lines = sum(len(s.line_ids) for s in sheets)
        print(
            f"data: {len(sheets)} sealed sheets, {lines} lines, "
            f"{len({p.id for g in people for p in g})} participants "
            f"({time.perf_counter() - started:.0f} s to build)"
        )

        sizes = [int(size) for size in args.batch_sizes.split(",") if size.strip()] or [None]
        sample = sheets.sorted("id")[: args.sample]
        rendering(env, "sheet", SHEET_REPORT, sample.ids, sizes)

        started = time.perf_counter()
        certificates = env["az.attendance.certificate"]._issue(
            project, funding.date_start, funding.date_end, funding=funding
        )
        env.flush_all()
        elapsed = time.perf_counter() - started
        print(f"certificates of completion: {len(certificates)} issued in {elapsed:.1f} s (PDFs in batches)")
        rendering(env, "certificate", CERTIFICATE_REPORT, certificates.sorted("id")[: args.sample].ids, sizes)

        bundle_times(env, funding)
        cr.rollback()


if __name__ == "__main__":
    main()
