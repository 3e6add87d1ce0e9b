import hashlib

from odoo import api, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging duplicate contacts: the lines of sheets still open follow the contact kept;
    the lines of sealed sheets keep the person they sealed (the merged contact is then
    archived, not deleted), and the merge is recorded in the company's ledger, once per
    sealed sheet that names the merged contact. Two lines of one sheet would make the person
    appear twice on it: the merge is refused."""

    _inherit = "base.partner.merge.automatic.wizard"

    # the lines whose sheet is sealed (or validated) keep their person
    _AZ_SEALED_LINE = (
        "hash IS NOT NULL OR session_id IN (SELECT id FROM az_attendance_session WHERE state = 'validated')"
    )

    @api.model
    def _az_merge_columns(self):
        return super()._az_merge_columns() + [
            {
                "table": "az_attendance_line",
                "column": "partner_id",
                "keep": self._AZ_SEALED_LINE,
                "refused": self._az_lines_on_one_sheet,
            }
        ]

    @api.model
    def _az_lines_on_one_sheet(self, error, src_partners, dst_partner):
        return self.env._(
            "These contacts cannot be merged: they both appear on the same attendance sheet that is "
            "still open, and a person appears once on a sheet. Remove one of the two lines, then merge again."
        )

    def _log_merge_operation(self, src_partners, dst_partner):
        result = super()._log_merge_operation(src_partners, dst_partner)
        self._az_record_merge_in_ledger(src_partners, dst_partner)
        return result

    @api.model
    def _az_record_merge_in_ledger(self, src_partners, dst_partner):
        """One ledger entry per sealed sheet naming a merged contact: its lines keep that
        contact, and the ledger says which contact it was merged into, by whom and when."""
        lines = (
            self.env["az.attendance.line"]
            .sudo()
            .search([("partner_id", "in", src_partners.ids), ("session_id.seal", "!=", False)])
        )
        Ledger = self.env["az.attendance.ledger"]
        for line in lines.sorted("id"):
            session = line.session_id
            text = f"merge:{line.partner_id.id}->{dst_partner.id}:line:{line.id}"
            Ledger._append(
                session,
                "merge",
                hashlib.sha256(text.encode()).hexdigest(),
                res_ref=line.id,
                label=self.with_context(lang=session.company_id._az_lang()).env._(
                    "Contact #%(merged)s merged into #%(kept)s; the sealed line keeps #%(merged)s",
                    merged=line.partner_id.id,
                    kept=dst_partner.id,
                ),
            )
