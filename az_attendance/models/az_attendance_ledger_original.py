from odoo import api, models


class AzAttendanceLedgerOriginal(models.Model):
    """The ledger and the archived originals: a sealing, an amendment or a purge asks the job
    for a new original of the sheet (a purge first drops the originals that hold signature
    images); the integrity check names an original whose stored bytes changed."""

    _inherit = "az.attendance.ledger"

    @api.model
    def _append(self, session, kind, value, res_ref=0, label="", manifest=None, alone=False):
        entry = super()._append(
            session, kind, value, res_ref=res_ref, label=label, manifest=manifest, alone=alone
        )
        # ``alone``: the update registering former sheets; their originals come from the
        # update of the originals (migrations/18.0.1.5.0)
        if kind in ("seal", "amendment", "purge") and not alone:
            if kind == "purge":
                self.env["az.attendance.original"].sudo().search(
                    [
                        ("res_model", "=", session._name),
                        ("res_id", "=", session.id),
                        ("state", "!=", "purged"),
                        ("holds_images", "=", True),
                    ]
                )._purge(self.env._("Original holding signature images purged"))
            session._az_original_mark_pending()
        return entry

    @api.model
    def _check_integrity(self, company):
        result = super()._check_integrity(company)
        labels = dict(self._integrity_kinds())
        for kind, name, detail in self.env["az.attendance.original"]._check_company_originals(company):
            result["anomalies"].append({"kind": kind, "sheet": name, "detail": detail, "label": labels[kind]})
        return result

    def _integrity_kinds(self):
        return super()._integrity_kinds() + [("original_changed", self.env._("Archived original changed"))]
