from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .az_attendance_sealed_mixin import PURGE


class AzAttendanceSessionPurge(models.AbstractModel):
    """The GDPR purge of a sheet's signatures: how long its proofs are kept (the company's
    period, the longest of its fundings'), and the job that clears the signature images and
    justifications of sealed sheets past that period, once their seal verifies, recording
    the purge in the company ledger so that the sheet keeps verifying without its images."""

    _name = "az.attendance.session.purge"
    _description = "Purge of the signatures of an attendance sheet"

    signatures_purged = fields.Boolean(copy=False, readonly=True)

    def _retention_years(self):
        """Years the sheet's proofs are kept: the company's period, and as long as the
        longest-keeping of its fundings asks (those sealed with it and those of the project
        covering its day now; an EU-funded one at least 10 years)."""
        self.ensure_one()
        from .res_company import EU_RETENTION_YEARS, MIN_RETENTION_YEARS

        years = max(self.company_id.az_signature_retention_years, MIN_RETENTION_YEARS)
        session = self.sudo()
        fundings = session.sealed_funding_ids | session.project_id.az_funding_ids.filtered(
            lambda f: (
                f.state != "cancelled" and (not session.date or f.date_start <= session.date <= f.date_end)
            )
        )
        for funding in fundings:
            years = max(
                years, funding.retention_years or 0, EU_RETENTION_YEARS if funding.is_eu_funded else 0
            )
        return years

    def _sealed_date(self):
        """Day of the session as sealed: from its start in the site's timezone (the start is
        covered by every version of the seal, the stored day only from version 2 on)."""
        self.ensure_one()
        return self._to_local(self.start).date() if self.start else self.date

    @api.model
    def _cron_purge_signatures(self, limit=200):
        """Clear signature images (and justifications of absences) of validated sheets past
        their retention period, counted from the sealed date. Only sheets whose seal and
        ledger verify are purged; the purge is recorded in the company ledger, so that the
        sheet still verifies without its images. Sheets that do not verify are left alone
        and listed for the project's manager. Returns the purged sheets."""
        today = fields.Date.context_today(self)
        candidates = self.sudo().search(
            [
                ("state", "=", "validated"),
                ("signatures_purged", "=", False),
                ("start", "<", fields.Datetime.to_datetime(today - timedelta(days=365 * 6 - 1))),
            ],
            order="start",
            limit=limit,
        )
        self.env.flush_all()
        due = candidates.filtered(
            lambda s: s._sealed_date() < today - relativedelta(years=s._retention_years())
        )
        results = self._seal_verify_batch(due.ids)
        purged = self.browse()
        for session in due:
            # what the job writes reads in the company's language, not the job user's
            session = session.with_context(lang=session.company_id._az_lang())
            problems = results.get(session.id)
            if problems is None or problems:
                session._purge_refused(problems or [self.env._("The sheet is not sealed.")])
                continue
            purge = session.with_context(az_attendance_purge=PURGE)
            purge.line_ids.filtered("signature").write({"signature": False})
            purge.line_ids.filtered("justification").write({"justification": False})
            purge.line_ids.write({"signature_purged": True})
            purge.write({"trainer_signature": False, "signatures_purged": True})
            self.env["az.attendance.ledger"]._append(session, "purge", session.seal)
            purged |= session
        for session in purged:
            session = session.with_context(lang=session.company_id._az_lang())
            session.message_post(
                body=session.env._(
                    "Signature images purged after the retention period; the seal is kept and "
                    "the purge is recorded in the company ledger."
                )
            )
        return purged

    def _purge_refused(self, problems):
        """Tell the project's manager that a sheet due for purge does not verify (once)."""
        self.ensure_one()
        summary = self.env._("Signatures not purged: the seal does not verify")
        if self.activity_ids.filtered(lambda a: a.summary == summary):
            return
        user = self.project_id.user_id or self.env.ref("base.user_admin", False)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id if user else self.env.uid,
            summary=summary,
            note="<br/>".join(problems),
        )
