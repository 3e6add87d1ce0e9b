from odoo import api, fields, models

from ..tools import seal as sealer
from .az_attendance_seal_check import SealCheck
from .az_attendance_session_signing import _new_token, qr_data_uri


class AzAttendanceSessionVerification(models.AbstractModel):
    """Whether a sealed sheet is still what was sealed: its public verify page (token and
    address printed as a QR code on the sheet), the verification of one sheet or of many at
    once against the company ledger (``SealCheck``), the result recorded on each sheet for
    the reports, and the daily integrity job."""

    _name = "az.attendance.session.verification"
    _description = "Verification of a sealed attendance sheet"

    verify_token = fields.Char(
        copy=False,
        default=_new_token,
        readonly=True,
        help="Secret of the public page that verifies the seal.",
    )
    verify_url = fields.Char(compute="_compute_verify_url")
    # Result of the last verification run by the integrity check, the invoicing or the grant
    # report (never read by the verification itself): reports leave out broken sheets.
    seal_broken = fields.Boolean(
        string="Changed since its seal",
        copy=False,
        readonly=True,
        index=True,
        help="The last verification found the sheet changed since "
        "its seal: it is neither invoiced nor counted in reports.",
    )
    seal_problems = fields.Text(string="Verification problems", copy=False, readonly=True)
    seal_checked_at = fields.Datetime(string="Last verified on", copy=False, readonly=True)

    _sql_constraints = [
        ("verify_token_unique", "UNIQUE(verify_token)", "Verification tokens must be unique."),
    ]

    @api.depends("verify_token", "seal")
    def _compute_verify_url(self):
        """The public verify page of the sheet. Once sealed, the address carries the seal
        itself, so that the paper and the database check each other."""
        for session in self:
            url = False
            if session.verify_token:
                # the website's address of each sheet's company (one record at a time)
                url = f"{session.get_base_url()}/attendance/verify/{session.verify_token}"
                _version, digest = sealer.parse_hash(session.seal)
                if digest:
                    url += f"?seal={sealer.seal_to_url(session.seal)}"
            session.verify_url = url

    def action_verify(self):
        self.ensure_one()
        problems = self._verify_seal()
        if problems is None:
            message = self.env._("This sheet is not sealed yet: validate it first.")
            kind = "warning"
        elif problems:
            message = self.env._(
                "The seal is broken. Altered since validation:\n%(lines)s", lines="\n".join(problems)
            )
            kind = "danger"
        else:
            message = self.env._("The seal is intact: nothing changed since validation.")
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Seal verification"),
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
            },
        }

    def _verify_seal(self, paper_seal=None):
        """Recompute the sheet's chain from what is in the database now, and compare it with
        the company ledger (and with the seal printed on the paper, when given).

        Returns None when the sheet was never sealed, else a list of human-readable problems
        (empty when intact). Reads by SQL, so that a change made behind the ORM's back is
        seen too."""
        self.ensure_one()
        self.env.flush_all()
        result = self._seal_verify_batch(self.ids, paper_seals={self.id: paper_seal})
        return result.get(self.id)

    @api.model
    def _seal_verify_batch(self, ids, paper_seals=None, check_files=True, record=False):
        """{session id: [problems]} for the sheets of ``ids`` that were sealed (or recorded in
        the ledger). Everything is read in a few SQL queries per batch, for the company-wide
        integrity check as for one sheet. With ``record``, the result is kept on each sheet
        (``seal_broken``) for the reports."""
        results = SealCheck(self.env, check_files=check_files).run(ids, paper_seals or {})
        if record:
            self._record_seal_checks(results)
        return results

    @api.model
    def _record_seal_checks(self, results):
        """Keep the result of a verification on the sheets, behind the ORM: the sheets are
        sealed, and this is not part of what the seal covers."""
        now = fields.Datetime.now()
        broken = [(sid, "\n".join(problems)) for sid, problems in results.items() if problems]
        intact = [sid for sid, problems in results.items() if not problems]
        if intact:
            self.env.cr.execute(
                "UPDATE az_attendance_session SET seal_broken = false, seal_problems = NULL, "
                "seal_checked_at = %s WHERE id = ANY(%s)",
                [now, intact],
            )
        for sid, text in broken:
            self.env.cr.execute(
                "UPDATE az_attendance_session SET seal_broken = true, seal_problems = %s, "
                "seal_checked_at = %s WHERE id = %s",
                [text, now, sid],
            )
        self.invalidate_model(["seal_broken", "seal_problems", "seal_checked_at"])

    @api.model
    def _refresh_seal_checks(self, companies, check_files=True):
        """Verify every sealed sheet of ``companies`` and keep the results on the sheets."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM az_attendance_session WHERE company_id = ANY(%s) "
            "AND (seal IS NOT NULL OR state = 'validated')",
            [companies.ids],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self._seal_verify_batch(ids, check_files=check_files, record=True)

    @api.model
    def _cron_check_integrity(self):
        """Daily: verify every sealed sheet of every company, so that reports leave out the
        sheets changed since their seal."""
        for company in self.env["res.company"].sudo().search([]):
            # the problems kept on the sheets read in the company's language
            self.with_context(lang=company._az_lang())._refresh_seal_checks(company)

    def _report_verify_qr(self):
        self.ensure_one()
        return qr_data_uri(self.verify_url)
