from odoo import api, models
from odoo.exceptions import UserError

# Files whose SHA-256 a seal holds: (model, field) -> SQL telling whether the record is sealed.
_SEALED_FILES = {
    ("az.attendance.line", "signature"): "az_attendance_line",
    ("az.attendance.line", "justification"): "az_attendance_line",
    ("az.attendance.session", "trainer_signature"): "az_attendance_session",
    ("az.attendance.session", "paper_sheet"): "az_attendance_session",
}
_SEALED_SQL = {
    "az_attendance_line": (
        "SELECT l.id FROM az_attendance_line l JOIN az_attendance_session s "
        "ON s.id = l.session_id WHERE l.id = ANY(%s) "
        "AND (l.hash IS NOT NULL OR s.seal IS NOT NULL OR s.state = 'validated')"
    ),
    "az_attendance_session": (
        "SELECT id FROM az_attendance_session WHERE id = ANY(%s) "
        "AND (seal IS NOT NULL OR state = 'validated')"
    ),
}
# What makes an attachment another file, or the file of another record.
_CONTENT_FIELDS = {
    "datas",
    "raw",
    "db_datas",
    "store_fname",
    "url",
    "type",
    "res_model",
    "res_id",
    "res_field",
    "checksum",
    "file_size",
}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _az_check_sealed_files(self, vals_list=()):
        """Refuse, for every user (superuser included), to delete, replace or add the file of
        a sealed attendance line or sheet: the seal holds its digest. Only the GDPR purge may
        delete them, and it records the purge in the company ledger."""
        if self.env["az.attendance.session"]._is_purge():
            return
        targets = {}
        rows = []
        if self.ids:  # the files already stored (none when creating)
            self.env.cr.execute(
                "SELECT res_model, res_field, res_id FROM ir_attachment WHERE id = ANY(%s) "
                "AND res_model IN ('az.attendance.line', 'az.attendance.session')",
                [list(self.ids)],
            )
            rows = list(self.env.cr.fetchall())
        rows += [(vals.get("res_model"), vals.get("res_field"), vals.get("res_id")) for vals in vals_list]
        for model, field, res_id in rows:
            table = _SEALED_FILES.get((model, field))
            if table and isinstance(res_id, int):
                targets.setdefault(table, set()).add(res_id)
        for table, ids in targets.items():
            self.env.cr.execute(_SEALED_SQL[table], [list(ids)])
            if self.env.cr.fetchone():
                raise UserError(
                    self.env._(
                        "This file belongs to a validated and sealed attendance sheet: it can be "
                        "neither deleted nor replaced."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.browse()._az_check_sealed_files(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if _CONTENT_FIELDS & set(vals):
            self._az_check_sealed_files()
            if {"res_model", "res_id", "res_field"} & set(vals):
                target = [
                    {
                        "res_model": vals.get("res_model", a.res_model),
                        "res_field": vals.get("res_field", a.res_field),
                        "res_id": vals.get("res_id", a.res_id),
                    }
                    for a in self.sudo()
                ]
                self.browse()._az_check_sealed_files(target)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sealed_file(self):
        self._az_check_sealed_files()
