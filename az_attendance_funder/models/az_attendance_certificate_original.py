import base64
import json

from odoo import api, models
from odoo.tools import config

from odoo.addons.az_attendance.models.az_attendance_original_mixin import PROOF_FORMAT
from odoo.addons.az_attendance.tools import seal as sealer
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


class AzAttendanceCertificateOriginal(models.Model):
    """Each version of a certificate of completion keeps its archived original: its PDF/A,
    made at issue, recorded in the company ledger, embedding the seals of the sheets it
    rests on and their ledger entries (so that the certificate can be checked offline)."""

    _name = "az.attendance.certificate"
    _inherit = ["az.attendance.certificate", "az.attendance.original.mixin"]

    @api.ondelete(at_uninstall=True)
    def _unlink_originals_at_uninstall(self):
        """Uninstalling the funder's file removes its certificates: their archived originals go
        with them (the company ledger keeps their digests). Any other deletion of a
        certificate is refused before this."""
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            return
        originals = (
            self.env["az.attendance.original"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        originals.with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()

    def _az_original_report(self):
        return "az_attendance_funder.action_report_certificate"

    def _az_original_seal_value(self):
        self.ensure_one()
        return self.fingerprint

    def _az_original_filename(self):
        self.ensure_one()
        return f"{self.number}-v{self.version}.pdf".replace("/", "-")

    def _az_original_label(self):
        self.ensure_one()
        return self.env._(
            "Certificate %(number)s, version %(version)s", number=self.number, version=self.version
        )

    def _az_original_proof(self):
        self.ensure_one()
        certificate = self.sudo()
        sheets = json.loads(certificate.sheet_seals or "[]")
        Ledger = self.env["az.attendance.ledger"].sudo()
        entries = []
        for sheet in sheets:
            entry = Ledger.search([("session_ref", "=", sheet.get("id")), ("kind", "=", "seal")], limit=1)
            version = sealer.parse_hash(entry.hash)[0] if entry else None
            entries.append(
                {
                    "sequence": entry.sequence,
                    "version": version,
                    "content": entry._seal_canonicals(version)[entry.id],
                    "previous_hash": entry.previous_hash,
                    "hash": entry.hash,
                }
                if entry and version
                else None
            )
        return {
            "format": PROOF_FORMAT,
            "kind": "certificate",
            "document": {
                "model": certificate._name,
                "id": certificate.id,
                "name": certificate.number,
                "version": certificate.version,
                "person": certificate.partner_name,
                "company": certificate.company_id.name,
            },
            "fingerprint": certificate.fingerprint,
            "sheets": sheets,
            "ledger_entries": entries,
        }

    def _render_pdf(self):
        """Each certificate's PDF is its archived original (rendered in batches when missing).
        The tests that do not ask for real PDFs keep the HTML rendering."""
        if (config["test_enable"] or config["test_file"]) and not self.env.context.get(
            "force_report_rendering"
        ):
            return super()._render_pdf()
        originals = self._az_original_pdfs()
        for certificate in self:
            original = originals[certificate.id]
            certificate.sudo().with_context(az_certificate_issuing=True).write(
                {
                    "pdf": base64.b64encode(original["pdf"]),
                    "pdf_filename": certificate._az_original_filename(),
                    "pdf_sha256": original["sha256"],
                }
            )
