# pylint: disable=consider-merging-classes-inherited  # the batched rendering is a concern of its own
from odoo import api, models


class IrActionsReportBatch(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _az_render_pdf_batch(self, report_ref, res_ids):
        """{res_id: PDF bytes} of the documents ``res_ids`` rendered by ``report_ref``: one
        rendering per document."""
        return {res_id: self._render_qweb_pdf(report_ref, [res_id])[0] for res_id in res_ids}
