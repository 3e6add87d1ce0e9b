"""Earlier times: the person asks from their personal page to be told when an earlier time
frees up (a POST), and answers the offer sent to them by its link: a GET page that shows the
time offered beside the current one, then the POST that takes it."""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.az_project_base.tools import public_input as pi

from .booking_page import BookingError
from .portal import AzBookingPortal


class AzBookingEarlier(AzBookingPortal):
    def _az_page_values(self, booking, token, is_own=None, **extra):
        values = super()._az_page_values(booking, token, is_own=is_own, **extra)
        values.update(
            earlier_can_ask=booking._earlier_can_ask(),
            wants_earlier=booking.sudo().wants_earlier,
        )
        return values

    @http.route(
        "/my/bookings/<string:booking_id>/earlier",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_my_booking_earlier(self, booking_id, access_token=None, wants=None, **post):
        booking, token, refusal = self._az_booking_to_change(booking_id, access_token)
        if refusal:
            return refusal
        if wants not in ("0", "1"):
            return self._az_render_manage(
                booking, token, status=400, message=request.env._("This request is not valid.")
            )
        try:
            with request.env.cr.savepoint():
                booking._set_wants_earlier(wants == "1")
        except UserError as error:
            return self._az_render_manage(booking, token, status=409, message=error.args[0])
        return request.redirect(self._az_url(booking, token, earlier=wants), code=303)

    # ------------------------------------------------------------------------------------
    # The offer's link
    # ------------------------------------------------------------------------------------
    def _az_offer(self, offer_id, token):
        """The offer (sudo) whose link this is, else a 404 BookingError; an expired or
        answered one a 410 BookingError. Values are checked before any lookup."""
        try:
            offer_id = pi.parse_id(offer_id, field="offer_id")
            token = pi.parse_token(token, field="token", min_length=16, max_length=64)
        except pi.InputError:
            raise self._az_link_error() from None
        offer = request.env["az.booking.offer"].sudo().browse(offer_id).exists()
        if not offer or not offer._check_token(token):
            raise self._az_link_error()
        booking = offer.booking_id
        lang = booking.lang
        if lang and lang in request.website.language_ids.mapped("code"):
            request.update_context(lang=lang)
        if not offer._is_open():
            raise self._contact_error(
                request.env._(
                    "This offer has expired or has already been answered: your appointment stays "
                    "as it was. Your personal link shows it."
                ),
                410,
                title=request.env._("Offer no longer valid"),
                booking=booking,
            )
        return offer.with_context(lang=request.env.lang), token

    def _az_render_offer(self, offer, token, status=200, message=None):
        booking = offer.booking_id
        values = self._az_page_values(booking, booking.access_token, is_own=False, message=message)
        values.update(
            offer=offer,
            offer_token=token,
            offer_when=booking.type_id._format_when(offer.start),
            offer_expiry=booking.type_id._format_when(offer.expiry),
        )
        return request.render("az_booking.booking_offer_page", values, status=status)

    @http.route(
        "/booking/offer/<string:offer_id>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def booking_offer(self, offer_id, token=None, **kwargs):
        try:
            offer, token = self._az_offer(offer_id, token)
        except BookingError as error:
            return self._error_page(error)
        return self._az_render_offer(offer, token)

    @http.route(
        "/booking/offer/<string:offer_id>/accept",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def booking_offer_accept(self, offer_id, token=None, **post):
        try:
            offer, token = self._az_offer(offer_id, token)
        except BookingError as error:
            return self._error_page(error)
        try:
            # the move has a savepoint of its own: a refusal keeps the appointment and records
            # the offer's answer (taken, expired)
            new_booking = offer._accept()
        except UserError as error:
            return self._az_render_offer(offer, token, status=409, message=error.args[0])
        new_booking._send_portal_notification("confirmation")
        return request.redirect(new_booking.sudo().get_portal_url(query_string="&moved=1"), code=303)
