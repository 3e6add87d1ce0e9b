import base64
import hashlib
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# Marker of the code that archives originals: an object cannot travel through JSON-RPC.
ARCHIVING = object()


class AzAttendanceOriginal(models.Model):
    """The archived original of a document of the ledger (a sealed sheet, a certificate of
    completion): its PDF/A rendered once after the document was sealed, amended or purged,
    stored as an attachment, its SHA-256 recorded in the company ledger in an entry of its
    own. Each version of a document keeps its original; the current one is what *Print*
    gives, the verify page recognises and the funder's bundle holds."""

    _name = "az.attendance.original"
    _description = "Archived original of a sealed document"
    _order = "id desc"
    _rec_name = "name"

    name = fields.Char(required=True, readonly=True)
    res_model = fields.Char(string="Document model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True, ondelete="restrict")
    sha256 = fields.Char(string="SHA-256", required=True, readonly=True, index=True)
    ledger_entry_id = fields.Many2one("az.attendance.ledger", string="Ledger entry", readonly=True)
    ledger_sequence = fields.Integer(related="ledger_entry_id.sequence", string="Ledger position")
    state = fields.Selection(
        [("current", "Current"), ("superseded", "Superseded"), ("purged", "Purged")],
        required=True,
        readonly=True,
        default="current",
        index=True,
        help="Superseded: a later version of the document (an amendment) has its own original, "
        "this one is kept. Purged: the PDF held signature images past their retention period; "
        "its digest stays in the ledger.",
    )
    seal_value = fields.Char(
        string="Seal shown", readonly=True, help="The seal (or head of the amendments) the original shows."
    )
    has_timestamp = fields.Boolean(
        string="With trusted timestamp",
        readonly=True,
        help="Whether the proof embedded in the PDF holds the trusted timestamp of the seal.",
    )
    holds_images = fields.Boolean(string="Holds signature images", readonly=True)
    made_at = fields.Datetime(string="Made on", readonly=True)

    _sql_constraints = [
        (
            "sha256_document_unique",
            "UNIQUE(res_model, res_id, sha256)",
            "A document keeps each original once.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("az_attendance_original") is not ARCHIVING:
            raise UserError(self.env._("Archived originals are made by their job only."))
        return super().create(vals_list)

    def write(self, vals):
        if self.env.context.get("az_attendance_original") is not ARCHIVING:
            raise UserError(self.env._("An archived original cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("An archived original cannot be deleted."))

    def _pdf(self):
        """The stored bytes of the original (b"" when purged or missing), read from the
        store itself (not from a cache)."""
        self.ensure_one()
        attachment = self.sudo().attachment_id
        if not attachment:
            return b""
        self.env.cr.execute("SELECT store_fname, db_datas FROM ir_attachment WHERE id = %s", [attachment.id])
        row = self.env.cr.fetchone()
        if not row:
            return b""
        if row[0]:
            try:
                return attachment._file_read(row[0]) or b""
            except OSError:
                return b""
        return bytes(row[1] or b"")

    @api.model
    def _archive(self, record, pdf, seal_value, has_timestamp, holds_images, label):
        """Store ``pdf`` as the current original of ``record``: the former current one is
        superseded (kept), the new one recorded in the company ledger after the document's
        own entries. Returns the new original."""
        sha = hashlib.sha256(pdf).hexdigest()
        company = record.company_id
        Original = self.sudo().with_context(az_attendance_original=ARCHIVING)
        former = Original.search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("state", "=", "current")]
        )
        same = former.filtered(lambda o: o.sha256 == sha)
        if same:
            return same[:1]
        name = record.display_name
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": record._az_original_filename(),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": record._name,
                    "res_id": record.id,
                    "company_id": company.id,
                }
            )
        )
        session = record if record._name == "az.attendance.session" else None
        entry = self.env["az.attendance.ledger"]._append_entry(
            company,
            {
                "kind": "original",
                "session_id": session.id if session else False,
                "session_ref": session.id if session else 0,
                "session_name": record.display_name,
                "res_model": record._name,
                "res_ref": record.id,
                "label": label,
                "value": sha,
            },
        )
        former.write({"state": "superseded"})
        return Original.create(
            {
                "name": name,
                "res_model": record._name,
                "res_id": record.id,
                "company_id": company.id,
                "attachment_id": attachment.id,
                "sha256": sha,
                "ledger_entry_id": entry.id,
                "seal_value": seal_value,
                "has_timestamp": has_timestamp,
                "holds_images": holds_images,
                "made_at": fields.Datetime.now(),
            }
        )

    def _purge(self, label):
        """GDPR purge: drop the PDFs of these originals (they hold signature images past
        their retention period); their digests stay in the ledger, the purge is recorded."""
        for original in self.sudo().with_context(az_attendance_original=ARCHIVING):
            attachment = original.attachment_id
            original.write({"state": "purged", "attachment_id": False})
            attachment.unlink()
            self.env["az.attendance.ledger"]._append_entry(
                original.company_id,
                {
                    "kind": "original_purge",
                    "session_id": original.res_id if original.res_model == "az.attendance.session" else False,
                    "session_ref": original.res_id if original.res_model == "az.attendance.session" else 0,
                    "session_name": original.name,
                    "res_model": original.res_model,
                    "res_ref": original.res_id,
                    "label": label,
                    "value": original.sha256,
                },
            )

    @api.model
    def _check_company_originals(self, company):
        """Anomalies of the company's archived originals: stored bytes that no longer give
        the recorded digest, an original whose ledger entry does not record its digest."""
        anomalies = []
        originals = self.sudo().search([("company_id", "=", company.id), ("state", "!=", "purged")])
        for original in originals:
            data = original._pdf()
            name = original.name
            if hashlib.sha256(data).hexdigest() != original.sha256:
                anomalies.append(
                    (
                        "original_changed",
                        name,
                        self.env._(
                            "The stored PDF of the archived original '%(name)s' changed since it "
                            "was archived (ledger entry %(sequence)s).",
                            name=name,
                            sequence=original.ledger_entry_id.sequence or "-",
                        ),
                    )
                )
            elif not original.ledger_entry_id or original.ledger_entry_id.value != original.sha256:
                anomalies.append(
                    (
                        "original_changed",
                        name,
                        self.env._(
                            "The digest of the archived original '%(name)s' is not the one the "
                            "company ledger records.",
                            name=name,
                        ),
                    )
                )
        return anomalies

    def _download_url(self):
        self.ensure_one()
        return f"/web/content/{self.attachment_id.id}?download=true"

    @api.model
    def _b64(self, data):
        return base64.b64encode(data).decode() if data else None
