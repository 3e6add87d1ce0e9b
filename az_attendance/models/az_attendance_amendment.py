from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import seal as sealer
from .az_attendance_line import STATUSES


class AzAttendanceAmendment(models.Model):
    """A correction of a validated sheet. The sealed line never changes: the amendment says
    what should be read instead, who said so and why. Amendments are chained too, and can
    be neither changed nor deleted."""

    _name = "az.attendance.amendment"
    # the declared sealed fields; every write is refused outright (write() below)
    _inherit = ["az.attendance.sealed.mixin"]
    _description = "Attendance sheet amendment"
    _order = "id"
    _check_company_auto = True

    session_id = fields.Many2one("az.attendance.session", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    line_id = fields.Many2one(
        "az.attendance.line",
        required=True,
        ondelete="restrict",
        domain="[('session_id', '=', session_id)]",
    )
    field_name = fields.Selection(
        [("status", "Status"), ("hours_attended", "Hours attended")],
        string="Field",
        required=True,
        default="status",
    )
    old_value = fields.Char(readonly=True)
    new_status = fields.Selection(STATUSES, string="New status")
    new_hours = fields.Float(string="New hours", digits=(16, 2))
    new_value = fields.Char(readonly=True)
    reason = fields.Text(required=True)
    author_id = fields.Many2one("res.users", required=True, readonly=True, default=lambda self: self.env.user)
    justification_sha256 = fields.Char(
        string="SHA-256 of the justification",
        readonly=True,
        copy=False,
        help="Digest of the accepted absence justification this amendment rests on.",
    )
    hash = fields.Char(readonly=True, copy=False)
    previous_hash = fields.Char(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["author_id"] = self.env.uid
        amendments = super().create(vals_list)
        for amendment in amendments:
            amendment._check_and_chain()
        return amendments

    def write(self, vals):  # pylint: disable=method-required-super  # amendments are immutable
        raise UserError(self.env._("An amendment cannot be changed: record a new one."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_amendment(self):
        raise UserError(self.env._("An amendment cannot be deleted: record a new one."))

    def _get_seal_fields(self, version=None):
        """Fields of an amendment that its hash covers (version 2 and later; version 1 is
        :meth:`_seal_values_v1`). Each amendment is chained to the previous one, the first to
        the sheet's seal; the head of the chain is kept on the sheet and in the ledger."""
        version = version or sealer.SEAL_VERSION
        fields_v2 = [
            "session_id",
            "line_id",
            "field_name",
            "old_value",
            "new_value",
            "reason",
            "author_id",
            "create_date",
        ]
        # version 3 adds the digest of the accepted absence justification
        if version >= 3:
            return fields_v2 + ["justification_sha256"]
        if version == 2:
            return fields_v2
        raise NotImplementedError(f"No seal of version {version}")

    def _seal_values_v1(self, old, new):
        """Canonical text of an amendment chained under version 1."""
        self.ensure_one()
        return sealer.canonical(
            {
                "amendment_id": self.id,
                "line_id": self.line_id.id,
                "field": self.field_name,
                "old": old,
                "new": new,
                "reason": self.reason,
                "author_id": self.author_id.id,
            }
        )

    def _ledger_label(self, number):
        self.ensure_one()
        return self.env._("Amendment %(number)s (%(name)s)", number=number, name=self.line_id.partner_name)

    def _check_and_chain(self):
        self.ensure_one()
        session, line = self.session_id, self.line_id
        if session.state != "validated":
            raise UserError(
                self.env._("Amendments are for validated sheets; correct an open sheet directly.")
            )
        if line.session_id != session:
            raise ValidationError(self.env._("The amended line must belong to the sheet."))
        if not (self.reason or "").strip():
            raise ValidationError(self.env._("An amendment needs a reason."))
        old_status, old_hours = line._effective_values(exclude=self)
        if self.field_name == "status":
            if not self.new_status:
                raise ValidationError(self.env._("Choose the corrected status."))
            old, new = old_status, self.new_status
        else:
            if self.new_hours < 0 or self.new_hours > session.hours_held + 0.001:
                raise ValidationError(
                    self.env._("The corrected hours must lie between 0 and the session's duration.")
                )
            old, new = f"{old_hours:.2f}", f"{self.new_hours:.2f}"
        # one amendment at a time per sheet, whatever the worker: the chain must not fork
        session._lock_rows()
        earlier = self.sudo().search([("session_id", "=", session.id), ("id", "<", self.id)], order="id desc")
        previous = earlier[:1].hash or session.seal
        # written behind the ORM: write() refuses every change of an amendment
        self.env.cr.execute(
            "UPDATE az_attendance_amendment SET old_value=%s, new_value=%s WHERE id=%s", [old, new, self.id]
        )
        self.invalidate_recordset(["old_value", "new_value"])
        # the line's stored effective status and hours follow the new value (recomputed by
        # the ORM, outside the sealed line's write guard: they are not sealed)
        self.modified(["old_value", "new_value"])
        self.env.flush_all()
        version = sealer.SEAL_VERSION
        text = self._seal_canonicals(version)[self.id]
        current = sealer.versioned_hash(version, previous, text)
        self.env.cr.execute(
            "UPDATE az_attendance_amendment SET previous_hash=%s, hash=%s WHERE id=%s",
            [previous, current, self.id],
        )
        self.invalidate_recordset(["previous_hash", "hash"])
        session._sealing().write({"amendment_head": current})
        self.env["az.attendance.ledger"]._append(
            session, "amendment", current, res_ref=self.id, label=self._ledger_label(len(earlier) + 1)
        )
        session.message_post(
            body=self.env._(
                "Amendment of %(name)s: %(field)s %(old)s → %(new)s. Reason: %(reason)s",
                name=line.partner_name,
                field=dict(self._fields["field_name"]._description_selection(self.env))[self.field_name],
                old=old,
                new=new,
                reason=self.reason,
            )
        )
