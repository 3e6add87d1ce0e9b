import base64
import functools
import secrets
from datetime import UTC

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import hmac

from ..tools import seal as sealer
from ..tools import signature_image, tokens
from .az_attendance_session_signing import sign_window

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


class AzAttendanceLineSigning(models.AbstractModel):
    """How a line gets signed: the signature and its proof (method, time, device, witness),
    the one rule saying whether the line may still be signed (``_sign_refusal``), the
    recording of a signature under the line's lock, the person's signing code and personal
    signing link, and what the kiosk shows of the line. The sheet's side of signing (QR
    code, kiosk, sending the links) is ``az.attendance.session.signing``."""

    _name = "az.attendance.line.signing"
    _inherit = ["az.row.lock.mixin"]
    _description = "Signing of an attendance line"

    signature = fields.Binary(attachment=True, copy=False)
    signature_sha256 = fields.Char(copy=False, readonly=True)
    signature_purged = fields.Boolean(copy=False, readonly=True)
    signed_at = fields.Datetime(copy=False, readonly=True, help="Server time, in UTC.")
    sign_method = fields.Selection(SIGN_METHODS, copy=False, readonly=True)
    sign_ip = fields.Char(string="IP address", copy=False, readonly=True)
    sign_user_agent = fields.Char(string="Device", copy=False, readonly=True)
    # what seals of version 4 and later hold of the two personal values above
    sign_ip_sha256 = fields.Char(
        string="IP address digest", compute="_compute_sign_digests", store=True, copy=False
    )
    sign_user_agent_sha256 = fields.Char(
        string="Device digest", compute="_compute_sign_digests", store=True, copy=False
    )
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
    can_sign = fields.Boolean(
        string="Can sign",
        compute="_compute_can_sign",
        help="The person may still sign: the sheet is open, they have not signed and are not "
        "marked absent or excused.",
    )

    @api.depends("sign_ip", "sign_user_agent")
    def _compute_sign_digests(self):
        for line in self:
            line.sign_ip_sha256 = sealer.image_digest(line.sign_ip) or False
            line.sign_user_agent_sha256 = sealer.image_digest(line.sign_user_agent) or False

    @api.depends("session_id.state", "signed_at", "status")
    def _compute_can_sign(self):
        for line in self:
            line.can_sign = line._can_sign()

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
        qr_step=None,
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
                self._lock_rows(nowait=True)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._("%(name)s is signing on another device.", name=self.partner_name)
            ) from None
        if self.signed_at:
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
            # the rotating QR code's time step the signature was taken with (sealed)
            "sign_qr_step": qr_step or False,
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
            "signed_label": self.env._(
                "Signature recorded at %(time)s", time=self.session_id._format_local_time(self.signed_at)
            )
            if self.signed_at
            else "",
            "status": self.status,
            "status_label": statuses[self.status],
            "can_sign": self._can_sign(fields.Datetime.now()),
        }
