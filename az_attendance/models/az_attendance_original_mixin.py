import hashlib
import io
import json
import logging
import threading
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.pdf import DictionaryObject, NameObject, NumberObject, OdooPdfFileReader, OdooPdfFileWriter

_logger = logging.getLogger(__name__)

# Name of the proof embedded in each original (read by tools/verify_original.py).
PROOF_NAME = "az-attendance-proof.json"
PROOF_FORMAT = "az-attendance-original/1"
# Minutes the job waits for the trusted timestamp of a seal before it makes the original
# without it (ir.config_parameter ``az_attendance.original_timestamp_wait``).
TIMESTAMP_WAIT_MINUTES = 15
# Documents rendered per batch of the job, and seconds a run of the job keeps going.
JOB_BATCH = 20
JOB_SECONDS = 240

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{company}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>Odoo</pdf:Producer>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>Odoo</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>"""


def _xml_text(value):
    return (value or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AzAttendanceOriginalMixin(models.AbstractModel):
    """A document of the ledger that keeps archived originals (``az.attendance.original``):
    the flag of a document whose original is to be made, the job that makes them, and
    :meth:`_az_original_pdfs`, which the funder's bundle and the certificates' issuing call.
    A model using it says which report renders it and what proof its PDF embeds."""

    _name = "az.attendance.original.mixin"
    _description = "Document with archived originals"

    az_original_pending = fields.Boolean(
        string="Original to make", copy=False, readonly=True, index="btree_not_null"
    )
    az_original_id = fields.Many2one(
        "az.attendance.original", string="Archived original", compute="_compute_az_original_id"
    )

    def _compute_az_original_id(self):
        Original = self.env["az.attendance.original"].sudo()
        originals = Original.search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("state", "=", "current")]
        )
        by_id = {original.res_id: original for original in originals}
        for record in self:
            record.az_original_id = by_id.get(record.id, Original)

    # ------------------------------------------------------------------ what a model says
    def _az_original_report(self):
        """XML id of the report that renders the document."""
        raise NotImplementedError

    def _az_original_proof(self):
        """The proof the PDF embeds (a JSON-serialisable dict)."""
        raise NotImplementedError

    def _az_original_seal_value(self):
        """The seal (or the head of the amendments) the PDF shows."""
        raise NotImplementedError

    def _az_original_timestamp_due(self):
        """When the trusted timestamps the proof waits for are all there, or the time after
        which the original is made without them: ``None`` when it can be made now."""
        return None

    def _az_original_holds_images(self):
        return False

    def _az_original_filename(self):
        self.ensure_one()
        return f"{self.display_name}.pdf".replace("/", "-")

    def _az_original_label(self):
        return ""

    # ------------------------------------------------------------------ making
    def _az_original_mark_pending(self):
        """Ask the job for a new original of these documents, once this transaction commits."""
        if not self.ids:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET az_original_pending = TRUE WHERE id = ANY(%s)",
                SQL.identifier(self._table),
                self.ids,
            )
        )
        self.invalidate_recordset(["az_original_pending"])
        self.env.ref("az_attendance.ir_cron_make_originals").sudo()._trigger()

    def _az_original_pdfs(self):
        """{record id: {"pdf": bytes, "sha256": str, "ledger_sequence": int|False}}: the
        stored current originals, and the missing ones made now (rendered, stored, recorded
        in the ledger)."""
        Original = self.env["az.attendance.original"].sudo()
        originals = Original.search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("state", "=", "current")]
        )
        by_id = {original.res_id: original for original in originals}
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) AND az_original_pending",
                SQL.identifier(self._table),
                self.ids,
            )
        )
        pending = {row[0] for row in self.env.cr.fetchall()}
        missing = self.browse([rid for rid in self.ids if rid not in by_id or rid in pending])
        if missing:
            # the job, which claims with SKIP LOCKED, leaves these alone while they are made
            # here; one it is making now makes this wait, then fail as a serialization error
            # that Odoo retries (and the retry finds its original)
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                    SQL.identifier(self._table),
                    missing.ids,
                )
            )
        # every PDF rendered first, then all stored: the company ledger's lock, taken by the
        # first entry, is not held while the next batches render
        pdfs = {}
        for start in range(0, len(missing), JOB_BATCH):
            pdfs.update(missing[start : start + JOB_BATCH]._az_original_render())
        by_id.update(missing._az_original_make(pdfs))
        result = {}
        for record in self:
            original = by_id[record.id]
            result[record.id] = {
                "pdf": original._pdf(),
                "sha256": original.sha256,
                "ledger_sequence": original.ledger_entry_id.sequence or False,
            }
        return result

    def _az_original_render(self):
        """{record id: PDF} of these documents (one company), rendered in one batch."""
        records = self.sudo()
        if not records:
            return {}
        Report = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(
                lang=records[:1].company_id._az_lang(),
                force_report_rendering=True,
                az_original_rendering=True,
            )
        )
        return Report._az_render_pdf_batch(records[:1]._az_original_report(), records.ids)

    def _az_original_make(self, pdfs=None):
        """Make each rendered PDF (``pdfs``, else rendered now in one batch) an original
        (PDF/A-3 with its proof embedded), store and record them. Returns {record id: original}."""
        records = self.sudo()
        if not records:
            return {}
        pdfs = pdfs if pdfs is not None else records._az_original_render()
        made = {}
        Original = self.env["az.attendance.original"]
        for record in records:
            record = record.with_context(lang=record.company_id._az_lang())
            proof = record._az_original_proof()
            pdf = record._az_original_pdfa(pdfs[record.id], proof)
            made[record.id] = Original._archive(
                record,
                pdf,
                record._az_original_seal_value(),
                bool(proof.get("timestamp", {}).get("token")),
                record._az_original_holds_images(),
                record._az_original_label(),
            )
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET az_original_pending = FALSE WHERE id = ANY(%s)",
                SQL.identifier(self._table),
                records.ids,
            )
        )
        self.invalidate_recordset(["az_original_pending"])
        return made

    def _az_original_pdfa(self, pdf, proof):
        """``pdf`` as PDF/A-3: output intent, fonts' widths, XMP identification, and the
        proof embedded as a JSON file."""
        self.ensure_one()
        reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
        writer = OdooPdfFileWriter()
        writer.cloneReaderDocumentRoot(reader)
        root = writer._root_object
        if "/Outlines" not in root:
            # wkhtmltopdf writes no outline here: PDF/A needs the (empty) dictionary
            outlines = writer._addObject(
                DictionaryObject(
                    {NameObject("/Type"): NameObject("/Outlines"), NameObject("/Count"): NumberObject(0)}
                )
            )
            root[NameObject("/Outlines")] = outlines
        data = json.dumps(proof, sort_keys=True, indent=1, ensure_ascii=False).encode()
        writer.add_attachment(PROOF_NAME, data, subtype="application/json")
        writer.convert_to_pdfa()
        when = (self.env.context.get("az_original_date") or fields.Datetime.now()).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        xmp = XMP.format(
            title=_xml_text(self.display_name), company=_xml_text(self.company_id.name), date=when
        )
        writer.add_file_metadata(xmp.encode())
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    # ------------------------------------------------------------------ the job
    @api.model
    def _az_original_models(self):
        registry = self.env.registry
        return [
            name
            for name in registry.descendants(["az.attendance.original.mixin"], "_inherit")
            if name != "az.attendance.original.mixin" and not registry[name]._abstract
        ]

    @api.model
    def _az_original_claim(self, limit):
        """Ids of documents waiting for an original that no other run of the job holds."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE az_original_pending ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                SQL.identifier(self._table),
                limit,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _az_original_remaining(self):
        self.env.cr.execute(
            SQL("SELECT COUNT(*) FROM %s WHERE az_original_pending", SQL.identifier(self._table))
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _cron_make_originals(self, batch=JOB_BATCH, seconds=JOB_SECONDS):
        """The job: run when a document is sealed, amended or purged (triggered after the
        transaction commits), and daily. Claims its documents with SKIP LOCKED (two runs
        never render the same one), renders them in batches, commits and reports progress
        after each batch. A document whose trusted timestamp is awaited waits, up to the set
        delay; the job is triggered again for that time."""
        testing = getattr(threading.current_thread(), "testing", False)
        cron = self.env.ref("az_attendance.ir_cron_make_originals").sudo()
        started = time.monotonic()
        done = 0
        waiting_until = None
        made = self.env["az.attendance.original"]
        for model in self._az_original_models():
            Model = self.env[model].sudo()
            skipped = set()
            while time.monotonic() - started < seconds:
                claimed = Model._az_original_claim(batch + len(skipped))
                claimed = claimed.browse([rid for rid in claimed.ids if rid not in skipped])
                if not claimed:
                    break
                ready = Model
                for record in claimed:
                    due = record._az_original_timestamp_due()
                    if due is None:
                        ready |= record
                    else:
                        skipped.add(record.id)
                        waiting_until = min(due, waiting_until or due)
                ready = ready[:batch]
                if not ready:
                    break
                for company in ready.company_id:
                    for original in (
                        ready.filtered(lambda r, c=company: r.company_id == c)._az_original_make().values()
                    ):
                        made |= original
                done += len(ready)
                cron._notify_progress(done=done, remaining=Model._az_original_remaining())
                if not testing:
                    self.env.cr.commit()  # pylint: disable=invalid-commit  # each batch kept as it is made
        if waiting_until:
            cron._trigger(at=waiting_until)
        return made

    @api.model
    def _az_original_wait(self):
        value = self.env["ir.config_parameter"].sudo().get_param("az_attendance.original_timestamp_wait")
        try:
            return (
                timedelta(minutes=max(int(value), 0))
                if value not in (None, False, "")
                else timedelta(minutes=TIMESTAMP_WAIT_MINUTES)
            )
        except ValueError:
            return timedelta(minutes=TIMESTAMP_WAIT_MINUTES)

    @api.model
    def _az_sha256(self, data):
        return hashlib.sha256(data).hexdigest()
