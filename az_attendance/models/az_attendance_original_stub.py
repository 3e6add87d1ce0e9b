import hashlib

from odoo import models


class AzAttendanceSession(models.Model):
    """Stand-in for the archived originals (removed when they are merged): each sheet's PDF
    rendered now, in batches."""

    _inherit = "az.attendance.session"

    def _az_original_pdfs(self):
        """{sheet id: {"pdf": bytes, "sha256": str, "ledger_sequence": int or False}}."""
        pdfs = (
            self.env["ir.actions.report"]
            .sudo()
            ._az_render_pdf_batch("az_attendance.action_report_attendance_sheet", self.ids)
        )
        return {
            rid: {"pdf": pdf, "sha256": hashlib.sha256(pdf).hexdigest(), "ledger_sequence": False}
            for rid, pdf in pdfs.items()
        }
