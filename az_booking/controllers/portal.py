"""/my/bookings: the bookings of a logged-in portal user, and those they made for someone
else. A booking is looked up only inside the user's own domain (their partner, or booked by
them); once found, it is handled with ``sudo()``."""

from odoo import fields, http
from odoo.exceptions import AccessError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from .main import (
    BookingError,
    booking_values,
    do_cancel,
    do_reschedule,
    error_page,
    ics_response,
    render_manage_page,
    render_reschedule_page,
)

PAGE_SIZE = 20


class AzBookingPortal(CustomerPortal):

    def _az_booking_domain(self):
        return request.env["az.booking"]._portal_domain(request.env.user.partner_id)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "az_booking_count" in counters:
            values["az_booking_count"] = request.env["az.booking"].sudo().search_count(
                self._az_booking_domain() + [("start", ">=", fields.Datetime.now())])
        return values

    def _get_my_booking(self, booking_id):
        """The booking of this id if the logged-in user may see it, else a 404."""
        if request.env.user._is_public() or not (0 < booking_id < 2**31):
            raise BookingError(request.env._("This booking does not exist."), 404)
        try:
            # as the user first: the record rules decide, sudo() only once they agreed
            booking = request.env["az.booking"].search(
                [("id", "=", booking_id)] + self._az_booking_domain(), limit=1)
        except AccessError:
            booking = request.env["az.booking"]
        if not booking:
            raise BookingError(request.env._("This booking does not exist."), 404)
        return booking.sudo()

    @http.route(["/my/bookings", "/my/bookings/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_bookings(self, page=1, filterby="upcoming", **kwargs):
        if filterby not in ("upcoming", "past"):
            filterby = "upcoming"
        now = fields.Datetime.now()
        domain = self._az_booking_domain() + (
            [("stop", ">=", now)] if filterby == "upcoming" else [("stop", "<", now)])
        Booking = request.env["az.booking"].sudo()
        total = Booking.search_count(domain)
        pager = portal_pager(
            url="/my/bookings", url_args={"filterby": filterby}, total=total,
            page=page, step=PAGE_SIZE)
        bookings = Booking.search(
            domain, order="start asc" if filterby == "upcoming" else "start desc",
            limit=PAGE_SIZE, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "az_bookings",
            "rows": [booking_values(booking) for booking in bookings],
            "pager": pager,
            "filterby": filterby,
            "default_url": "/my/bookings",
        })
        return request.render("az_booking.portal_my_bookings", values)

    @http.route("/my/bookings/<int:booking_id>", type="http", auth="user", website=True,
                methods=["GET"])
    def portal_my_booking(self, booking_id, **kwargs):
        try:
            booking = self._get_my_booking(booking_id)
        except BookingError as error:
            return error_page(error)
        return render_manage_page(booking, f"/my/bookings/{booking.id}", kwargs)

    @http.route("/my/bookings/<int:booking_id>/appointment.ics", type="http", auth="user",
                website=True, methods=["GET"])
    def portal_my_booking_ics(self, booking_id, **kwargs):
        try:
            booking = self._get_my_booking(booking_id)
        except BookingError as error:
            return error_page(error)
        return ics_response(booking)

    @http.route("/my/bookings/<int:booking_id>/cancel", type="http", auth="user",
                website=True, methods=["POST"])
    def portal_my_booking_cancel(self, booking_id, **post):
        try:
            booking = self._get_my_booking(booking_id)
        except BookingError as error:
            return error_page(error)
        return do_cancel(booking, f"/my/bookings/{booking.id}", post)

    @http.route("/my/bookings/<int:booking_id>/reschedule", type="http", auth="user",
                website=True, methods=["GET"])
    def portal_my_booking_reschedule_form(self, booking_id, week=None, **kwargs):
        try:
            booking = self._get_my_booking(booking_id)
        except BookingError as error:
            return error_page(error)
        return render_reschedule_page(booking, f"/my/bookings/{booking.id}", week)

    @http.route("/my/bookings/<int:booking_id>/reschedule", type="http", auth="user",
                website=True, methods=["POST"])
    def portal_my_booking_reschedule(self, booking_id, **post):
        try:
            booking = self._get_my_booking(booking_id)
        except BookingError as error:
            return error_page(error)
        return do_reschedule(booking, f"/my/bookings/{booking.id}", post,
                             lambda new: f"/my/bookings/{new.id}")
