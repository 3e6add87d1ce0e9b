import base64
import logging
import re
from contextlib import nullcontext

from odoo import api, fields, models
from odoo.modules import module
from odoo.tools import format_date

from odoo.addons.az_attendance.models.ir_actions_report_batch import DOCUMENTS_PER_RENDERING

from ..tools import bundle as bundler
from ..tools import quantities as qty

_logger = logging.getLogger(__name__)
# Originals gathered at a time (the missing ones rendered together), between two progress steps.
SHEETS_PER_STEP = DOCUMENTS_PER_RENDERING
# The bus notification (and the company's subchannel) of a bundle's progress.
BUS_CHANNEL = "az_attendance_bundle_progress"


class AzAttendanceBundle(models.Model):
    """The justification bundle of a funding over a period: every sealed sheet's archived
    original, every current certificate's, the hours per participant, session and month (CSV
    and XLSX), and a manifest of each file's SHA-256, seal, the original's digest and its entry
    in the company ledger. Built in the background, with its progress."""

    _name = "az.attendance.bundle"
    _description = "Justification bundle"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    # no check_company: the bundle's company is the funding's own (the record rules of
    # fundings keep the choice to the user's companies)
    funding_id = fields.Many2one(
        "az.funding",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('state', 'in', ('active', 'closed'))]",
        help="An active or closed funding: its validated sheets and certificates go into the bundle.",
    )
    project_id = fields.Many2one(related="funding_id.project_id", store=True)
    company_id = fields.Many2one(related="funding_id.company_id", store=True, index=True)
    date_from = fields.Date(
        string="From",
        required=True,
        compute="_compute_period",
        store=True,
        readonly=False,
        precompute=True,
        help="The funding's start unless set: the bundle holds what falls in the funding's period.",
    )
    date_to = fields.Date(
        string="To",
        required=True,
        compute="_compute_period",
        store=True,
        readonly=False,
        precompute=True,
        help="The funding's end unless set.",
    )
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

    @api.depends("funding_id")
    def _compute_period(self):
        for bundle in self:
            funding = bundle.funding_id
            if funding:
                bundle.date_from = funding.date_start
                bundle.date_to = funding.date_end

    @api.depends("funding_id", "date_from", "date_to")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for bundle in self:
            if not (bundle.funding_id and bundle.date_from and bundle.date_to):
                bundle.display_name = self.env._("New justification bundle")
                continue
            bundle.display_name = self.env._(
                "Bundle %(funding)s, %(start)s – %(end)s",
                funding=bundle.funding_id.name,
                start=format_date(self.env, bundle.date_from),
                end=format_date(self.env, bundle.date_to),
            )

    @api.model_create_multi
    def create(self, vals_list):
        bundles = super().create(vals_list)
        self.env.ref("az_attendance_funder.ir_cron_build_bundles").sudo()._trigger()
        return bundles

    def action_build_again(self):
        self.write({"state": "queued", "progress": 0, "error": False})
        self._notify_bundle_progress()
        self.env.ref("az_attendance_funder.ir_cron_build_bundles").sudo()._trigger()
        return True

    # ------------------------------------------------------------------ building
    @api.model
    def _cron_build_bundles(self, limit=5):
        """Build the queued bundles, committing the progress as it goes (outside tests).
        Each bundle is built, and its chatter written, in its company's language."""
        # a test runs in one transaction that nothing may commit
        commit = not (module.current_test or self.env.registry.in_test_mode())
        queued = self.sudo().search([("state", "=", "queued")], limit=limit, order="id")
        for count, bundle in enumerate(queued):
            bundle = bundle.with_context(lang=(bundle.company_id or bundle.env.company)._az_lang())
            bundle.write({"state": "running", "progress": 0})
            bundle._notify_bundle_progress()
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
                bundle._notify_bundle_progress()
            self.env["ir.cron"]._notify_progress(done=count + 1, remaining=len(queued) - count - 1)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # the background job keeps its progress and its result

    def _notify_bundle_progress(self, done=0, total=0):
        """Tell the open bundle pages of the company how far the build got (Odoo's bus,
        sent at commit): the page moves its bar, and shows the result once ready."""
        Bus = self.env["bus.bus"].sudo()
        for bundle in self:
            Bus._sendone(
                (bundle.company_id, BUS_CHANNEL),
                BUS_CHANNEL,
                {
                    "id": bundle.id,
                    "state": bundle.state,
                    "progress": bundle.progress,
                    "done": done,
                    "total": total,
                    "file_count": bundle.file_count,
                },
            )

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
            values = {"status": status, "hours": hours, "session_hours": session.hours_held}
            rows.append(
                {
                    "participant": line.partner_name or line.partner_id.name,
                    "session": session.name,
                    "date": str(session.date),
                    "month": session.date.strftime("%Y-%m"),
                    "planned": round(session.hours_held, 2),
                    "done": round(hours, 2) if valid and status in qty.ATTENDED else 0.0,
                    "excused": round(session.hours_held, 2) if valid and status == "excused" else 0.0,
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
            "original_sha256": self.env._("SHA-256 of the original in the ledger"),
            "ledger_entry": self.env._("Ledger entry"),
        }

    def _file_names(self):
        """The folders and files of the ZIP, in the bundle's language."""
        _ = self.env._
        names = {
            "sheets": _("sheets"),
            "certificates": _("certificates"),
            "participant": _("hours_by_participant"),
            "session": _("hours_by_session"),
            "month": _("hours_by_month"),
            "workbook": _("hours"),
            "manifest": _("manifest"),
        }
        return {key: _safe(name) for key, name in names.items()}

    def _build(self, commit=False):
        """Gather the files and write the ZIP, in the company's language (whatever the
        language of the job or of the user who asked for it)."""
        self.ensure_one()
        lang = (self.company_id or self.env.company)._az_lang()
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
        paths = bundle._file_names()
        total = len(sheets) + len(certificates) + 1
        done = 0
        files = []
        for start in range(0, len(sheets), SHEETS_PER_STEP):
            batch = sheets[start : start + SHEETS_PER_STEP]
            originals = batch.with_context(lang=lang)._az_original_pdfs()
            for sheet in batch:
                name = f"{sheet.date}_{sheet.id}_{sheet.name}"
                original = originals[sheet.id]
                files.append(
                    (
                        f"{paths['sheets']}/{_safe(name)}.pdf",
                        original["pdf"],
                        sheet.seal,
                        original["sha256"],
                        original["ledger_sequence"],
                    )
                )
            done += len(batch)
            bundle._set_progress(done, total, commit)
        for start in range(0, len(certificates), SHEETS_PER_STEP):
            batch = certificates[start : start + SHEETS_PER_STEP]
            originals = batch.with_context(lang=lang)._az_original_pdfs()
            for certificate in batch:
                original = originals[certificate.id]
                name = certificate.pdf_filename or f"{certificate.number}-v{certificate.version}.pdf"
                files.append(
                    (
                        f"{paths['certificates']}/{_safe(name)}",
                        original["pdf"],
                        "",
                        original["sha256"],
                        original["ledger_sequence"],
                    )
                )
            done += len(batch)
            bundle._set_progress(done, total, commit)
        labels = bundle._labels()
        decimal = self.env["res.lang"]._get_data(code=lang).decimal_point or "."
        tables = bundler.summaries(bundle._hour_rows(sheets))
        names = {
            "participant": bundle.env._("By participant"),
            "session": bundle.env._("By session"),
            "month": bundle.env._("By month"),
        }
        for key, (header, body) in tables.items():
            files.append((f"{paths[key]}.csv", bundler.csv_bytes(header, body, labels, decimal), ""))
        files.append((f"{paths['workbook']}.xlsx", bundler.xlsx_bytes(tables, labels, names), ""))
        data, manifest = bundler.build_zip(files, labels, f"{paths['manifest']}.csv", decimal)
        bundle.write(
            {
                "file": base64.b64encode(data),
                "state": "done",
                "progress": 100,
                "filename": _safe(f"{self.funding_id.name}_{date_from}_{date_to}") + ".zip",
                "file_sha256": bundler.digest(data),
                "file_count": len(manifest),
            }
        )
        bundle.message_post(
            body=bundle.env._("Justification bundle ready: %(count)s files.", count=len(manifest))
        )
        bundle._notify_bundle_progress(total, total)

    def _set_progress(self, done, total, commit):
        progress = int(done * 99 / total)
        if progress != self.progress:
            self.write({"progress": progress})
            self._notify_bundle_progress(done, total)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # the background job keeps its progress and its result


def _safe(name):
    """A file name of letters, digits and - _ . (a run of anything else becomes one _)."""
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in (name or ""))
    keep = re.sub(r"_{2,}", "_", keep)
    return keep.strip("_")[:120] or "file"
