import base64
import functools
import secrets
from datetime import UTC

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import hmac

from ..tools import seal as sealer
from ..tools import signature_image, tokens
from .az_attendance_session import is_internal, sign_window

STATUSES = [
    ("expected", "Expected"),
    ("present", "Present"),
    ("late", "Late"),
    ("absent", "Absent"),
    ("excused", "Excused"),
]
SIGN_METHODS = [
    ("kiosk", "Kiosk"),
    ("qr", "QR code"),
    ("remote", "Remote link"),
    ("on_behalf", "On behalf"),
    ("paper", "Paper sheet"),
    ("badge", "Printed badge"),
]
# Methods that prove the presence without a drawn signature: the attached paper sheet, or
# a staff member scanning the person's printed badge (the staff member is the witness).
IMAGELESS_METHODS = {"paper", "badge"}
# Fields the GDPR purge may clear on a sealed line (the digests stay).
_PURGE_FIELDS = {"signature", "justification", "signature_purged"}
# Proof of a signature: written by the signing and sealing code only, never by a client.
_PROOF_FIELDS = {
    "signature",
    "signature_sha256",
    "signature_purged",
    "signed_at",
    "sign_method",
    "sign_ip",
    "sign_user_agent",
    "sign_user_id",
    "device_time",
    "device_time_skewed",
    "offline",
    "witness_name",
    "on_behalf_reason",
    "hash",
    "previous_hash",
    "justification_sha256",
}
# Rows of the PDF sheet on its first page (under the organisation and the session's details)
# and on the next ones, measured on A4 and US Letter with a margin for rows of two lines.
REPORT_ROWS_FIRST_PAGE = 11
REPORT_ROWS_OTHER_PAGES = 17


def _epoch(value):
    """Unix seconds of a naive UTC datetime."""
    return int(value.replace(tzinfo=UTC).timestamp())


def request_proof():
    """IP address and user agent of the current HTTP request, if any."""
    if not request:
        return None, None
    return request.httprequest.remote_addr, request.httprequest.user_agent.string


def _new_code(*_args):
    return f"{secrets.randbelow(1000000):06d}"


