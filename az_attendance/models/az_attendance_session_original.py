from odoo import fields, models

from ..tools import seal as sealer
from .az_attendance_original_mixin import PROOF_FORMAT

# Fields of a line that seals before version 4 hold as they are and that are personal: such a
# line's sealed content stays out of the embedded proof (its hashes are there).
PERSONAL_LINE_FIELDS = ("sign_ip", "sign_user_agent")


class AzAttendanceSessionOriginal(models.Model):
    """The archived original of a sealed sheet: the sheet's PDF rendered once after its seal
    (and after each amendment or purge), as PDF/A-3 embedding the sealed content, the seal,
    the seal's ledger entry and its trusted timestamp."""

    _name = "az.attendance.session"
    _inherit = ["az.attendance.session", "az.attendance.original.mixin"]

    def _az_original_report(self):
        return "az_attendance.action_report_attendance_sheet"

    def _az_original_seal_value(self):
        self.ensure_one()
        return self.amendment_head or self.seal

    def _az_original_holds_images(self):
        self.ensure_one()
        return not self.signatures_purged and bool(
            self.line_ids.filtered("signature_sha256") or self.trainer_signature_sha256
        )

    def _az_original_filename(self):
        self.ensure_one()
        count = len(self.amendment_ids)
        suffix = f"-a{count}" if count else ""
        purged = "-purged" if self.signatures_purged else ""
        return f"{self.name} {self.date or ''}{suffix}{purged}.pdf".replace("/", "-")

    def _az_original_label(self):
        self.ensure_one()
        if self.signatures_purged:
            return self.env._("Original after the purge of the signature images")
        count = len(self.amendment_ids)
        if count:
            return self.env._("Original after amendment %(number)s", number=count)
        return self.env._("Original of the sealed sheet")

    def _az_original_entries(self):
        """The sheet's seal and amendment entries of the ledger, in order."""
        self.ensure_one()
        return (
            self.env["az.attendance.ledger"]
            .sudo()
            .search([("session_ref", "=", self.id), ("kind", "in", ("seal", "amendment"))], order="sequence")
        )

    def _az_original_timestamp_due(self):
        self.ensure_one()
        if not self.company_id.sudo().az_tsa_url:
            return None
        entries = self._az_original_entries()
        waiting = entries.filtered(lambda e: not e.timestamp_token)
        if not waiting:
            return None
        due = max(waiting.mapped("recorded_at")) + self._az_original_wait()
        return due if due > fields.Datetime.now() else None

    def _az_original_proof(self):
        """What the original embeds: the sealed content (each text the chain hashes, a line
        holding personal values under a seal before version 4 by its hashes only), the
        seal, the seal's ledger entry and the trusted timestamp of the seal."""
        self.ensure_one()
        session = self.sudo()
        self.env.flush_all()
        version = session.seal_version or sealer.SEAL_VERSION
        lines = session._sealed_lines()
        if version == 1:
            header = session._seal_values_v1()
            texts = {line.id: line._seal_values_v1() for line in lines}
        else:
            header = session._seal_canonicals(version)[session.id]
            texts = lines._seal_canonicals(version)
        withheld = version < 4
        proof_lines = []
        for line in lines:
            personal = withheld and any(line[name] for name in PERSONAL_LINE_FIELDS)
            proof_lines.append(
                {
                    "previous_hash": line.previous_hash,
                    "hash": line.hash,
                    "content": None if personal else texts.get(line.id),
                }
            )
        amendments = []
        for amendment in session.amendment_ids.sorted("id"):
            amendment_version = sealer.parse_hash(amendment.hash)[0]
            if amendment_version == 1:
                text = amendment._seal_values_v1(amendment.old_value, amendment.new_value)
            elif amendment_version:
                text = amendment._seal_canonicals(amendment_version)[amendment.id]
            else:
                text = None
            amendments.append(
                {"previous_hash": amendment.previous_hash, "hash": amendment.hash, "content": text}
            )
        entries = session._az_original_entries()
        entry = entries.filtered(lambda e: e.kind == "seal")[:1]
        entry_version = sealer.parse_hash(entry.hash)[0] if entry else None
        return {
            "format": PROOF_FORMAT,
            "document": {
                "model": session._name,
                "id": session.id,
                "name": session.name,
                "company": session.company_id.name,
                "validated_at": fields.Datetime.to_string(session.validated_at)
                if session.validated_at
                else None,
                "validated_by": session.validated_by_id.name or None,
                "signatures_purged": bool(session.signatures_purged),
            },
            "seal": {
                "version": version,
                "value": session.seal,
                "header": header,
                "header_hash": session.header_hash,
                "lines": proof_lines,
                "amendments": amendments,
                "amendment_head": session.amendment_head or session.seal,
            },
            "ledger_entry": {
                "sequence": entry.sequence,
                "version": entry_version,
                "content": entry._seal_canonicals(entry_version)[entry.id],
                "previous_hash": entry.previous_hash,
                "hash": entry.hash,
            }
            if entry and entry_version
            else None,
            "timestamp": {
                "token": entry.timestamp_token.decode() if entry and entry.timestamp_token else None,
                "at": fields.Datetime.to_string(entry.timestamped_at)
                if entry and entry.timestamped_at
                else None,
            },
        }
