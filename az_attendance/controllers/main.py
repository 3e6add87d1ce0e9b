import hmac
from datetime import datetime, timezone

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from ..tools.tokens import TokenError

def _proof():
    httprequest = request.httprequest
    return httprequest.remote_addr, httprequest.user_agent.string


def _parse_device_time(value):
    """ISO 8601 time sent by a device -> naive UTC datetime, or None."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value[:40].replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def _to_int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


class AttendanceController(http.Controller):

    def _error(self, message, status=400):
        return request.render("az_attendance.public_message", {
            "title": request.env._("Signing not possible"),
            "message": message,
            "kind": "danger",
        }, status=status)

    # ------------------------------------------------------------------ kiosk (staff)
    @http.route("/attendance/kiosk/sign", type="json", auth="user", methods=["POST"])
    def kiosk_sign(self, line_id=None, signature=None, device_time=None, offline=False,
                   **kwargs):
        """Record a signature taken on the kiosk. Staff-authenticated: the staff member must
        be allowed to edit the line (a project of theirs)."""
        line_id = _to_int(line_id)
        if not line_id:
            return {"ok": False, "error": request.env._("Unknown participant.")}
        line = request.env["az.attendance.line"].browse(line_id)
        try:
            line.check_access("write")
            line = line.exists()
            if not line:
                raise MissingError(request.env._("Unknown participant."))
            ip, agent = _proof()
            with request.env.cr.savepoint():
                line._record_signature(signature, "kiosk", ip=ip, user_agent=agent,
                                       device_time=_parse_device_time(device_time),
                                       offline=bool(offline))
        except (AccessError, MissingError, UserError, ValidationError) as error:
            return {"ok": False, "error": str(error.args[0] if error.args else error)}
        return {"ok": True, "line": line._kiosk_values()}

    # ------------------------------------------------------------------ QR (public)
    def _qr_session(self, token):
        session = request.env["az.attendance.session"]._get_qr_token_session(token)
        if not session:
            return None, self._error(request.env._(
                "This QR code is not valid. Ask the trainer for the session's code."), 404)
        if session.state != "open":
            return None, self._error(request.env._(
                "Signing is closed for this session."), 410)
        return session, None

    def _qr_values(self, session, **extra):
        lines = session.line_ids.filtered(
            lambda ln: not ln.signed_at and ln.status not in ("absent", "excused"))
        return {
            "session": session,
            "lines": lines,
            "token": session.qr_token,
            "start": session._format_local(session.start),
            "stop": session._format_local_time(session.stop),
            **extra,
        }

    @http.route("/attendance/qr/<string:token>", type="http", auth="public", website=True,
                methods=["GET"], sitemap=False)
    def qr_page(self, token, **kwargs):
        session, error = self._qr_session(token)
        if error:
            return error
        return request.render("az_attendance.public_qr_sign", self._qr_values(session))

    @http.route("/attendance/qr/<string:token>/sign", type="http", auth="public",
                website=True, methods=["POST"], sitemap=False)
    def qr_sign(self, token, line_id=None, code=None, signature=None, **kwargs):
        session, error = self._qr_session(token)
        if error:
            return error
        line_id = _to_int(line_id)
        line = session.line_ids.filtered(lambda ln: ln.id == line_id) if line_id else None
        if not line:
            return request.render("az_attendance.public_qr_sign", self._qr_values(
                session, error=request.env._("Choose your name in the list.")), status=400)
        attempts = request.env["az.attendance.sign.attempt"].sudo()
        if attempts._is_blocked(line.id):
            return self._error(request.env._(
                "Too many wrong codes. Wait a quarter of an hour or ask the trainer."), 429)
        code = code if isinstance(code, str) else ""
        expected = line.sudo().sign_code or ""
        if not (code.strip() and hmac.compare_digest(code.strip().encode(), expected.encode())):
            attempts._record_failure(line.id)
            return request.render("az_attendance.public_qr_sign", self._qr_values(
                session, error=request.env._("This code does not match your name."),
                selected=line.id), status=403)
        return self._sign(line, signature, "qr", lambda message: request.render(
            "az_attendance.public_qr_sign", self._qr_values(
                session, error=message, selected=line.id), status=400))

    def _sign(self, line, signature, method, on_error):
        ip, agent = _proof()
        try:
            with request.env.cr.savepoint():
                line.sudo()._record_signature(signature, method, ip=ip, user_agent=agent)
        except (UserError, ValidationError) as error:
            return on_error(str(error.args[0] if error.args else error))
        return request.render("az_attendance.public_message", {
            "title": request.env._("Thank you"),
            "message": request.env._("%(name)s, your signature is recorded for '%(session)s'.",
                                     name=line._public_name(), session=line.session_id.name),
            "kind": "success",
        })

    # ------------------------------------------------------------------ remote link
    def _remote_line(self, token):
        try:
            line = request.env["az.attendance.line"]._get_line_from_token(token)
        except TokenError as error:
            if str(error) in ("expired", "not yet"):
                return None, self._error(request.env._(
                    "This signing link is only valid around the time of the session."), 410)
            return None, self._error(request.env._("This signing link is not valid."), 403)
        if line.session_id.state != "open":
            return None, self._error(request.env._("Signing is closed for this session."), 410)
        if line.signed_at:
            return None, self._error(request.env._(
                "This link has already been used: your signature is recorded."), 410)
        if line.status in ("absent", "excused"):
            return None, self._error(request.env._(
                "You are marked absent for this session."), 410)
        return line, None

    def _remote_values(self, line, token, **extra):
        session = line.session_id
        return {"line": line, "session": session, "token": token,
                "start": session._format_local(session.start),
                "stop": session._format_local_time(session.stop), **extra}

    @http.route("/attendance/sign/<string:token>", type="http", auth="public", website=True,
                methods=["GET"], sitemap=False)
    def remote_page(self, token, **kwargs):
        line, error = self._remote_line(token)
        if error:
            return error
        return request.render("az_attendance.public_remote_sign",
                              self._remote_values(line, token))

    @http.route("/attendance/sign/<string:token>", type="http", auth="public", website=True,
                methods=["POST"], sitemap=False)
    def remote_sign(self, token, signature=None, **kwargs):
        line, error = self._remote_line(token)
        if error:
            return error
        return self._sign(line, signature, "remote", lambda message: request.render(
            "az_attendance.public_remote_sign",
            self._remote_values(line, token, error=message), status=400))

    # ------------------------------------------------------------------ printed badge (staff)
    def _badge_partner(self, token):
        """The person of a badge scanned at the kiosk, or an error page. Only staff (the
        kiosk tablet is logged in as a staff member) may use badges."""
        if not request.env.user.has_group("az_project_base.group_user"):
            return None, self._error(request.env._(
                "Only staff can record a presence with a badge."), 403)
        try:
            partner = request.env["res.partner"]._az_partner_from_badge(token)
        except TokenError:
            return None, self._error(request.env._(
                "This badge is not valid (it may have been renewed)."), 403)
        return partner, None

    def _badge_lines(self, partner):
        """Lines of the person, on sessions open today, not signed yet, that the staff member
        may record (access rules of the staff member apply)."""
        today = fields.Date.context_today(request.env.user)
        lines = request.env["az.attendance.line"].search([
            ("partner_id", "=", partner.id),
            ("session_id.state", "=", "open"),
            ("session_date", "=", today),
            ("signed_at", "=", False),
            ("status", "not in", ("absent", "excused")),
        ])
        return lines._filtered_access("write")

    def _badge_values(self, partner, token, **extra):
        lines = self._badge_lines(partner)
        return {
            "partner": partner,
            "token": token,
            "lines": lines,
            **extra,
        }

    @http.route("/attendance/badge/<string:token>", type="http", auth="user", website=True,
                methods=["GET"], sitemap=False)
    def badge_page(self, token, **kwargs):
        partner, error = self._badge_partner(token)
        if error:
            return error
        return request.render("az_attendance.public_badge_sign",
                              self._badge_values(partner, token))

    @http.route("/attendance/badge/<string:token>", type="http", auth="user", website=True,
                methods=["POST"], sitemap=False)
    def badge_sign(self, token, line_id=None, **kwargs):
        partner, error = self._badge_partner(token)
        if error:
            return error
        line_id = _to_int(line_id)
        line = self._badge_lines(partner).filtered(lambda ln: ln.id == line_id) \
            if line_id else None
        if not line:
            return request.render("az_attendance.public_badge_sign", self._badge_values(
                partner, token, error=request.env._("Choose a session in the list.")),
                status=400)
        ip, agent = _proof()
        try:
            line.check_access("write")
            with request.env.cr.savepoint():
                line._record_signature(None, "badge", ip=ip, user_agent=agent,
                                       witness_name=request.env.user.name)
        except (AccessError, UserError, ValidationError) as error:
            return request.render("az_attendance.public_badge_sign", self._badge_values(
                partner, token, error=str(error.args[0] if error.args else error)),
                status=400)
        return request.render("az_attendance.public_message", {
            "title": request.env._("Presence recorded"),
            "message": request.env._(
                "%(name)s is recorded present at '%(session)s' (badge scanned by %(user)s).",
                name=line.partner_name, session=line.session_id.name,
                user=request.env.user.name),
            "kind": "success",
        })
