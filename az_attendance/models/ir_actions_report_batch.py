import logging
import secrets

from odoo import api, models
from odoo.tools import config

from ..tools import pdf_batch

_logger = logging.getLogger(__name__)

# Documents rendered by one run of wkhtmltopdf. Measured with ./bench/bundle on the 2-core
# machine (40 sheets of 20 lines, 40 certificates): alone, 1.5 s per document (a second of it
# the report's JavaScript delay, paid once per run); in runs of 5, 10, 20 and 40, 0.55, 0.38,
# 0.42 and 0.34 s per sheet and 0.46, 0.29, 0.15 and 0.11 s per certificate (what is left of a
# sheet is mostly its QWeb rendering, paid alone as well).
DOCUMENTS_PER_RENDERING = 40


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"  # pylint: disable=consider-merging-classes-inherited  # one concern a file

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
                    with self.env.cr.savepoint():
                        parts = self._az_render_pdf_together(report_ref, batch)
                    if parts is None:
                        _logger.warning(
                            "A batch of %s could not be split by document: one at a time", report_ref
                        )
                except Exception as error:  # noqa: BLE001 - any failure of the batch: one by one
                    _logger.warning(
                        "Rendering %s by batch failed (%s): one document at a time", report_ref, error
                    )
            if parts is None:
                parts = {rid: self._az_render_pdf_alone(report_ref, rid) for rid in batch}
            pdfs.update(parts)
        return pdfs

    @api.model
    def _az_render_pdf_alone(self, report_ref, res_id):
        """One document, one run of wkhtmltopdf, never a stored attachment nor its archived
        original."""
        streams = self.with_context(
            report_pdf_no_attachment=True, az_original_rendering=True
        )._render_qweb_pdf_prepare_streams(report_ref, {}, res_ids=[res_id])
        return streams[res_id]["stream"].getvalue()

    @api.model
    def _az_render_pdf_together(self, report_ref, res_ids):
        """{res_id: PDF bytes} from one run of wkhtmltopdf over the documents joined, or None
        when the PDF cannot be split by document."""
        token = secrets.token_hex(8)
        prepared = self._az_batch_documents(report_ref, res_ids)
        if prepared is None:
            return None
        documents, (header, footer, paper) = prepared
        page = pdf_batch.join(documents, token)
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

    @api.model
    def _az_batch_documents(self, report_ref, res_ids):
        """([parsed HTML bodies of each record], (header, footer, paper arguments)): the
        records rendered by one QWeb rendering when each comes out as one article of its own,
        in order, else one by one; None when they do not share a header, footer and paper."""
        report = self._get_report(report_ref)
        Report = self.with_context(debug=False)
        data = {"report_type": "pdf", "debug": False}
        html = Report._render_qweb_html(report_ref, res_ids, data=dict(data))[0]
        bodies, html_ids, *frame = report.with_context(debug=False)._prepare_html(
            html, report_model=report.model
        )
        if list(html_ids) == list(res_ids):
            return [[pdf_batch.parse(body)] for body in bodies], tuple(frame)
        documents = []
        shared = None
        for res_id in res_ids:
            html = Report._render_qweb_html(report_ref, [res_id], data=dict(data))[0]
            bodies, _ids, *frame = report.with_context(debug=False)._prepare_html(
                html, report_model=report.model
            )
            if shared is None:
                shared = tuple(frame)
            elif shared != tuple(frame):
                # another header, footer or paper for this record: it cannot share the run
                return None
            documents.append([pdf_batch.parse(body) for body in bodies])
        return documents, shared
