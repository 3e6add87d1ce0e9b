import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import seal as sealer
from ..tools import upload_file

JUSTIFIABLE_STATUSES = ("expected", "absent", "excused")
# Written by the code only: the decision, and what the file check found.
_DECISION_FIELDS = {
    "state",
    "decided_by_id",
    "decided_at",
    "amendment_id",
    "file_sha256",
    "mimetype",
    "submitted_by_id",
}


class AzAttendanceJustification(models.Model):
    """A proof of absence (medical note, summons) for one line of a sheet, sent by the
    participant from their portal or attached by staff, then accepted or refused by staff.

    Accepting it makes the line excused: directly while the sheet is open, through the
    amendment chain once it is sealed (the amendment's seal covers the file's digest)."""

    _name = "az.attendance.justification"
    _description = "Absence justification"
    _inherit = ["mail.thread", "az.row.lock.mixin"]
    _order = "id desc"
    _check_company_auto = True

    line_id = fields.Many2one(
        "az.attendance.line",
        string="Attendance line",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    session_id = fields.Many2one(related="line_id.session_id", store=True, index=True, string="Session")
    partner_id = fields.Many2one(related="line_id.partner_id", store=True, index=True, string="Participant")
    project_id = fields.Many2one(related="line_id.project_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    session_date = fields.Date(related="line_id.session_date", store=True)
    file = fields.Binary(string="Proof", attachment=True, required=True, copy=False)
    filename = fields.Char()
    mimetype = fields.Char(readonly=True)
    file_sha256 = fields.Char(string="SHA-256 of the proof", readonly=True, copy=False)
    note = fields.Text(string="Message", help="What the participant wrote with the proof.")
    state = fields.Selection(
        [("pending", "Pending"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="pending",
        required=True,
        tracking=True,
        copy=False,
        readonly=True,
    )
    refusal_reason = fields.Text(tracking=True)
    submitted_by_id = fields.Many2one(
        "res.users", string="Sent by", readonly=True, default=lambda self: self.env.user
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True, tracking=True)
    decided_at = fields.Datetime(readonly=True)
    amendment_id = fields.Many2one(
        "az.attendance.amendment",
        readonly=True,
        help="The amendment that excused the line of a sealed sheet.",
    )

    def init(self):
        # one pending justification per line, whatever the worker
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS az_attendance_justification_one_pending
                ON az_attendance_justification (line_id) WHERE state = 'pending'
        """)

    @api.depends("partner_id", "session_id")
    def _compute_display_name(self):
        for justification in self:
            justification.display_name = self.env._(
                "Justification of %(name)s, %(session)s",
                name=justification.line_id.partner_name or "",
                session=justification.session_id.name or "",
            )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._clean_file_vals(vals)
            # a justification starts pending; only the decision buttons write its outcome
            for key in _DECISION_FIELDS - {"file_sha256", "mimetype"}:
                vals.pop(key, None)
            vals["submitted_by_id"] = self.env.uid
        justifications = super().create(vals_list)
        for justification in justifications:
            justification._check_line_justifiable()
        justifications.session_id.sudo().message_post(
            body=self.env._(
                "Absence justification received for %(names)s.",
                names=", ".join(justifications.line_id.mapped("partner_name")),
            )
        )
        return justifications

    def write(self, vals):
        if _DECISION_FIELDS & set(vals):
            raise UserError(self.env._("Accept or refuse a justification with its buttons."))
        if {"file", "line_id"} & set(vals) and self.filtered(lambda j: j.state != "pending"):
            raise UserError(self.env._("A decided justification cannot be changed."))
        self._clean_file_vals(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_accepted(self):
        if self.filtered(lambda j: j.state == "accepted"):
            raise UserError(self.env._("An accepted justification cannot be deleted."))

    def _clean_file_vals(self, vals):
        """Check the file by its content and size, as the signatures are, and keep its
        digest."""
        if "file" not in vals:
            return
        raw = vals["file"]
        try:
            raw = base64.b64decode(raw or b"", validate=True)
        except ValueError:
            raise UserError(self.env._("The file is not readable.")) from None
        try:
            clean, mimetype, filename = upload_file.clean_upload(raw, vals.get("filename"))
        except upload_file.UploadError as error:
            raise UserError(self._upload_message(error.code)) from None
        vals.update(
            {
                "file": base64.b64encode(clean),
                "mimetype": mimetype,
                "filename": filename,
                "file_sha256": sealer.image_digest(clean),
            }
        )

    @api.model
    def _upload_message(self, code):
        return {
            upload_file.EMPTY: self.env._("Choose a file to send."),
            upload_file.TOO_BIG: self.env._("The file is too large: send a file of at most 5 MB."),
            upload_file.BAD_TYPE: self.env._("Send a PDF file or a photo (JPEG or PNG)."),
            upload_file.UNREADABLE: self.env._("The file is damaged or not readable."),
        }[code]

    def _check_line_justifiable(self):
        self.ensure_one()
        line = self.line_id
        if line.session_id.state == "cancelled":
            raise ValidationError(self.env._("This session was cancelled."))
        if line.effective_status not in JUSTIFIABLE_STATUSES:
            raise ValidationError(
                self.env._(
                    "%(name)s is marked present on this sheet: there is no absence to justify.",
                    name=line.partner_name,
                )
            )

    # ------------------------------------------------------------------ decisions
    def _check_staff(self):
        if not self.env.user.has_group("az_project_base.group_user"):
            raise AccessError(self.env._("Only staff can decide on a justification."))
        self.check_access("write")
        self.line_id.check_access("write")

    def action_accept(self):
        self._check_staff()
        for justification in self:
            justification._accept()
        return True

    def _accept(self):  # pylint: disable=missing-return  # super().write passes the write guard; nothing to return
        self.ensure_one()
        # one decision at a time per justification, whatever the worker
        if self._lock_rows().state != "pending":
            raise UserError(self.env._("This justification was already decided."))
        line = self.sudo().line_id
        session = line.session_id
        if session.state == "cancelled":
            raise UserError(self.env._("This session was cancelled."))
        vals = {"state": "accepted", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
        reason = self.env._("Absence justification accepted (%(file)s).", file=self.filename or "")
        if session.state == "validated":
            if line.effective_status != "excused":
                amendment = self.env["az.attendance.amendment"].create(
                    {
                        "session_id": session.id,
                        "line_id": line.id,
                        "field_name": "status",
                        "new_status": "excused",
                        "reason": reason,
                        "justification_sha256": self.file_sha256,
                    }
                )
                vals["amendment_id"] = amendment.id
        else:
            if line.status not in JUSTIFIABLE_STATUSES:
                raise UserError(
                    self.env._(
                        "%(name)s is marked present on this sheet: there is no absence to justify.",
                        name=line.partner_name,
                    )
                )
            line.write(
                {
                    "status": "excused",
                    "justification": self.sudo().file,
                    "justification_filename": self.filename,
                }
            )
            session.message_post(
                body=self.env._("%(name)s: %(reason)s", name=line.partner_name, reason=reason)
            )
        super(AzAttendanceJustification, self.sudo()).write(vals)
        self.message_post(body=reason)

    def action_refuse(self):
        self._check_staff()
        for justification in self:
            if not (justification.refusal_reason or "").strip():
                raise UserError(
                    self.env._("Write the reason of the refusal first: the participant reads it.")
                )
            if justification._lock_rows().state != "pending":
                raise UserError(self.env._("This justification was already decided."))
            super(AzAttendanceJustification, justification.sudo()).write(
                {"state": "refused", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
            )
            justification.message_post(
                body=self.env._(
                    "Absence justification refused. Reason: %(reason)s", reason=justification.refusal_reason
                )
            )
        return True