class AzAttendanceLine(models.Model):
    """One participant on an attendance sheet, with their signature and its proof."""

    _name = "az.attendance.line"
    _inherit = ["az.attendance.sealed.mixin"]
    _description = "Attendance line"
    _order = "session_id, partner_name, id"
    _check_company_auto = True

    session_id = fields.Many2one("az.attendance.session", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    project_id = fields.Many2one(related="session_id.project_id", store=True, index=True)
    session_state = fields.Selection(related="session_id.state", string="Session status")
    session_date = fields.Date(related="session_id.date", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Participant", required=True, index=True, ondelete="restrict"
    )
    partner_name = fields.Char(
        string="Name",
        compute="_compute_partner_name",
        store=True,
        readonly=False,
        precompute=True,
        help="The name as it appears on the sheet (kept as signed).",
    )
    status = fields.Selection(STATUSES, default="expected", required=True)
    arrived_at = fields.Datetime(string="Arrived at", help="For a late arrival: when the person arrived.")
    left_at = fields.Datetime(string="Left at", help="For an early departure.")
    justification = fields.Binary(
        attachment=True, copy=False, help="Proof of an excused absence (medical note, summons)."
    )
    justification_filename = fields.Char()
    justification_sha256 = fields.Char(copy=False, readonly=True)
    hours_attended = fields.Float(compute="_compute_hours_attended", store=True, digits=(16, 2))
    signature = fields.Binary(attachment=True, copy=False)
    signature_sha256 = fields.Char(copy=False, readonly=True)
    signature_purged = fields.Boolean(copy=False, readonly=True)
    signed_at = fields.Datetime(copy=False, readonly=True, help="Server time, in UTC.")
    sign_method = fields.Selection(SIGN_METHODS, copy=False, readonly=True)
    sign_ip = fields.Char(string="IP address", copy=False, readonly=True)
    sign_user_agent = fields.Char(string="Device", copy=False, readonly=True)
    sign_user_id = fields.Many2one("res.users", string="Recorded by", copy=False, readonly=True)
    device_time = fields.Datetime(
        copy=False, readonly=True, help="Time on the signing device, when it differs."
    )
    device_time_skewed = fields.Boolean(
        string="Device clock off",
        copy=False,
        readonly=True,
        help="The device's time was more than a day away from the server's: kept as sent, worth a look.",
    )
    offline = fields.Boolean(
        copy=False, readonly=True, help="Signed while the kiosk had no network; sent later."
    )
    witness_name = fields.Char(copy=False, readonly=True)
    on_behalf_reason = fields.Char(copy=False, readonly=True)
    sign_code = fields.Char(
        string="Signing code",
        default=_new_code,
        copy=False,
        groups="az_project_base.group_user",
        help="Six digits the person types on the QR signing page to prove who they are.",
    )
    hash = fields.Char(copy=False, readonly=True)
    previous_hash = fields.Char(copy=False, readonly=True)
    seal_sequence = fields.Integer(
        string="Position in the seal",
        copy=False,
        readonly=True,
        help="Position of the line in the sheet's seal.",
    )
    amendment_ids = fields.One2many("az.attendance.amendment", "line_id")
    # Stored so that reports (the grant report's query) read them instead of deriving them
    # again in SQL. Not sealed: they follow the amendments, which have their own chain.
    effective_status = fields.Selection(
        STATUSES,
        compute="_compute_effective",
        compute_sudo=True,
        store=True,
        help="Status after amendments.",
    )
    effective_hours = fields.Float(
        compute="_compute_effective",
        compute_sudo=True,
        store=True,
        digits=(16, 2),
        help="Hours attended after amendments.",
    )
    can_sign = fields.Boolean(
        string="Can sign",
        compute="_compute_can_sign",
        help="The person may still sign: the sheet is open, they have not signed and are not "
        "marked absent or excused.",
    )

    _sql_constraints = [
        ("partner_unique", "UNIQUE(session_id, partner_id)", "A person appears only once on a sheet."),
    ]

    # ------------------------------------------------------------------ computes
    @api.depends("partner_name", "session_id.name")
    def _compute_display_name(self):
        # people read a name and a session, never "az.attendance.line,430"
        for line in self:
            line.display_name = self.env._(
                "%(name)s, %(session)s", name=line.partner_name or "", session=line.session_id.name or ""
            )

    @api.depends("partner_id")
    def _compute_partner_name(self):
        for line in self:
            if not line.signed_at:
                line.partner_name = line.partner_id.name

    @api.depends("status", "arrived_at", "left_at", "session_id.start", "session_id.stop")
    def _compute_hours_attended(self):
        for line in self:
            line.hours_attended = line._hours_for(line.status)

    def _hours_for(self, status):
        session = self.session_id
        if status not in ("present", "late") or not (session.start and session.stop):
            return 0.0
        start = max(session.start, self.arrived_at or session.start)
        stop = min(session.stop, self.left_at or session.stop)
        return max((stop - start).total_seconds() / 3600.0, 0.0)

    @api.depends(
        "status",
        "hours_attended",
        "arrived_at",
        "left_at",
        "session_id.start",
        "session_id.stop",
        "amendment_ids.field_name",
        "amendment_ids.new_value",
    )
    def _compute_effective(self):
        for line in self:
            line.effective_status, line.effective_hours = line._effective_values()

    @api.depends("session_id.state", "signed_at", "status")
    def _compute_can_sign(self):
        for line in self:
            line.can_sign = line._can_sign()

    def _effective_values(self, exclude=None):
        """(status, hours) once the recorded amendments are applied, in their order."""
        self.ensure_one()
        status, hours = self.status, self.hours_attended
        for amendment in self.amendment_ids.sorted("id"):
            if amendment == exclude or not amendment.new_value:
                continue
            if amendment.field_name == "status":
                status = amendment.new_value
                hours = self._hours_for(status)
            elif amendment.field_name == "hours_attended":
                hours = float(amendment.new_value)
        return status, hours

    def _quantity_values(self):
        """What the funding rules of ``tools/quantities.py`` read of each line, amendments
        applied."""
        values = []
        for line in self:
            status, hours = line._effective_values()
            values.append(
                {
                    "line_id": line.id,
                    "session_id": line.session_id.id,
                    "partner_id": line.partner_id.id,
                    "status": status,
                    "hours": hours,
                    "session_hours": line.session_id.duration,
                }
            )
        return values

    # ------------------------------------------------------------------ constraints
    @api.constrains("status", "arrived_at", "left_at")
    def _check_times(self):
        for line in self:
            session = line.session_id
            for value in (line.arrived_at, line.left_at):
                if value and session.start and session.stop and not (session.start <= value <= session.stop):
                    raise ValidationError(
                        self.env._(
                            "Arrival and departure times of %(name)s must fall within the session.",
                            name=line.partner_name,
                        )
                    )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        sessions = self.env["az.attendance.session"].browse(
            {vals.get("session_id") for vals in vals_list if vals.get("session_id")}
        )
        if sessions.filtered(lambda s: s.state in ("validated", "cancelled")):
            raise UserError(self.env._("Lines cannot be added to a validated or cancelled sheet."))
        for vals in vals_list:
            self._check_proof_fields(vals)
        lines = super().create(vals_list)
        lines.filtered("justification")._stamp_digests()
        return lines

    def write(self, vals):
        self._check_writable(vals)
        self._check_proof_fields(vals)
        result = super().write(vals)
        if "justification" in vals and not self.env["az.attendance.session"]._is_purge():
            self._stamp_digests()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sealed_or_signed(self):
        for line in self:
            if line.session_id.state == "validated" or line.hash:
                raise UserError(
                    self.env._(
                        "The sheet '%(name)s' is validated and sealed: its lines cannot be deleted.",
                        name=line.session_id.name,
                    )
                )
            if line.signed_at:
                raise UserError(
                    self.env._(
                        "%(name)s has signed: a signed line cannot be deleted; mark the person "
                        "absent instead.",
                        name=line.partner_name,
                    )
                )

    def _check_writable(self, vals):
        if self.filtered("signed_at") and ({"partner_id", "partner_name"} & set(vals)):
            if not self.filtered(lambda ln: ln._is_seal_locked()):
                raise UserError(self.env._("The person of a signed line cannot be changed."))
        self._check_seal_lock(vals)

    def _is_seal_locked(self):
        self.ensure_one()
        return self.session_id.state == "validated" or bool(self.hash)

    def _seal_locked_message(self):
        self.ensure_one()
        return self.env._(
            "The sheet '%(name)s' is validated and sealed: its lines can no longer be changed. "
            "Record a correction as an amendment.",
            name=self.session_id.name,
        )

    def _get_seal_purgeable_fields(self):
        return set(_PURGE_FIELDS)

    def _get_seal_guarded_extra_fields(self):
        """Besides the sealed fields: the proof, the files whose digests are sealed, the chain."""
        return set(_PROOF_FIELDS) | {
            "signature",
            "justification",
            "hash",
            "previous_hash",
            "seal_sequence",
            "session_id",
        }

    def _check_proof_fields(self, vals):
        if is_internal(self.env) or self.env["az.attendance.session"]._is_purge():
            return
        if _PROOF_FIELDS & set(vals):
            raise UserError(
                self.env._(
                    "Signatures are recorded through a signing method only (kiosk, QR code, "
                    "personal link, on behalf, paper, badge)."
                )
            )

    def _stamp_digests(self):  # pylint: disable=missing-return  # super().write passes the write guard; nothing to return
        Session = self.env["az.attendance.session"]
        for line in self:
            super(AzAttendanceLine, line).write(
                {
                    "justification_sha256": Session._binary_sha256("justification", line) or False,
                }
            )

    # ------------------------------------------------------------------ seal
    def _get_seal_fields(self, version=None):
        """Fields of a line that the seal of ``version`` covers: the person as printed and
        what proves their presence. Images count through their SHA-256, so that the purge can
        clear them (the purge is recorded in the company ledger). The order of the lines is
        sealed by the sheet's list of sealed lines and by the chain. Version 1 is the frozen
        list of :meth:`_seal_values_v1`."""
        version = version or sealer.SEAL_VERSION
        if version < 2:
            raise NotImplementedError(f"No seal of version {version}")
        fields_v2 = [
            "session_id",
            "company_id",
            "project_id",
            "session_date",
            "partner_id",
            "partner_name",
            "status",
            "arrived_at",
            "left_at",
            "hours_attended",
            "signature_sha256",
            "signed_at",
            "sign_method",
            "sign_ip",
            "sign_user_agent",
            "sign_user_id",
            "device_time",
            "offline",
            "witness_name",
            "on_behalf_reason",
            "justification_sha256",
        ]
        if version == 2:
            return fields_v2
        # version 3: the flag of a device clock more than a day off, printed on the sheet
        return fields_v2 + ["device_time_skewed"]

    def _seal_values_v1(self):
        """Canonical text of a line sealed under version 1 (kept unchanged so that those
        sheets keep verifying)."""
        self.ensure_one()

        def dt(value):
            return fields.Datetime.to_string(value) if value else None

        return sealer.canonical(
            {
                "line_id": self.id,
                "session_id": self.session_id.id,
                "partner_id": self.partner_id.id,
                "partner_name": self.partner_name or "",
                "status": self.status,
                "arrived_at": dt(self.arrived_at),
                "left_at": dt(self.left_at),
                "hours_attended": f"{self.hours_attended:.2f}",
                "justification_sha256": self.justification_sha256 or "",
                "signature_sha256": self.signature_sha256 or "",
                "signed_at": dt(self.signed_at),
                "sign_method": self.sign_method or None,
                "sign_ip": self.sign_ip or None,
                "sign_user_agent": self.sign_user_agent or None,
                "sign_user_id": self.sign_user_id.id or None,
                "device_time": dt(self.device_time),
                "offline": bool(self.offline),
                "witness_name": self.witness_name or None,
                "on_behalf_reason": self.on_behalf_reason or None,
            }
        )

    # ------------------------------------------------------------------ signing
    def _get_checklist_problem(self):
        """Why this line keeps the sheet from being validated, or False."""
        self.ensure_one()
        if self.status == "excused":
            return False if self.justification else self.env._("excused without justification")
        if self.status == "absent":
            return False
        if self.signed_at:
            return False
        if self.status == "expected":
            return self.env._("neither signed nor marked absent or excused")
        return self.env._("marked present but not signed")

    @api.model
    def _decode_signature(self, data, strokes=None):
        """PNG bytes of a drawn signature sent as a data URI or base64 text, or UserError.

        The image is decoded with Pillow (``tools/signature_image.py``): only a PNG of bounded
        size with enough ink is accepted, and what is stored is the decoded picture saved
        again, so that nothing hidden after or inside the file is ever kept. The signing
        pages also send the strokes of the drawing (``strokes``): the ink must lie along
        them, so that a typed name or an uploaded picture is refused."""
        try:
            return signature_image.clean_signature(signature_image.decode_text(data), strokes)
        except signature_image.SignatureImageError as error:
            messages = {
                signature_image.MISSING: self.env._("The signature is missing."),
                signature_image.NOT_PNG: self.env._("The signature must be a PNG image."),
                signature_image.UNREADABLE: self.env._("The signature image is not readable."),
                signature_image.TOO_BIG: self.env._("The signature image is too large."),
                signature_image.TOO_SMALL: self.env._("The signature image is too small."),
                signature_image.BLANK: self.env._(
                    "The signature is empty or too light. Please sign again in the box."
                ),
                signature_image.NOT_DRAWN: self.env._(
                    "The signature must be drawn in the box with a finger, a stylus or the "
                    "mouse. Please sign again."
                ),
            }
            raise UserError(messages[error.code]) from None

    def _get_sign_window(self, offline=False):
        """(opens, closes): when the line may be signed, read from the session as it is now."""
        self.ensure_one()
        return sign_window(self.session_id, offline=offline)

    def _sign_refusal(self, at=None, offline=False):
        """(reason, message) saying why this line cannot be signed, or (False, False): the one
        rule of every signing path (kiosk, QR code, personal link, badge, on behalf, paper,
        e-mail and SMS links). ``reason`` is one of ``closed``, ``signed``, ``absent``,
        ``window``, for the pages that word the refusal for the person.

        ``at`` (naive UTC, usually now) also checks the session's current times: a link or a
        page opened before the session was moved does not sign after the move."""
        self.ensure_one()
        # signed first: a person opening their link after the sheet was closed is told their
        # signature is recorded, not that signing is closed
        if self.signed_at:
            return "signed", self.env._("%(name)s has already signed this sheet.", name=self.partner_name)
        if self.session_id.state != "open":
            return "closed", self.env._("This sheet is not open for signing.")
        if self.status in ("absent", "excused"):
            return "absent", self.env._("%(name)s is marked absent on this sheet.", name=self.partner_name)
        if at:
            problem = self.session_id._sign_window_problem(at, offline=offline)
            if problem:
                return "window", problem
        return False, False

    def _sign_problem(self, at=None, offline=False):
        """Why this line cannot be signed (see :meth:`_sign_refusal`), or False."""
        return self._sign_refusal(at, offline)[1]

    def _can_sign(self, at=None):
        self.ensure_one()
        return not self._sign_problem(at)

    def _check_can_sign(self, at=None, offline=False):
        problem = self._sign_problem(at, offline)
        if problem:
            raise UserError(problem)

    def _record_signature(
        self,
        signature,
        method,
        ip=None,
        user_agent=None,
        device_time=None,
        offline=False,
        witness_name=None,
        reason=None,
        at=None,
        device_time_skewed=False,
        strokes=None,
    ):
        """Store a signature with its proof. The caller has checked who is signing; the
        signing routes pass ``at`` (now) so that the session's current times apply."""
        self.ensure_one()
        self._check_can_sign(at=at, offline=offline)
        raw = self._decode_signature(signature, strokes) if method not in IMAGELESS_METHODS else b""
        if method == "on_behalf" and not ((witness_name or "").strip() and (reason or "").strip()):
            raise UserError(self.env._("Signing on behalf of someone needs a witness and a reason."))
        if method == "badge" and (self.env.user._is_public() or not (witness_name or "").strip()):
            raise UserError(
                self.env._(
                    "A presence recorded with a badge needs the staff member who scanned it as witness."
                )
            )
        # lock the row: two devices signing the same line at once record one signature only
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT signed_at FROM az_attendance_line WHERE id = %s FOR UPDATE NOWAIT", [self.id]
                )
                row = self.env.cr.fetchone()
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._("%(name)s is signing on another device.", name=self.partner_name)
            ) from None
        if row and row[0]:
            raise UserError(self.env._("%(name)s has already signed this sheet.", name=self.partner_name))
        vals = {
            "signed_at": fields.Datetime.now(),
            "sign_method": method,
            "sign_ip": (ip or "")[:64] or False,
            "sign_user_agent": (user_agent or "")[:256] or False,
            "sign_user_id": self.env.uid if not self.env.user._is_public() else False,
            "device_time": device_time or False,
            "device_time_skewed": bool(device_time and device_time_skewed),
            "offline": bool(offline),
            "witness_name": (witness_name or "").strip()[:128] or False,
            "on_behalf_reason": (reason or "").strip()[:256] or False,
            "signature_sha256": sealer.image_digest(raw),
        }
        if raw:
            vals["signature"] = base64.b64encode(raw)
        if self.status == "expected":
            vals["status"] = "present"
        self._internal().write(vals)
        return True

    # ------------------------------------------------------------------ remote link
    def _get_remote_token(self):
        self.ensure_one()
        _opens, closes = self._get_sign_window()
        if not closes:
            raise UserError(self.env._("Set the session's times first."))
        return tokens.make_token(self._token_signer(), self.id, self.session_id.id, _epoch(closes))

    def _token_signer(self):
        """Odoo's HMAC keyed by the database secret, as ``tools/tokens.py`` calls it."""
        return functools.partial(hmac, self.env(su=True))

    def _get_remote_sign_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/attendance/sign/{self._get_remote_token()}"

    @api.model
    def _get_line_from_token(self, token):
        """Return the line of a genuine, unexpired personal signing token, or raise
        tokens.TokenError."""
        now = _epoch(fields.Datetime.now())
        line_id, session_id, _expiry = tokens.check_token(self._token_signer(), token, now=now)
        line = self.sudo().browse(line_id).exists()
        if not line or line.session_id.id != session_id:
            raise tokens.TokenError("unknown")
        # the token's expiry was the session's end when it was issued: the session as it is
        # now decides too (a session moved earlier closes its old links)
        opens, closes = line._get_sign_window()
        now = fields.Datetime.now()
        if not opens or now < opens:
            raise tokens.TokenError("not yet")
        if now > closes:
            raise tokens.TokenError("expired")
        return line

    def action_sign_on_behalf(self):
        self.ensure_one()
        self._check_can_sign()
        return {
            "type": "ir.actions.act_window",
            "res_model": "az.attendance.sign.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Sign on behalf of %(name)s", name=self.partner_name),
            "context": {"default_line_id": self.id},
        }

    def action_show_sign_code(self):
        """Show the person's signing code on demand (never in a list), to tell it to them."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Signing code of %(name)s", name=self.partner_name),
                "message": self.sudo().sign_code or "",
                "type": "info",
                "sticky": False,
            },
        }

    def action_sign_on_paper(self):
        """Reconcile the line with the attached scan of the paper sheet: the person signed on
        paper; the staff member who checked the scan is recorded, with the time."""
        for line in self:
            line.check_access("write")
            if not line.session_id.paper_sheet:
                raise UserError(self.env._("Attach the scan of the paper sheet to the session first."))
            ip, agent = request_proof()
            line._record_signature(None, "paper", ip=ip, user_agent=agent)
        return True

    def action_send_remote_link(self):
        self.ensure_one()
        self._check_can_sign()
        if not self.partner_id.email:
            raise UserError(self.env._("%(name)s has no e-mail address.", name=self.partner_name))
        self._send_remote_link_mail()
        return True

    def _send_remote_link_mail(self):
        """E-mail each line's personal signing link. The message is the template alone: no
        back-office header (record name, 'View' button) or footer around it."""
        template = self.env.ref("az_attendance.mail_template_remote_sign")
        for line in self:
            template.send_mail(line.id)

    def _session_label(self):
        """'Session, date start - end' in the session's timezone, for people."""
        self.ensure_one()
        session = self.session_id
        return self.env._(
            "%(session)s, %(start)s - %(stop)s",
            session=session.name,
            start=session._format_local(session.start),
            stop=session._format_local_time(session.stop),
        )

    def _report_pages(self, first=REPORT_ROWS_FIRST_PAGE, other=REPORT_ROWS_OTHER_PAGES):
        """The lines in pages of the PDF sheet: the renderer repeats no table head and cannot
        number pages, so the sheet cuts its table itself and heads each page."""
        pages = [self[:first]]
        pages += [self[start : start + other] for start in range(first, len(self), other)]
        return [page for page in pages if page] or [self]

    def _public_name(self):
        """First name and initial of the last name: enough to pick oneself on a shared page
        without listing everyone's full name."""
        self.ensure_one()
        parts = (self.partner_name or "").split()
        if len(parts) < 2:
            return self.partner_name or ""
        return f"{' '.join(parts[:-1])} {parts[-1][0]}."

    def _kiosk_values(self):
        self.ensure_one()
        statuses = dict(self._fields["status"]._description_selection(self.env))
        return {
            "id": self.id,
            "name": self.partner_name,
            "signed": bool(self.signed_at),
            "signed_time": self.session_id._format_local_time(self.signed_at),
            "status": self.status,
            "status_label": statuses[self.status],
            "can_sign": self._can_sign(fields.Datetime.now()),
        }
