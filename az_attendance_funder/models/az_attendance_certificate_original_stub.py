import hashlib

from odoo import models


class AzAttendanceCertificate(models.Model):
    """Stand-in for the archived originals (removed when they are merged): each certificate's PDF
    rendered now, in batches."""

    _inherit = "az.attendance.certificate"

    def _az_original_pdfs(self):
        """{certificate id: {"pdf": bytes, "sha256": str, "ledger_sequence": int or False}}."""
        pdfs = (
            self.env["ir.actions.report"]
            .sudo()
            ._az_render_pdf_batch("az_attendance_funder.action_report_certificate", self.ids)
        )
        return {
            rid: {"pdf": pdf, "sha256": hashlib.sha256(pdf).hexdigest(), "ledger_sequence": False}
            for rid, pdf in pdfs.items()
        }
