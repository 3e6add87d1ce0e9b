import logging
import secrets

from odoo import api, models
from odoo.tools import config

from ..tools import pdf_batch

_logger = logging.getLogger(__name__)

# Documents rendered by one run of wkhtmltopdf: measured with ./bench/bundle on the 2-core
# machine, a sheet costs about 1.4 s on its own (a second of it the report's JavaScript delay,
# paid once per run) and about 0.15 s in a run of 20; runs of 40 and more cost as much per
# document and hold more memory.
DOCUMENTS_PER_RENDERING = 20


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _az_render_pdf_batch(self, report_ref, res_ids, batch_size=None):
        """{res_id: PDF bytes} of the report for each record, several documents per run of
        wkhtmltopdf.

        Debian's wkhtmltopdf 0.12.6 (unpatched Qt) takes one input document per run and
        writes no outline, so Odoo's own batching never splits here. The documents of a batch
        are put into ONE HTML document, each starting on a new page with an invisible link
        of its own; the link annotations found on the PDF's pages give each document's first
        page, the PDF is split there and the marker links are taken off. A batch that fails
        (wkhtmltopdf's error, a marker missing or out of order) is rendered one document at
        a time. In tests, unless ``force_report_rendering`` is in the context, each record
        is rendered as Odoo renders it there (HTML)."""
        ids = list(dict.fromkeys(res_ids or []))
        if not ids:
            return {}
        testing = (config["test_enable"] or config["test_file"]) and not self.env.context.get(
            "force_report_rendering"
        )
        if testing:
            return {rid: self._render_qweb_pdf(report_ref, [rid])[0] for rid in ids}
        size = max(1, batch_size or DOCUMENTS_PER_RENDERING)
        pdfs = {}
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            parts = None
            if len(batch) > 1:
                try:
                    parts = self._az_render_pdf_together(report_ref, batch)
                except Exception as error:  # noqa: BLE001 - any failure of the batch: one by one
                    _logger.warning(
                        "Rendering %s by batch failed (%s): one document at a time", report_ref, error
                    )
                if parts is None:
                    _logger.warning(
                        "The batch of %s could not be split by document: one at a time", report_ref
                    )
            if parts is None:
                parts = {rid: self._az_render_pdf_alone(report_ref, rid) for rid in batch}
            pdfs.update(parts)
        return pdfs

    @api.model
    def _az_render_pdf_alone(self, report_ref, res_id):
        """One document, one run of wkhtmltopdf, never a stored attachment."""
        streams = self.with_context(report_pdf_no_attachment=True)._render_qweb_pdf_prepare_streams(
            report_ref, {}, res_ids=[res_id]
        )
        return streams[res_id]["stream"].getvalue()

    @api.model
    def _az_render_pdf_together(self, report_ref, res_ids):
        """{res_id: PDF bytes} from one run of wkhtmltopdf over the documents joined, or None
        when the PDF cannot be split by document."""
        report = self._get_report(report_ref)
        Report = self.with_context(debug=False)
        token = secrets.token_hex(8)
        documents = []
        frame = None
        for res_id in res_ids:
            html = Report._render_qweb_html(
                report_ref, [res_id], data={"report_type": "pdf", "debug": False}
            )[0]
            bodies, _ids, header, footer, paper = report.with_context(debug=False)._prepare_html(
                html, report_model=report.model
            )
            if frame is None:
                frame = (header, footer, paper)
            elif frame != (header, footer, paper):
                # another header, footer or paper for this document: it cannot share the run
                return None
            documents.append([pdf_batch.parse(body) for body in bodies])
        page = pdf_batch.join(documents, token)
        header, footer, paper = frame
        pdf = self._run_wkhtmltopdf(
            [page],
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=self.env.context.get("landscape"),
            specific_paperformat_args=paper,
            set_viewport_size=self.env.context.get("set_viewport_size"),
        )
        return pdf_batch.split(pdf, res_ids, token)
