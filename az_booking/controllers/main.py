"""Public booking pages: the list of booking types, the free slots of a type week by week
(``/booking/<slug>``), and the booking form.

Every route validates its input before writing anything, answers bad input with a 4xx page
or a message, and uses ``sudo()`` only once the access check is done (a published type of
the current website, checked by ``_get_booking_type``). The slots,
the booking's values and the dates come from the models; the controllers only turn them
into page values (``_prepare_*`` methods, overridable)."""

import secrets
from collections import OrderedDict

from psycopg2 import errors as pg_errors

from odoo import http
from odoo.exceptions import MissingError, UserError
from odoo.http import request

from .booking_form import AzBookingFormMixin
from .booking_page import HONEYPOT_FIELD, SUBMISSION_KEY_FIELD, BookingError


class AzBookingWebsite(AzBookingFormMixin, http.Controller):
    # ------------------------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------------------------
    def _booking_type_error(self):
        return BookingError(
            request.env._("This appointment type does not exist or cannot be booked online."), 404
        )

    def _get_booking_type(self, type_id):
        """The type of the URL (``/booking/<slug>`` or the former ``/booking/<id>``, read by
        the converter of ``models/ir_http.py``) if it is published on the current website
        for its company, in sudo; else a 404 BookingError."""
        booking_type = request.env["az.booking.type"].sudo().browse(type_id)
        try:  # the first field read tells whether the type exists (no query of its own)
            published = booking_type.active and booking_type.is_published
        except MissingError:
            published = False
        if (
            not published
            or booking_type.company_id != request.website.company_id
            or not booking_type.with_context(website_id=request.website.id).website_published
            or not booking_type._website_bookable_by(request.env.user)
        ):
            raise self._booking_type_error()
        return booking_type

    def _get_published_types(self):
        """The types published on the current website for its company, in sudo."""
        return (
            request.env["az.booking.type"]
            .sudo()
            .search(
                [("is_published", "=", True), ("company_id", "=", request.website.company_id.id)]
                + request.website.website_domain()
                + request.env["az.booking.type"]._website_audience_domain(request.env.user)
            )
        )

    def _prepare_booking_types_values(self):
        booking_types = self._get_published_types()
        groups = OrderedDict()
        for booking_type in booking_types.sorted(lambda t: (t.project_id.name or "", t.sequence, t.id)):
            groups.setdefault(booking_type.project_id, []).append(booking_type)
        format_labels = dict(
            request.env["az.booking.type"]._fields["location_format"]._description_selection(request.env)
        )
        return {
            "groups": [{"project": project, "types": types} for project, types in groups.items()],
            "format_labels": format_labels,
        }

    def _prepare_booking_type_values(self, booking_type, week):
        values = self._prepare_week_values(booking_type, week)
        format_labels = dict(booking_type._fields["location_format"]._description_selection(request.env))
        values.update(
            {
                "booking_type": booking_type,
                "format_label": format_labels.get(booking_type.location_format),
                "main_object": booking_type,
            }
        )
        return values

    # ------------------------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------------------------
    @http.route("/booking", type="http", auth="public", website=True, sitemap=True)
    def booking_types(self, **kwargs):
        return request.render("az_booking.booking_types_page", self._prepare_booking_types_values())

    @http.route(
        "/booking/<az_booking_type:type_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def booking_type_page(self, type_id, week=None, **kwargs):
        try:
            booking_type = self._get_booking_type(type_id)
            values = self._prepare_booking_type_values(booking_type, week)
        except BookingError as error:
            return self._error_page(error)
        return request.render("az_booking.booking_type_page", values)

    # ------------------------------------------------------------------------------------
    # Booking form
    # ------------------------------------------------------------------------------------
    def _form_defaults(self):
        user = request.env.user
        if user._is_public() or user.partner_id._az_referrer_organisation():
            # a referent books for the person they refer, never with their own details
            return {"name": "", "email": "", "phone": ""}
        partner = user.partner_id
        return {
            "name": partner.name or "",
            "email": partner.email or "",
            "phone": partner.phone or partner.mobile or "",
        }

    def _render_form(
        self, booking_type, slot, values=None, errors=None, message=None, status=200, next_slots=None
    ):
        values = values if values is not None else self._form_defaults()
        if not values.get(SUBMISSION_KEY_FIELD):
            values[SUBMISSION_KEY_FIELD] = secrets.token_urlsafe(24)
        return request.render(
            "az_booking.booking_form_page",
            {
                "booking_type": booking_type,
                "slot": slot,
                "start": self._format_start(slot["start"]) if slot else "",
                "when": booking_type._format_when(slot["start"]) if slot else "",
                "end_time": booking_type._format_time(slot["stop"]) if slot else "",
                "local_day": booking_type._format_day(slot["start"]) if slot else "",
                "waiting_list": bool(slot and slot["seats_left"] <= 0),
                "values": values,
                "submission_key_field": SUBMISSION_KEY_FIELD,
                "errors": errors or {},
                "message": message,
                "next_slots": next_slots,
                "referrer_org": request.env.user.partner_id._az_referrer_organisation(),
                "consent_text": (
                    booking_type._get_referral_consent_text()
                    if request.env.user.partner_id._az_referrer_organisation()
                    else booking_type._get_consent_text()
                ),
                "staff_choices": (
                    request.env["res.users"].sudo().browse(slot["user_ids"])
                    if slot and booking_type.assignment == "user_picks" and not booking_type.is_collective
                    else []
                ),
                "honeypot_field": HONEYPOT_FIELD,
                "tz_name": booking_type.tz_label,
            },
            status=status,
        )

    @http.route(
        "/booking/<az_booking_type:type_id>/book",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def booking_form(self, type_id, start=None, **kwargs):
        try:
            booking_type = self._get_booking_type(type_id)
            start = self._parse_start(start)
            slot = self._find_slot(booking_type, start, include_full=booking_type.is_collective)
        except BookingError as error:
            return self._error_page(error)
        if not slot:
            return self._render_form(
                booking_type,
                None,
                status=409,
                message=request.env._("This time is not available. Here are the next free times:"),
                next_slots=self._prepare_next_slots_values(booking_type, start),
            )
        return self._render_form(booking_type, slot)

    def _render_no_longer_free(self, booking_type, booking_request, message=None):
        """The form again, without its time: the next free times to choose from."""
        return self._render_form(
            booking_type,
            None,
            values=booking_request["values"],
            status=409,
            message=message
            or request.env._("This time is no longer available. Here are the next free times:"),
            next_slots=self._prepare_next_slots_values(booking_type, booking_request["start"]),
        )

    def _render_form_errors(self, booking_type, booking_request):
        """The form again with the fields to correct, at its time when it is still free."""
        slot = self._find_slot(
            booking_type, booking_request["start"], include_full=booking_request["waiting_list"]
        )
        if not slot:
            return self._render_no_longer_free(booking_type, booking_request)
        return self._render_form(
            booking_type,
            slot,
            values=booking_request["values"],
            errors=booking_request["errors"],
            status=400,
            message=request.env._("Please correct the fields marked below."),
        )

    def _redirect_to_confirmation(self, booking):
        if booking.state == "cancelled":
            return self._error_page(
                BookingError(
                    request.env._(
                        "This form was already sent, and the booking it made has been cancelled "
                        "since. Please open the booking page again."
                    ),
                    409,
                )
            )
        if booking.referrer_org_id and booking.booked_by_id == request.env.user.partner_id:
            # the personal link is the person's: the referent goes back to their own page
            return request.redirect(f"/my/referrals?booked={booking.name}", code=303)
        return request.redirect(booking.get_portal_url(query_string="&booked=1"), code=303)

    @http.route(
        "/booking/<az_booking_type:type_id>/book",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def booking_submit(self, type_id, **post):
        try:
            booking_type = self._get_booking_type(type_id)
            booking_request = self._parse_booking_request(booking_type, post)
        except BookingError as error:
            return self._error_page(error)
        if booking_request["errors"]:
            return self._render_form_errors(booking_type, booking_request)
        try:
            # a refusal is rolled back there; the same form sent twice at the same instant
            # answers both sendings with the booking it made
            booking, _created = request.env["az.booking"]._book_from_website_once(
                booking_type, booking_request
            )
        except (UserError, pg_errors.UniqueViolation, pg_errors.ExclusionViolation) as error:
            if isinstance(error, pg_errors.UniqueViolation):
                return self._error_page(BookingError(self._form_sent_twice_message(), 409))
            if isinstance(error, pg_errors.ExclusionViolation):  # taken meanwhile
                message = request.env["az.booking"]._exclusion_message(error)
            else:
                message = error.args[0]
            return self._render_no_longer_free(booking_type, booking_request, message=message)
        return self._redirect_to_confirmation(booking)

    def _form_sent_twice_message(self):
        return request.env._(
            "This form was sent twice at the same time: your booking is made. Its confirmation "
            "and your personal link are on their way to you."
        )

    # ------------------------------------------------------------------------------------
    # Former manage links
    # ------------------------------------------------------------------------------------
    @http.route(
        ["/booking/manage/<path:token>"],
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def booking_manage_former(self, token=None, **kwargs):
        """The personal links of the former scheme: a clear 404, never an action."""
        return self._error_page(
            self._contact_error(
                request.env._(
                    "This link is no longer in use. Please use the button of your latest e-mail or message."
                ),
                title=request.env._("Link not valid"),
            )
        )
