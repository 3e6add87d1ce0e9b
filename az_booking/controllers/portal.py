"""The booking pages of a person: /my/bookings for a logged-in portal user, and one
/my/bookings/<id> route tree for everybody who may see a booking, either by their own
rights (logged in) or by the access token of the personal link sent to them
(``portal.mixin``, checked by ``_document_check_access``). The link expires some days after
the appointment and stops working once the booking is cancelled.

Cancelling and moving take two steps: a GET page that says what will happen, then a POST
that does it."""

from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.az_project_base.tools import public_input as pi
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .booking_page import REASON_MAX, AzBookingPageMixin, BookingError

PAGE_SIZE = 20


class AzBookingPortal(AzBookingPageMixin, CustomerPortal):
    def _az_booking_domain(self):
        return request.env["az.booking"]._portal_domain(request.env.user.partner_id)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "az_booking_count" in counters:
            values["az_booking_count"] = (
                request.env["az.booking"]
                .sudo()
                .search_count(self._az_booking_domain() + [("start", ">=", fields.Datetime.now())])
            )
        return values

    # ------------------------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------------------------
    def _az_link_error(self):
        return self._contact_error(
            request.env._(
                "This link is not valid or has expired. Please use the button of "
                "your latest e-mail or message."
            ),
            title=request.env._("Link not valid"),
        )

    def _az_cancelled_error(self, booking):
        """What the personal link of a cancelled booking says: that it was cancelled, and
        whom to call; nothing else of the booking."""
        return self._contact_error(
            request.env._(
                "This appointment (reference %s) has been cancelled: this link no longer opens "
                "it. You can book another appointment whenever you wish.",
                booking.name,
            ),
            410,
            title=request.env._("Appointment cancelled"),
            booking=booking,
        )

    def _az_booking_access(self, booking_id, access_token=None):
        """``(booking, token)``: the booking (sudo) if the visitor may see it, by their own
        rights (``token`` is then "") or by its access token; else a 404 BookingError. The
        values are checked (ASCII id, URL-safe token) before any lookup."""
        try:
            booking_id = pi.parse_id(booking_id, field="booking_id")
            access_token = pi.parse_token(access_token, field="access_token", min_length=16, required=False)
        except pi.InputError:
            raise self._az_link_error() from None
        try:
            booking = self._document_check_access("az.booking", booking_id, access_token)
        except (AccessError, MissingError):
            raise self._az_link_error() from None
        own = False
        if not request.env.user._is_public():
            try:
                request.env["az.booking"].browse(booking_id).check_access("read")
                own = True
            except AccessError:
                own = False
        if not own and booking._portal_link_expired():
            raise self._az_link_error()
        lang = booking.lang
        if lang and lang in request.website.language_ids.mapped("code"):
            request.update_context(lang=lang)  # pages in the language the person booked in
        if not own and booking.state == "cancelled":
            raise self._az_cancelled_error(booking.with_context(lang=request.env.lang))
        return booking.with_context(lang=request.env.lang), "" if own else access_token

    @staticmethod
    def _az_url(booking, token, suffix="", **query):
        params = {"access_token": token} if token else {}
        params.update({key: value for key, value in query.items() if value})
        return f"{booking.access_url}{suffix}" + (f"?{url_encode(params)}" if params else "")

    def _az_page_values(self, booking, token, is_own=None, **extra):
        values = self._prepare_booking_page_values(booking)
        values.update(
            {
                "manage_url": lambda suffix="", **query: self._az_url(booking, token, suffix, **query),
                "is_own": (not token) if is_own is None else is_own,
                "reason_max": REASON_MAX,
                "sent_by": (),
            }
        )
        values.update(extra)
        return values

    def _az_render_manage(self, booking, token, status=200, is_own=None, **extra):
        values = self._az_page_values(booking, token, is_own=is_own, **extra)
        return request.render("az_booking.booking_manage_page", values, status=status)

    def _az_cannot_change(self, booking, token):
        return self._az_render_manage(
            booking, token, status=403, message=request.env._("This booking can no longer be changed online.")
        )

    def _az_booking_to_change(self, booking_id, access_token):
        """The one guard of the routes that cancel or move a booking: ``(booking, token,
        None)`` when the visitor may see the booking (``_az_booking_access``) and it can
        still change online (``_portal_can_change``); else ``(booking, token, response)``,
        the page that says why not."""
        try:
            booking, token = self._az_booking_access(booking_id, access_token)
        except BookingError as error:
            return None, None, self._error_page(error)
        if not booking._portal_can_change():
            return booking, token, self._az_cannot_change(booking, token)
        return booking, token, None

    # ------------------------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------------------------
    @http.route(["/my/bookings", "/my/bookings/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_bookings(self, page=1, filterby="upcoming", **kwargs):
        if filterby not in ("upcoming", "past"):
            filterby = "upcoming"
        now = fields.Datetime.now()
        domain = self._az_booking_domain() + (
            [("stop", ">=", now)] if filterby == "upcoming" else [("stop", "<", now)]
        )
        Booking = request.env["az.booking"].sudo()
        total = Booking.search_count(domain)
        pager = portal_pager(
            url="/my/bookings", url_args={"filterby": filterby}, total=total, page=page, step=PAGE_SIZE
        )
        bookings = Booking.search(
            domain,
            order="start asc" if filterby == "upcoming" else "start desc",
            limit=PAGE_SIZE,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "az_bookings",
                "rows": [self._prepare_booking_page_values(booking) for booking in bookings],
                "pager": pager,
                "filterby": filterby,
                "default_url": "/my/bookings",
            }
        )
        return request.render("az_booking.portal_my_bookings", values)

    @http.route(
        "/my/bookings/<string:booking_id>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_my_booking(self, booking_id, access_token=None, claim=None, **kwargs):
        if request.env.user._is_public() and not access_token:
            return request.redirect("/web/login?" + url_encode({"redirect": request.httprequest.path}))
        try:
            booking, token = self._az_booking_access(booking_id, access_token)
        except BookingError as error:
            return self._error_page(error)
        claim_ok = False
        if claim:
            try:
                claim = pi.parse_token(claim, field="claim", max_length=64)
                claim_ok = booking.sudo()._get_claim_signature() == claim
            except pi.InputError:
                claim_ok = False
        return self._az_render_manage(
            booking,
            token,
            just_booked=kwargs.get("booked") == "1",
            sent_by=booking._get_notification_channels() if kwargs.get("booked") == "1" else (),
            just_moved=kwargs.get("moved") == "1",
            just_cancelled=kwargs.get("cancelled") == "1",
            just_claimed=kwargs.get("claimed") == "1",
            claim=claim if claim_ok else False,
        )

    @http.route(
        "/my/bookings/<string:booking_id>/appointment.ics",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_my_booking_ics(self, booking_id, access_token=None, **kwargs):
        try:
            booking, _token = self._az_booking_access(booking_id, access_token)
        except BookingError as error:
            return self._error_page(error)
        if booking.state == "waiting":
            return self._error_page(
                BookingError(
                    request.env._(
                        "You are on the waiting list: there is no appointment to add to a calendar yet."
                    ),
                    404,
                )
            )
        content = booking._get_ics_content()
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "text/calendar; charset=utf-8; method=%s"
                    % ("CANCEL" if booking.state == "cancelled" else "REQUEST"),
                ),
                ("Content-Disposition", 'attachment; filename="appointment.ics"'),
                ("Content-Length", str(len(content))),
                ("Cache-Control", "no-store"),
            ],
        )

    @http.route(
        "/my/bookings/<string:booking_id>/claim",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_my_booking_claim(self, booking_id, access_token=None, claim=None, **post):
        try:
            booking, token = self._az_booking_access(booking_id, access_token)
            claim = pi.parse_token(claim, field="claim", max_length=64)
        except BookingError as error:
            return self._error_page(error)
        except pi.InputError:
            return self._error_page(self._az_link_error())
        if not booking._portal_claim(claim):
            return self._error_page(self._az_link_error())
        # the booking's personal link changed with the claim: the person goes on with the new
        return request.redirect(
            self._az_url(booking, booking.sudo().access_token if token else "", claimed="1"), code=303
        )

    # ------------------------------------------------------------------------------------
    # Cancel: a page that asks, then the POST that cancels
    # ------------------------------------------------------------------------------------
    @http.route(
        "/my/bookings/<string:booking_id>/cancel",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_my_booking_cancel_form(self, booking_id, access_token=None, **kwargs):
        booking, token, refusal = self._az_booking_to_change(booking_id, access_token)
        if refusal:
            return refusal
        return request.render("az_booking.booking_cancel_page", self._az_page_values(booking, token))

    @http.route(
        "/my/bookings/<string:booking_id>/cancel",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_my_booking_cancel(self, booking_id, access_token=None, **post):
        booking, token, refusal = self._az_booking_to_change(booking_id, access_token)
        if refusal:
            return refusal
        errors = {}
        reason = self._read_text(
            post, "reason", REASON_MAX, request.env._("Reason"), multiline=True, errors=errors
        )
        if errors:
            return request.render(
                "az_booking.booking_cancel_page",
                self._az_page_values(booking, token, message=errors["reason"]),
                status=400,
            )
        try:
            with request.env.cr.savepoint():
                booking._portal_cancel(reason)
        except UserError as error:
            return self._az_render_manage(booking, token, status=409, message=error.args[0])
        booking._send_portal_notification("cancelled")
        if token:  # the link is revoked now: answer here rather than through it
            return self._az_render_manage(booking, "", is_own=False, just_cancelled=True)
        return request.redirect(self._az_url(booking, token, cancelled="1"), code=303)

    # ------------------------------------------------------------------------------------
    # Move: the free times, a page that asks, then the POST that moves
    # ------------------------------------------------------------------------------------
    def _az_render_reschedule(self, booking, token, week=None, message=None, status=200):
        try:
            values = self._prepare_week_values(booking.type_id, week, exclude=booking)
        except BookingError as error:
            return self._error_page(error)
        values.update(self._az_page_values(booking, token, message=message))
        return request.render("az_booking.booking_reschedule_page", values, status=status)

    def _az_move_target(self, booking, token, start):
        """The free slot ``start`` (a posted or linked value) that the booking can move to,
        else a response saying why not."""
        try:
            start = self._parse_start(start)
            slot = self._find_slot(booking.type_id, start, exclude=booking)
        except BookingError as error:
            return None, self._az_render_reschedule(booking, token, message=error.message, status=400)
        if not slot or (slot["start"] == booking.start and booking.state != "waiting"):
            return None, self._az_render_reschedule(
                booking, token, message=booking._slot_taken_message(), status=409
            )
        return slot, None

    @http.route(
        "/my/bookings/<string:booking_id>/reschedule",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_my_booking_reschedule_form(
        self, booking_id, access_token=None, week=None, start=None, **kwargs
    ):
        booking, token, refusal = self._az_booking_to_change(booking_id, access_token)
        if refusal:
            return refusal
        if start is None:
            return self._az_render_reschedule(booking, token, week)
        slot, refusal = self._az_move_target(booking, token, start)
        if refusal:
            return refusal
        return request.render(
            "az_booking.booking_reschedule_confirm_page",
            self._az_page_values(
                booking,
                token,
                new_start=self._format_start(slot["start"]),
                new_when=booking.type_id._format_when(slot["start"]),
            ),
        )

    @http.route(
        "/my/bookings/<string:booking_id>/reschedule",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_my_booking_reschedule(self, booking_id, access_token=None, **post):
        booking, token, refusal = self._az_booking_to_change(booking_id, access_token)
        if refusal:
            return refusal
        slot, refusal = self._az_move_target(booking, token, post.get("start"))
        if refusal:
            return refusal
        try:
            with request.env.cr.savepoint():
                new_booking = booking._portal_reschedule(slot["start"])
        except UserError as error:
            return self._az_render_reschedule(booking, token, message=error.args[0], status=409)
        new_booking._send_portal_notification("confirmation")
        if new_booking == booking:
            return request.redirect(self._az_url(booking, token, moved="1"), code=303)
        if token:
            return request.redirect(new_booking.get_portal_url(query_string="&moved=1"), code=303)
        return request.redirect(self._az_url(new_booking, "", moved="1"), code=303)
