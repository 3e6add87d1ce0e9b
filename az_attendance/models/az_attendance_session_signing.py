import base64
import hmac
import io
import re
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def is_token(value):
    """Whether ``value`` looks like one of our random URL tokens (before any search)."""
    return isinstance(value, str) and bool(TOKEN_RE.fullmatch(value))


def _new_token(*_args):
    return secrets.token_urlsafe(24)


def qr_data_uri(text):
    """PNG of a QR code for ``text``, as a data URI (for pages, forms and the PDF sheet)."""
    import qrcode  # imported here so that a missing package fails clearly, not at import

    image = qrcode.make(text, box_size=6, border=2)
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()


# Every signing path (kiosk, QR code, personal link, badge) is open from this long before the
# session to this long after it, read from the session's current times.
SIGN_WINDOW = timedelta(hours=2)
# A kiosk without network keeps signatures and sends them later: up to a day after the end.
OFFLINE_GRACE = timedelta(hours=24)


def sign_window(session, offline=False):
    """(opens, closes) of a session's signing, naive UTC, from its current times; (None,
    None) without times. A signature taken offline on the kiosk may arrive up to a day
    after the end."""
    if not (session.start and session.stop):
        return None, None
    return session.start - SIGN_WINDOW, session.stop + (OFFLINE_GRACE if offline else SIGN_WINDOW)


class AzAttendanceSessionSigning(models.AbstractModel):
    """The ways into signing a sheet: when signing is open (the signing window), the
    session's QR code and its token, the kiosk's data, and the personal signing links sent
    to the participants (e-mail here; the SMS addon adds its channel). Each line decides
    whether it may still be signed (``az.attendance.line.signing``)."""

    _name = "az.attendance.session.signing"
    _description = "Signing links of an attendance sheet"

    qr_token = fields.Char(
        copy=False,
        default=_new_token,
        groups="az_project_base.group_user",
        help="Secret of the session's QR code for signing on a phone.",
    )
    qr_image = fields.Char(compute="_compute_qr_image", string="Signing QR code")
    qr_url = fields.Char(compute="_compute_qr_image", string="Signing page")

    _sql_constraints = [
        ("qr_token_unique", "UNIQUE(qr_token)", "Session QR tokens must be unique."),
    ]

    @api.depends("qr_token")
    def _compute_qr_image(self):
        base = self.get_base_url()
        for session in self:
            token = session.sudo().qr_token
            if token and session.id:
                session.qr_url = f"{base}/attendance/qr/{token}"
                session.qr_image = qr_data_uri(session.qr_url)
            else:
                session.qr_url = session.qr_image = False

    def _sign_window_problem(self, at, offline=False):
        """Why nobody can sign this session at ``at`` (naive UTC) given its current times, or
        False: the time part of the line's signing rule, also asked by the QR page before a
        name is chosen."""
        self.ensure_one()
        opens, closes = sign_window(self, offline=offline)
        if opens and opens <= at <= closes:
            return False
        return self.env._(
            "Signing is only possible around the time of the session (%(start)s - %(stop)s).",
            start=self._format_local(self.start),
            stop=self._format_local_time(self.stop),
        )

    def _check_signing_open(self):
        """Refuse, in the words a staff member reads, what needs the sheet open for signing
        (the kiosk, the QR code, the personal links)."""
        for session in self:
            if session.state != "open":
                raise UserError(self.env._("Open the session for signing first."))

    def _get_qr_token_session(self, token):
        """The open session of a signing QR token, or an empty recordset."""
        if not is_token(token):
            return self.browse()
        session = self.sudo().search([("qr_token", "=", token)], limit=1)
        if session and hmac.compare_digest(session.qr_token.encode(), token.encode()):
            return session
        return self.browse()

    def action_kiosk(self):
        self.ensure_one()
        self._check_signing_open()
        # a full-screen page of its own, without the back office's menus
        return {
            "type": "ir.actions.act_url",
            "url": f"/attendance/kiosk/{self.id}",
            "target": "self",
        }

    def action_show_qr(self):
        self.ensure_one()
        self._check_signing_open()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("az_attendance.az_attendance_session_view_form_qr").id, "form")],
            "target": "new",
            "name": self.env._("Scan to sign"),
        }

    def action_regenerate_qr(self):
        for session in self:
            if session.state == "validated":
                raise UserError(self.env._("A validated session has no signing QR code."))
            session.sudo().qr_token = _new_token()
        return True

    def action_send_remote_links(self):
        """Send every personal signing link at once, through each channel of
        :meth:`_send_remote_links` (e-mail here; add-ons add theirs)."""
        self.ensure_one()
        self._check_signing_open()
        messages = self._send_remote_links()
        if not messages:
            raise UserError(self.env._("No participant left to sign has an e-mail address."))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": " ".join(messages), "type": "success"},
        }

    def _remote_link_lines(self):
        """Lines that may still sign (the line's one rule), to send their link to."""
        self.ensure_one()
        return self.line_ids.filtered(lambda ln: ln._can_sign())

    def _send_remote_links(self):
        """Send the personal signing links of an open session; return one message per
        channel that sent something (an empty list when none could). A channel (the SMS
        add-on) extends this method and appends its own message."""
        self.ensure_one()
        lines = self._remote_link_lines().filtered(lambda ln: ln.partner_id.email)
        if not lines:
            return []
        lines._send_remote_link_mail()
        self.message_post(
            body=self.env._("Signing links sent to %(names)s.", names=", ".join(lines.mapped("partner_name")))
        )
        return [self.env._("%(count)s signing link(s) sent.", count=len(lines))]

    def kiosk_data(self):
        """What the kiosk shows: the session and its people. Staff only (record rules)."""
        self.ensure_one()
        self.check_access("read")
        return {
            "id": self.id,
            "name": self.name,
            "open": self.state == "open",
            "when": f"{self._format_local(self.start)} – {self._format_local_time(self.stop)}",
            "site": self.site_id.name or "",
            "lines": [line._kiosk_values() for line in self.line_ids],
        }

    @api.model
    def kiosk_open_sessions(self):
        """Open sessions the current user may run the kiosk for, soonest first."""
        sessions = self.search([("state", "=", "open")], order="start", limit=50)
        return [
            {
                "id": s.id,
                "name": s.name,
                "when": f"{s._format_local(s.start)} – {s._format_local_time(s.stop)}",
            }
            for s in sessions
        ]
