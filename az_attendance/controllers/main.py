import hmac
import re
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.az_project_base.controllers.public_input import PublicInputMixin
from odoo.addons.az_project_base.tools import public_input as pi

from ..models.az_attendance_line_signing import request_proof
from ..tools.tokens import TokenError

SIGN_CODE_LENGTH = 6
# A drawing sent back to the page after a refusal (a wrong code) so that it is not lost.
SIGNATURE_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/]+={0,2}")


class AttendanceController(PublicInputMixin, http.Controller):
    def _prepare_proof(self):
        """What a signature keeps of the request that brought it: the address and the
        browser, as every signing path reads them (an addon behind a proxy of its own may
        read them otherwise)."""
        return request_proof()

    def _error(self, message, status=400):
        return request.render(
            "az_attendance.public_message",
            {
                "title": request.env._("Signing not possible"),
                "message": message,
                "kind": "danger",
            },
            status=status,
        )

    def _token_refusal(self, error, outdated, invalid, out_of_time=None):
        """The page of a refused personal token (a signing link, a badge), from the reason
        the token check gave (``tools/tokens.py``): a token of the former format, already
        printed or sent, is gone for good (410, ``outdated``); a genuine token used outside
        its time too (410, ``out_of_time``, for the tokens that have one); any other is not
        valid (403, ``invalid``)."""
        reason = str(error)
        if reason == "outdated":
            return self._error(outdated, 410)
        if out_of_time and reason in ("expired", "not yet"):
            return self._error(out_of_time, 410)
        return self._error(invalid, 403)

    def _signature_input(self, value):
        """The drawing sent by a signing page: one text (a data URI), never a file."""
        if value is None:
            return ""
        if not isinstance(value, str):
            raise pi.InputError(pi.NOT_TEXT, "signature")
        return value

    def _strokes_input(self, value):
        """The strokes of the drawing sent with it (JSON text): required by the signing pages,
        checked against the picture by the line."""
        if value is None:
            return ""
        if not isinstance(value, str):
            raise pi.InputError(pi.NOT_TEXT, "strokes")
        return value

    def _kept_signature(self, value):
        """The drawing to put back on the page after a refusal, when it has the right shape."""
        if isinstance(value, str) and len(value) < 1_000_000 and SIGNATURE_URI.fullmatch(value):
            return value
        return ""

    # ------------------------------------------------------------------ kiosk (staff)
    @http.route(
        ["/attendance/kiosk", "/attendance/kiosk/<string:session_id>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def kiosk_page(self, session_id=None, **kwargs):
        """The kiosk: a full-screen page of its own, bound to one open session (or choosing
        among the user's open sessions). Staff only."""
        user = request.env.user
        if not user.has_group("az_project_base.group_user"):
            return self._error(request.env._("Only staff can open the kiosk."), 403)
        session = request.env["az.attendance.session"]
        if session_id is not None:
            try:
                session = session.browse(pi.parse_id(session_id, "session_id")).exists()
                if session:
                    session.check_access("read")
            except pi.InputError:
                session = None
            except AccessError:
                session = None
            if not session:
                return self._error(request.env._("This session cannot be found."), 404)
            try:
                session._check_signing_open()
            except UserError as error:
                return self._error(error.args[0], 409)
        return request.render("az_attendance.kiosk_page", self._prepare_kiosk_values(session))

    def _prepare_kiosk_values(self, session):
        user = request.env.user
        return {
            "kiosk_info": {
                "session_id": session.id or False,
                "user_name": user.name,
                "lang": (user.lang or "en_US").replace("_", "-"),
            },
            "session_info": request.env["ir.http"].session_info(),
        }

    @http.route("/attendance/kiosk/unlock", type="json", auth="user", methods=["POST"])
    def kiosk_unlock(self, password=None, session_id=None, **kwargs):
        """Leave the kiosk: the staff member logged in on the tablet types their password
        (failures slow down as for a login)."""
        if not isinstance(password, str) or not password or len(password) > 1024:
            return {"ok": False, "error": request.env._("Type your password.")}
        outcome = (
            request.env["az.attendance.unlock.attempt"].sudo()._check_password(request.env.user, password)
        )
        if outcome == "cooldown":
            return {
                "ok": False,
                "error": request.env._("Too many wrong passwords: wait a minute, then type it again."),
            }
        if outcome != "ok":
            return {"ok": False, "error": request.env._("This password is not right.")}
        try:
            session_id = pi.parse_id(session_id, "session_id")
        except pi.InputError:
            session_id = None
        url = (
            f"/odoo/action-az_attendance.az_attendance_session_action/{session_id}"
            if session_id
            else "/odoo/action-az_attendance.az_attendance_session_action"
        )
        return {"ok": True, "url": url}

    @http.route("/attendance/kiosk/sign", type="json", auth="user", methods=["POST"])
    def kiosk_sign(
        self, line_id=None, signature=None, device_time=None, offline=False, strokes=None, **kwargs
    ):
        """Record a signature taken on the kiosk, live or sent later by a kiosk that had no
        network (``offline``). Staff-authenticated: the staff member must be allowed to edit
        the line (a project of theirs). Refusals answer ``ok: false`` and write nothing."""
        now = fields.Datetime.now()
        try:
            line_id = pi.parse_id(line_id, "line_id")
            signature = self._signature_input(signature)
            strokes = self._strokes_input(strokes)
            device_time, skewed = pi.parse_device_time(device_time, now, field="device_time")
            if not isinstance(offline, bool):
                raise pi.InputError(pi.NOT_TEXT, "offline")
        except pi.InputError as error:
            return {"ok": False, "error": self._input_error_message(error)}
        line = request.env["az.attendance.line"].browse(line_id)
        try:
            line = line.exists()
            if not line:
                raise MissingError(request.env._("Unknown participant."))
            line.check_access("write")
            ip, agent = self._prepare_proof()
            with request.env.cr.savepoint():
                line._record_signature(
                    signature,
                    "kiosk",
                    ip=ip,
                    user_agent=agent,
                    device_time=device_time,
                    device_time_skewed=skewed,
                    offline=offline,
                    at=now,
                    strokes=strokes,
                )
        except (AccessError, MissingError, UserError, ValidationError) as error:
            return {"ok": False, "error": str(error.args[0] if error.args else error)}
        return {"ok": True, "line": line._kiosk_values()}

    # ------------------------------------------------------------------ QR (public)
    def _qr_session(self, token):
        session = request.env["az.attendance.session"]._get_qr_token_session(token)
        if not session:
            return None, self._error(
                request.env._("This QR code is not valid. Ask the trainer for the session's code."), 404
            )
        if session.state != "open":
            return None, self._error(request.env._("Signing is closed for this session."), 410)
        # the session as it is now: a QR code shown before the session moved does not sign
        problem = session._sign_window_problem(fields.Datetime.now())
        if problem:
            return None, self._error(problem, 410)
        return session, None

    def _qr_values(self, session, **extra):
        now = fields.Datetime.now()
        lines = session.line_ids.filtered(lambda ln: ln._can_sign(now))
        return {
            "session": session,
            "lines": lines,
            "token": session.qr_token,
            "start": session._format_local(session.start),
            "stop": session._format_local_time(session.stop),
            **extra,
        }

    @http.route(
        "/attendance/qr/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def qr_page(self, token, **kwargs):
        session, error = self._qr_session(token)
        if error:
            return error
        return request.render("az_attendance.public_qr_sign", self._qr_values(session))

    @http.route(
        "/attendance/qr/<string:token>/sign",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def qr_sign(self, token, line_id=None, code=None, signature=None, strokes=None, **kwargs):
        session, error = self._qr_session(token)
        if error:
            return error
        kept = self._kept_signature(signature)
        kept_strokes = strokes if kept and isinstance(strokes, str) and len(strokes) < 200_000 else ""

        def page(message, status, **extra):
            return request.render(
                "az_attendance.public_qr_sign",
                self._qr_values(session, error=message, signature=kept, strokes=kept_strokes, **extra),
                status=status,
            )

        try:
            line_id = pi.parse_id(line_id, "line_id")
        except pi.InputError:
            return page(request.env._("Choose your name in the list."), 400)
        line = session.line_ids.filtered(lambda ln: ln.id == line_id)
        if not line:
            return page(request.env._("Choose your name in the list."), 400)
        try:
            code = pi.parse_code(code, SIGN_CODE_LENGTH, "code")
            signature = self._signature_input(signature)
            strokes = self._strokes_input(strokes)
        except pi.InputError as error:
            return page(self._input_error_message(error), 400, selected=line.id)
        attempts = request.env["az.attendance.sign.attempt"].sudo()
        # the try is counted before the code is compared, under the counter row's lock
        if not attempts._reserve(line.id):
            return self._error(
                request.env._("Too many wrong codes. Wait a quarter of an hour or ask the trainer."), 429
            )
        expected = line.sudo().sign_code or ""
        if not (expected and hmac.compare_digest(code.encode(), expected.encode())):
            return page(request.env._("This code does not match your name."), 403, selected=line.id)
        attempts._release(line.id)
        return self._sign(
            line, signature, strokes, "qr", lambda message: page(message, 400, selected=line.id)
        )

    def _sign(self, line, signature, strokes, method, on_error):
        ip, agent = self._prepare_proof()
        try:
            with request.env.cr.savepoint():
                line.sudo()._record_signature(
                    signature, method, ip=ip, user_agent=agent, at=fields.Datetime.now(), strokes=strokes
                )
        except (UserError, ValidationError) as error:
            return on_error(str(error.args[0] if error.args else error))
        return request.render(
            "az_attendance.public_message",
            {
                "title": request.env._("Thank you"),
                "message": request.env._(
                    "%(name)s, your signature is recorded for '%(session)s'.",
                    name=line._public_name(),
                    session=line.session_id.name,
                ),
                "kind": "success",
            },
        )

    # ------------------------------------------------------------------ remote link
    def _remote_line(self, token):
        try:
            line = request.env["az.attendance.line"]._get_line_from_token(token)
        except TokenError as error:
            return None, self._token_refusal(
                error,
                # a link of the former format, already sent by e-mail or SMS
                outdated=request.env._(
                    "This signing link is no longer valid: the signing links have changed. "
                    "Ask the trainer or the organisation to send you a new link."
                ),
                invalid=request.env._("This signing link is not valid."),
                out_of_time=request.env._("This signing link is only valid around the time of the session."),
            )
        reason, problem = line._sign_refusal(fields.Datetime.now())
        if reason == "signed":
            return None, request.render(
                "az_attendance.public_message",
                {
                    "title": request.env._("Already signed"),
                    "message": request.env._(
                        "%(name)s, your signature for '%(session)s' is already recorded. "
                        "There is nothing more to do.",
                        name=line._public_name(),
                        session=line.session_id.name,
                    ),
                    "kind": "success",
                },
                status=410,
            )
        if problem:
            if reason == "absent":
                problem = request.env._("You are marked absent for this session.")
            return None, self._error(problem, 410)
        return line, None

    def _remote_values(self, line, token, **extra):
        session = line.session_id
        return {
            "line": line,
            "session": session,
            "token": token,
            "start": session._format_local(session.start),
            "stop": session._format_local_time(session.stop),
            **extra,
        }

    @http.route(
        "/attendance/sign/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def remote_page(self, token, **kwargs):
        line, error = self._remote_line(token)
        if error:
            return error
        return request.render("az_attendance.public_remote_sign", self._remote_values(line, token))

    @http.route(
        "/attendance/sign/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def remote_sign(self, token, signature=None, strokes=None, **kwargs):
        line, error = self._remote_line(token)
        if error:
            return error
        try:
            signature = self._signature_input(signature)
            strokes = self._strokes_input(strokes)
        except pi.InputError as error:
            return request.render(
                "az_attendance.public_remote_sign",
                self._remote_values(line, token, error=self._input_error_message(error)),
                status=400,
            )
        return self._sign(
            line,
            signature,
            strokes,
            "remote",
            lambda message: request.render(
                "az_attendance.public_remote_sign",
                self._remote_values(line, token, error=message),
                status=400,
            ),
        )

    # ------------------------------------------------------------------ printed badge (staff)
    def _badge_partner(self, token):
        """The person of a badge scanned at the kiosk, or an error page. Only staff (the
        kiosk tablet is logged in as a staff member) may use badges."""
        if not request.env.user.has_group("az_project_base.group_user"):
            return None, self._error(request.env._("Only staff can record a presence with a badge."), 403)
        try:
            partner = request.env["res.partner"]._az_partner_from_badge(token)
        except TokenError as error:
            return None, self._token_refusal(
                error,
                # a badge printed with the former format
                outdated=request.env._(
                    "This badge is no longer valid: badges are now printed with a new code. "
                    "Print a new badge from the person's contact form."
                ),
                invalid=request.env._("This badge is not valid (it may have been renewed)."),
            )
        return partner, None

    def _badge_lines(self, partner):
        """Lines of the person, on open sessions whose signing window holds now, not signed
        yet, that the staff member may record (access rules of the staff member apply). Not
        "today's": a session of 23:00 still signs after midnight, whatever the time zones."""
        now = fields.Datetime.now()
        lines = request.env["az.attendance.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("session_id.state", "=", "open"),
                # a wide bound for the database; the line's own rule decides below
                ("session_id.start", "<=", now + timedelta(days=1)),
                ("session_id.stop", ">=", now - timedelta(days=1)),
            ]
        )
        # whether each line may still sign is the line's rule alone (_sign_refusal)
        return lines._filtered_access("write").filtered(lambda ln: ln._can_sign(now))

    def _badge_values(self, partner, token, **extra):
        lines = self._badge_lines(partner)
        return {
            "partner": partner,
            "token": token,
            "lines": lines,
            **extra,
        }

    @http.route(
        "/attendance/badge/<string:token>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def badge_page(self, token, **kwargs):
        partner, error = self._badge_partner(token)
        if error:
            return error
        return request.render("az_attendance.public_badge_sign", self._badge_values(partner, token))

    @http.route(
        "/attendance/badge/<string:token>",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def badge_sign(self, token, line_id=None, **kwargs):
        partner, error = self._badge_partner(token)
        if error:
            return error
        try:
            line_id = pi.parse_id(line_id, "line_id")
        except pi.InputError:
            line_id = None
        line = self._badge_lines(partner).filtered(lambda ln: ln.id == line_id) if line_id else None
        if not line:
            return request.render(
                "az_attendance.public_badge_sign",
                self._badge_values(partner, token, error=request.env._("Choose a session in the list.")),
                status=400,
            )
        ip, agent = self._prepare_proof()
        try:
            line.check_access("write")
            with request.env.cr.savepoint():
                line._record_signature(
                    None,
                    "badge",
                    ip=ip,
                    user_agent=agent,
                    witness_name=request.env.user.name,
                    at=fields.Datetime.now(),
                )
        except (AccessError, UserError, ValidationError) as error:
            return request.render(
                "az_attendance.public_badge_sign",
                self._badge_values(partner, token, error=str(error.args[0] if error.args else error)),
                status=400,
            )
        return request.render(
            "az_attendance.public_message",
            {
                "title": request.env._("Presence recorded"),
                "message": request.env._(
                    "%(name)s is recorded present at '%(session)s' (badge scanned by %(user)s).",
                    name=line.partner_name,
                    session=line.session_id.name,
                    user=request.env.user.name,
                ),
                "kind": "success",
            },
        )
