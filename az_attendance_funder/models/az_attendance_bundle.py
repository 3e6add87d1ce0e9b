import base64
import logging
from contextlib import nullcontext

from odoo import api, fields, models
from odoo.modules import module
from odoo.tools import config

from ..tools import bundle as bundler
from ..tools import quantities as qty

_logger = logging.getLogger(__name__)
# Sheets rendered by one run of wkhtmltopdf (then split per sheet).
SHEETS_PER_RENDERING = 25


class AzAttendanceBundle(models.Model):
    """The justification bundle of a funding over a period: every sealed sheet's PDF, every
    current certificate, the hours per participant, session and month (CSV and XLSX), and a
    manifest of each file's SHA-256 and seal. Built in the background, with its progress."""

    _name = "az.attendance.bundle"
    _description = "Justification bundle"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    funding_id = fields.Many2one(
        "az.funding", required=True, index=True, ondelete="cascade", check_company=True
    )
    project_id = fields.Many2one(related="funding_id.project_id", store=True)
    company_id = fields.Many2one(related="funding_id.company_id", store=True, index=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Being built"), ("done", "Ready"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
    )
    progress = fields.Integer(string="Progress (%)", readonly=True)
    file = fields.Binary(string="ZIP", attachment=True, readonly=True, copy=False)
    filename = fields.Char(readonly=True)
    file_sha256 = fields.Char(string="SHA-256 of the ZIP", readonly=True)
    file_count = fields.Integer(string="Files", readonly=True)
    error = fields.Text(readonly=True)

    _sql_constraints = [
        ("period_order", "CHECK(date_to >= date_from)", "The period ends before it starts."),
    ]

    @api.depends("funding_id", "date_from", "date_to")
    def _compute_display_name(self):
        for bundle in self:
            bundle.display_name = self.env._(
                "Bundle %(funding)s, %(start)s - %(end)s",
                funding=bundle.funding_id.name or "",
                start=bundle.date_from or "",
                end=bundle.date_to or "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        bundles = super().create(vals_list)
        self.env.ref("az_attendance_funder.ir_cron_build_bundles").sudo()._trigger()
        return bundles

    def action_build_again(self):
        self.write({"state": "queued", "progress": 0, "error": False})
        self.env.ref("az_attendance_funder.ir_cron_build_bundles").sudo()._trigger()
        return True

    # ------------------------------------------------------------------ building
    @api.model
    def _cron_build_bundles(self, limit=5):
        """Build the queued bundles, committing the progress as it goes (outside tests)."""
        # a test runs in one transaction that nothing may commit
        commit = not (module.current_test or self.env.registry.in_test_mode())
        for bundle in self.sudo().search([("state", "=", "queued")], limit=limit, order="id"):
            bundle.write({"state": "running", "progress": 0})
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # the background job keeps its progress and its result
            try:
                with nullcontext() if commit else self.env.cr.savepoint():
                    bundle._build(commit=commit)
            except Exception as error:  # noqa: BLE001 - recorded on the bundle for the user
                if commit:
                    self.env.cr.rollback()
                _logger.warning("Bundle %s failed: %s", bundle.id, error)
                bundle.write({"state": "failed", "error": str(error)})
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # the background job keeps its progress and its result

    def _period(self):
        self.ensure_one()
        funding = self.funding_id
        return max(self.date_from, funding.date_start), min(self.date_to, funding.date_end)

    def _sheets(self):
        """The sheets of the funding's project in the period that count (validated, seal
        intact)."""
        date_from, date_to = self._period()
        Session = self.env["az.attendance.session"].sudo()
        return Session.search(
            [
                ("project_id", "=", self.funding_id.project_id.id),
                *Session._counted_domain(),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            order="start, id",
        )

    def _hour_rows(self, sheets):
        """One row per line of the period (sheets not cancelled): planned, done, excused
        and funded hours by the funding's rule on excused absences."""
        date_from, date_to = self._period()
        funding = self.funding_id
        lines = (
            self.env["az.attendance.line"]
            .sudo()
            .search(
                [
                    ("project_id", "=", funding.project_id.id),
                    ("session_id.state", "!=", "cancelled"),
                    ("session_date", ">=", date_from),
                    ("session_date", "<=", date_to),
                ]
            )
        )
        counted = set(sheets.ids)
        rows = []
        for line in lines:
            session = line.session_id
            status, hours = line._effective_values()
            valid = session.id in counted
            values = {"status": status, "hours": hours, "session_hours": session.duration}
            rows.append(
                {
                    "participant": line.partner_name or line.partner_id.name,
                    "session": session.name,
                    "date": str(session.date),
                    "month": session.date.strftime("%Y-%m"),
                    "planned": round(session.duration, 2),
                    "done": round(hours, 2) if valid and status in qty.ATTENDED else 0.0,
                    "excused": round(session.duration, 2) if valid and status == "excused" else 0.0,
                    "funded": round(qty.line_hours(values, funding.count_excused), 2) if valid else 0.0,
                }
            )
        return rows

    def _labels(self):
        return {
            "participant": self.env._("Participant"),
            "session": self.env._("Session"),
            "date": self.env._("Date"),
            "month": self.env._("Month"),
            "planned": self.env._("Planned hours"),
            "done": self.env._("Hours done"),
            "excused": self.env._("Excused hours"),
            "funded": self.env._("Funded hours"),
            "file": self.env._("File"),
            "bytes": self.env._("Bytes"),
            "sha256": self.env._("SHA-256"),
            "seal": self.env._("Seal"),
        }

    def _build(self, commit=False):
        self.ensure_one()
        lang = self.company_id.partner_id.lang or self.env.lang
        bundle = self.with_context(lang=lang)
        sheets = bundle._sheets()
        date_from, date_to = bundle._period()
        certificates = (
            self.env["az.attendance.certificate"]
            .sudo()
            .search(
                [
                    ("project_id", "=", self.funding_id.project_id.id),
                    ("state", "=", "current"),
                    ("last_date", ">=", date_from),
                    ("first_date", "<=", date_to),
                    "|",
                    ("funding_id", "=", False),
                    ("funding_id", "=", self.funding_id.id),
                ]
            )
        )
        total = len(sheets) + len(certificates) + 1
        done = 0
        files = []
        Report = self.env["ir.actions.report"].sudo().with_context(lang=lang)
        for start in range(0, len(sheets), SHEETS_PER_RENDERING):
            batch = sheets[start : start + SHEETS_PER_RENDERING]
            pdfs = self._sheet_pdfs(Report, batch)
            for sheet in batch:
                name = f"{sheet.date}_{sheet.id}_{sheet.name}"
                files.append((f"sheets/{_safe(name)}.pdf", pdfs[sheet.id], sheet.seal))
            done += len(batch)
            self._set_progress(done, total, commit)
        for certificate in certificates:
            files.append(
                (
                    f"certificates/{_safe(certificate.pdf_filename or certificate.number)}",
                    base64.b64decode(certificate.pdf or b""),
                    "",
                )
            )
            done += 1
            self._set_progress(done, total, commit)
        labels = bundle._labels()
        tables = bundler.summaries(bundle._hour_rows(sheets))
        names = {
            "participant": bundle.env._("By participant"),
            "session": bundle.env._("By session"),
            "month": bundle.env._("By month"),
        }
        for key, (header, body) in tables.items():
            files.append((f"hours_by_{key}.csv", bundler.csv_bytes(header, body, labels), ""))
        files.append(("hours.xlsx", bundler.xlsx_bytes(tables, labels, names), ""))
        data, manifest = bundler.build_zip(files, labels)
        self.write(
            {
                "file": base64.b64encode(data),
                "state": "done",
                "progress": 100,
                "filename": _safe(f"{self.funding_id.name}_{date_from}_{date_to}") + ".zip",
                "file_sha256": bundler.digest(data),
                "file_count": len(manifest),
            }
        )
        self.message_post(
            body=self.env._("Justification bundle ready: %(count)s files.", count=len(manifest))
        )

    @api.model
    def _sheet_pdfs(self, Report, sheets):
        """{sheet id: PDF bytes}: one run of wkhtmltopdf for the batch, split per sheet by
        Odoo (by the sheets' headings), or one run per sheet when the split fails."""
        report = "az_attendance.action_report_attendance_sheet"
        testing = (config["test_enable"] or config["test_file"]) and not self.env.context.get(
            "force_report_rendering"
        )
        if len(sheets) > 1 and not testing:
            try:
                streams = Report._render_qweb_pdf_prepare_streams(report, {}, res_ids=sheets.ids)
            except Exception as error:  # noqa: BLE001 - wkhtmltopdf failed on the batch
                _logger.info("Rendering %s by batch failed (%s): one at a time", report, error)
                streams = {}
            if all((streams.get(sid) or {}).get("stream") for sid in sheets.ids):
                return {sid: streams[sid]["stream"].getvalue() for sid in sheets.ids}
        return {sheet.id: Report._render_qweb_pdf(report, sheet.ids)[0] for sheet in sheets}

    def _set_progress(self, done, total, commit):
        progress = int(done * 99 / total)
        if progress != self.progress:
            self.write({"progress": progress})
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # the background job keeps its progress and its result


def _safe(name):
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in (name or ""))
    return keep.strip("_")[:120] or "file"
