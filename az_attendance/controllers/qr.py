import hmac

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.az_project_base.controllers.public_input import PublicInputMixin
from odoo.addons.az_project_base.tools import public_input as pi

from ..models.az_attendance_device import DEVICE_DAYS
from ..models.az_attendance_line_signing import request_proof
from ..tools import rotating_code

DEVICE_COOKIE = "az_attendance_device"


class DeviceCookieMixin:
    """The cookie of a recognised phone: a random token, HttpOnly, Secure over HTTPS,
    SameSite=Lax; PostgreSQL keeps only its SHA-256 (``az.attendance.device``)."""

    def _device(self):
        token = request.httprequest.cookies.get(DEVICE_COOKIE)
        return (
            request.env["az.attendance.device"]._find(token) if token else request.env["az.attendance.device"]
        )

    def _set_device_cookie(self, response, token):
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_DAYS * 24 * 3600,
            httponly=True,
            secure=request.httprequest.scheme == "https",
            samesite="Lax",
        )
        return response


class AttendanceRotatingQr(DeviceCookieMixin, PublicInputMixin, http.Controller):
    """The rotating QR code: the trainer's full-screen page, the page a phone opens by scanning
    it (a recognised phone signs for its person; another picks the name and receives a
    one-time code), and "this phone is mine"."""

    # ------------------------------------------------------------------ helpers
    def _message(self, title, message, kind="danger", status=200):
        return request.render(
            "az_attendance.public_message",
            {"title": title, "message": message, "kind": kind},
            status=status,
        )

    def _refuse(self, message, status=400):
        return self._message(request.env._("Signing not possible"), message, status=status)

    def _expired(self):
        return self._refuse(request.env._("This code has expired: scan the code shown now."), 410)

    def _open_problem(self, session):
        """Why nobody signs this session now, as a page, or None."""
        if session.state != "open":
            return self._refuse(request.env._("Signing is closed for this session."), 410)
        problem = session._sign_window_problem(fields.Datetime.now())
        if problem:
            return self._refuse(problem, 410)
        return None

    def _recognised_partner(self):
        """The person this phone is recognised as: the logged-in user's, else a valid device
        cookie's (empty when neither)."""
        user = request.env.user
        if not user._is_public():
            return user.partner_id
        device = self._device()
        if device:
            device._touch()
        return device.partner_id

    def _ticket_session(self, ticket):
        """``(session, step)`` of a scan ticket; ``(None, page)`` when it is not valid."""
        try:
            session_id = pi.parse_id((ticket or "").split("-", 1)[0], "ticket")
        except pi.InputError:
            return None, self._refuse(request.env._("This QR code is not valid."), 404)
        session = request.env["az.attendance.session"].sudo().browse(session_id).exists()
        if not session:
            return None, self._refuse(request.env._("This QR code is not valid."), 404)
        try:
            step = session._check_rotating_ticket(ticket)
        except rotating_code.CodeError as error:
            if str(error) == "expired":
                return None, self._expired()
            return None, self._refuse(request.env._("This QR code is not valid."), 404)
        return (session, step), self._open_problem(session)

    def _signable_lines(self, session):
        now = fields.Datetime.now()
        return session.line_ids.filtered(lambda ln: ln._can_sign(now))

    def _page(self, session, ticket, mode, status=200, **extra):
        return request.render(
            "az_attendance.public_qr_rotating_sign",
            {
                "session": session,
                "ticket": ticket,
                "mode": mode,
                "lines": self._signable_lines(session),
                "start": session._format_local(session.start),
                "stop": session._format_local_time(session.stop),
                **extra,
            },
            status=status,
        )

    # ------------------------------------------------------------------ trainer's screen
    def _screen_session(self, session_id):
        if not request.env.user.has_group("az_project_base.group_user"):
            return None
        try:
            session = (
                request.env["az.attendance.session"].browse(pi.parse_id(session_id, "session_id")).exists()
            )
        except pi.InputError:
            return None
        return session if session and session.has_access("read") else None

    @http.route(
        "/attendance/qr/screen/<string:session_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def qr_screen(self, session_id, **kwargs):
        """The trainer's full-screen page: a QR code that changes by itself, who has signed."""
        session = self._screen_session(session_id)
        if not session:
            return self._refuse(request.env._("This session cannot be found."), 404)
        try:
            session._check_signing_open()
        except UserError as error:
            return self._refuse(error.args[0], 409)
        return request.render(
            "az_attendance.qr_rotating_screen",
            {"session": session, "qr": session._rotating_qr_values()},
        )

    @http.route(
        "/attendance/qr/screen/<string:session_id>/next",
        type="http",
        auth="user",
        methods=["GET"],
        sitemap=False,
    )
    def qr_screen_next(self, session_id, **kwargs):
        """The screen's next value (JSON): the image only, the secret stays on the server."""
        session = self._screen_session(session_id)
        if not session:
            return request.make_json_response({"error": "not found"}, status=404)
        return request.make_json_response(
            session._rotating_qr_values(), headers=[("Cache-Control", "no-store")]
        )

    @http.route(
        "/attendance/kiosk/<string:session_id>/qr",
        type="http",
        auth="user",
        methods=["GET"],
        sitemap=False,
    )
    def kiosk_qr_next(self, session_id, **kwargs):
        """The kiosk's next rotating QR image (JSON), only for a session that shows it on the
        kiosk: the image only, the secret stays on the server."""
        session = self._screen_session(session_id)
        values = session and session._kiosk_rotating_qr_values()
        if not values:
            return request.make_json_response({"error": "not found"}, status=404)
        return request.make_json_response(values, headers=[("Cache-Control", "no-store")])

    # ------------------------------------------------------------------ scan
    @http.route(
        "/attendance/qr/r/<string:code>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def qr_scan(self, code, **kwargs):
        try:
            session, step = request.env["az.attendance.session"]._rotating_code_session(code)
        except rotating_code.CodeError as error:
            if str(error) == "expired":
                return self._expired()
            return self._refuse(request.env._("This QR code is not valid."), 404)
        problem = self._open_problem(session)
        if problem:
            return problem
        ticket = session._rotating_ticket(step)
        partner = self._recognised_partner()
        if partner:
            return self._recognised_page(session, ticket, partner)
        return self._page(session, ticket, "choose")

    def _recognised_page(self, session, ticket, partner, status=200, **extra):
        lines = session.line_ids.filtered(lambda ln: ln.partner_id == partner)
        if not lines:
            return self._refuse(
                request.env._(
                    "This phone is recognised as %(name)s's, who is not on the list of this session. "
                    "Ask the trainer.",
                    name=partner.name,
                ),
                403,
            )
        line = lines.filtered(lambda ln: ln._can_sign(fields.Datetime.now()))[:1]
        if not line:
            reason, problem = lines[0]._sign_refusal(fields.Datetime.now())
            if reason == "signed":
                return self._message(
                    request.env._("Already signed"),
                    request.env._(
                        "%(name)s, your signature is already recorded.", name=lines[0]._public_name()
                    ),
                    kind="success",
                )
            return self._refuse(problem or request.env._("Signing is closed for this session."), 410)
        return self._page(session, ticket, "recognised", status=status, line=line, **extra)

    @http.route(
        "/attendance/qr/t/<string:ticket>/code",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def qr_send_code(self, ticket, line_id=None, personal=None, **kwargs):
        """An unrecognised phone picked a name: send that person a one-time code (never shown
        here), or go on with the personal code."""
        found, problem = self._ticket_session(ticket)
        if problem:
            return problem
        session, _step = found
        try:
            line_id = pi.parse_id(line_id, "line_id")
        except pi.InputError:
            return self._page(
                session, ticket, "choose", 400, error=request.env._("Choose your name in the list.")
            )
        line = self._signable_lines(session).filtered(lambda ln: ln.id == line_id)
        if not line:
            return self._page(
                session, ticket, "choose", 400, error=request.env._("Choose your name in the list.")
            )
        if personal:
            return self._page(session, ticket, "code", line=line, personal=True)
        attempts = request.env["az.attendance.sign.attempt"].sudo()
        # each code sent counts as a try: a name picked again and again is slowed down too
        if not attempts._reserve(line.id):
            return self._refuse(
                request.env._("Too many tries. Wait a quarter of an hour or ask the trainer."), 429
            )
        channel = line.sudo()._send_qr_otp()
        if not channel:
            return self._page(
                session,
                ticket,
                "code",
                line=line,
                personal=True,
                notice=request.env._(
                    "No code can be sent to you: type your personal code, or ask the trainer."
                ),
            )
        return self._page(
            session,
            ticket,
            "code",
            line=line,
            notice=request.env._("A code was sent to you %(channel)s. Type it below.", channel=channel),
        )

    @http.route(
        "/attendance/qr/t/<string:ticket>/sign",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def qr_rotating_sign(
        self, ticket, line_id=None, code=None, signature=None, strokes=None, remember=None, **kw
    ):
        found, problem = self._ticket_session(ticket)
        if problem:
            return problem
        session, step = found
        try:
            line_id = pi.parse_id(line_id, "line_id")
            for name, value in (("signature", signature), ("strokes", strokes)):
                if value is not None and not isinstance(value, str):
                    raise pi.InputError(pi.NOT_TEXT, name)
            signature, strokes = signature or "", strokes or ""
        except pi.InputError as error:
            return self._page(session, ticket, "choose", 400, error=self._input_error_message(error))
        line = self._signable_lines(session).filtered(lambda ln: ln.id == line_id)
        if not line:
            return self._page(
                session, ticket, "choose", 400, error=request.env._("Choose your name in the list.")
            )
        partner = self._recognised_partner()
        enrol = False
        if partner and line.partner_id == partner:
            mode = "recognised"
        else:
            mode = "code"
            error = self._check_code(line, code)
            if error:
                return self._page(session, ticket, mode, 403, line=line, error=error, personal=True)
            enrol = bool(remember)
        ip, agent = request_proof()
        try:
            with request.env.cr.savepoint():
                line.sudo()._record_signature(
                    signature,
                    "qr",
                    ip=ip,
                    user_agent=agent,
                    at=fields.Datetime.now(),
                    strokes=strokes,
                    qr_step=step,
                )
        except (UserError, ValidationError) as error:
            return self._page(session, ticket, mode, 400, line=line, error=str(error.args[0]), personal=True)
        response = self._message(
            request.env._("Thank you"),
            request.env._(
                "%(name)s, your signature is recorded for '%(session)s'.",
                name=line._public_name(),
                session=session.name,
            ),
            kind="success",
        )
        if enrol:
            self._set_device_cookie(
                response, request.env["az.attendance.device"]._enrol(line.partner_id, agent)
            )
        return response

    def _check_code(self, line, code):
        """Why the code typed for ``line`` is refused (a one-time code or the personal code),
        or None. Tries are counted before any comparison."""
        try:
            code = pi.parse_code(code, 6, "code")
        except pi.InputError as error:
            return self._input_error_message(error)
        attempts = request.env["az.attendance.sign.attempt"].sudo()
        if not attempts._reserve(line.id):
            return request.env._("Too many wrong codes. Wait a quarter of an hour or ask the trainer.")
        personal = line.sudo().sign_code or ""
        if line._check_qr_otp(code) or (personal and hmac.compare_digest(code.encode(), personal.encode())):
            attempts._release(line.id)
            return None
        return request.env._("This code does not match your name.")

    # ------------------------------------------------------------------ this phone is mine
    @http.route(
        "/attendance/device/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def device_link(self, token, **kwargs):
        """A one-time link sent by e-mail or SMS: opening it shows a button (a link opened by a
        mail scanner uses nothing); the button recognises this phone."""
        device = request.env["az.attendance.device"]._find(token, pending=True)
        if not device:
            return self._refuse(
                request.env._("This link is not valid any more (used, expired or revoked)."), 410
            )
        if request.httprequest.method == "GET":
            return request.render(
                "az_attendance.public_device_link", {"token": token, "partner": device.partner_id}
            )
        cookie = device._activate(request_proof()[1])
        response = self._message(
            request.env._("Phone recognised"),
            request.env._(
                "This phone is now recognised as %(name)s's: scan the QR code shown in the room to sign.",
                name=device.partner_id.name,
            ),
            kind="success",
        )
        return self._set_device_cookie(response, cookie)
