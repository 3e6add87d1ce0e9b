import io

from odoo import models

# Countries whose paper is US Letter; everywhere else the attendance sheet prints on A4.
LETTER_COUNTRIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE"}
# The attendance documents that draw the company's identity themselves (no header page).
SMALL_MARGIN_REPORTS = {"az_attendance.report_attendance_sheet", "az_attendance.report_attendance_integrity"}


class IrActionsReport(models.Model):
    """The attendance documents' paper; *Print* of a document that keeps archived originals
    gives its current original, and a document whose original is not made yet (or is being
    made again) is rendered live."""

    _inherit = "ir.actions.report"

    def get_paperformat(self):
        """The attendance sheet and the integrity report print on A4 (France first), on US
        Letter in the countries that use it, with the small margins their layout is made for."""
        if self.report_name not in SMALL_MARGIN_REPORTS or self.paperformat_id:
            return super().get_paperformat()
        if self.env.company.country_id.code in LETTER_COUNTRIES:
            return self.env.ref("az_attendance.paperformat_attendance_letter")
        return self.env.ref("az_attendance.paperformat_attendance_a4")

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        if self.env.context.get("az_original_rendering") or not res_ids:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        report = self._get_report(report_ref)
        Model = self.env.get(report.model)
        if Model is None or "az_original_pending" not in Model._fields:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        records = Model.sudo().browse(res_ids).exists()
        if report.get_external_id().get(report.id) != records[:1]._az_original_report():
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        ready = {
            record.id: record.az_original_id
            for record in records
            if record.az_original_id and not record.az_original_pending
        }
        rest = [res_id for res_id in res_ids if res_id not in ready]
        streams = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=rest) if rest else {}
        for res_id, original in ready.items():
            streams[res_id] = {"stream": io.BytesIO(original._pdf()), "attachment": original.attachment_id}
        return {res_id: streams[res_id] for res_id in res_ids if res_id in streams}
