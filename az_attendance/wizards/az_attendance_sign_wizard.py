from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.az_attendance_line_signing import request_proof


class AzAttendanceSignWizard(models.TransientModel):
    """Staff record a signature for a person who cannot sign, or a line of a paper sheet."""

    _name = "az.attendance.sign.wizard"
    _description = "Sign on behalf of a participant"

    line_id = fields.Many2one("az.attendance.line", required=True, ondelete="cascade")
    partner_name = fields.Char(related="line_id.partner_name", string="Participant")
    session_label = fields.Char(compute="_compute_session_label", string="Session")
    method = fields.Selection(
        [
            ("on_behalf", "Staff sign on behalf, with a witness"),
            ("paper", "Signed on the attached paper sheet"),
        ],
        default="on_behalf",
        required=True,
    )
    witness_name = fields.Char(string="Witness")
    reason = fields.Char(help="Why the person cannot sign themselves.")
    signature = fields.Binary(string="Signature of the staff member")

    @api.depends("line_id")
    def _compute_session_label(self):
        for wizard in self:
            wizard.session_label = wizard.line_id._session_label() if wizard.line_id else False

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "line_id" in values:
            self.env["az.attendance.line"].browse(values["line_id"])._check_can_sign()
        return values

    def action_confirm(self):
        self.ensure_one()
        line = self.line_id
        line.check_access("write")
        if self.method == "paper":
            return line.action_sign_on_paper()
        if not self.signature:
            raise UserError(self.env._("Sign in the box first."))
        ip, agent = request_proof()
        line._record_signature(
            self.signature.decode() if isinstance(self.signature, bytes) else self.signature,
            "on_behalf",
            ip=ip,
            user_agent=agent,
            witness_name=self.witness_name,
            reason=self.reason,
        )
        line.session_id.message_post(
            body=self.env._(
                "%(user)s signed on behalf of %(name)s, witnessed by %(witness)s: %(reason)s",
                user=self.env.user.name,
                name=line.partner_name,
                witness=self.witness_name,
                reason=self.reason,
            )
        )
        return True
