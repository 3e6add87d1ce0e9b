"""The territory on the website: a person (or a referent) types an address or a postcode on
``/booking`` and is offered the booking types and sites that serve it, with their first
free times, soonest first. A plain GET form and a plain list of links: it works without
JavaScript."""

from odoo import http
from odoo.http import request

from odoo.addons.az_project_base.tools import public_input as pi

from .booking_page import BookingError
from .main import AzBookingWebsite

ADDRESS_MAX = 200
TIMES_PER_ROW = 3


class AzBookingTerritoryWebsite(AzBookingWebsite):
    @http.route(
        "/booking/address",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def booking_address(self, address=None, **kwargs):
        label = request.env._("Your address or postcode")
        try:
            typed = pi.clean_text(address, ADDRESS_MAX, field="address", required=True)
        except pi.InputError as error:
            values = self._prepare_territory_values("", self._input_error_message(error, label))
            return request.render("az_booking.booking_territory_page", values, status=400)
        return request.render("az_booking.booking_territory_page", self._prepare_territory_values(typed))

    def _prepare_territory_values(self, typed, error=None):
        """The page of the types and sites serving ``typed`` (checked text), or of ``error``."""
        rows = []
        if typed:
            found = (
                request.env["az.booking.type"]
                .sudo()
                ._az_search_territory(typed, types=self._get_published_types(), limit=TIMES_PER_ROW)
            )
            rows = [self._prepare_territory_row(row) for row in found]
        return {"address": typed, "error": error, "rows": rows}

    def _prepare_territory_row(self, row):
        booking_type, site = row["type"], row["site"]
        query = f"&site={site.id}" if site else ""
        book_url = f"{booking_type.website_url}/book?start="
        return {
            "type": booking_type,
            "site": site,
            "place": site and (f"{site.name}, {site.address_line()}" if site.address_line() else site.name),
            "times": [
                {
                    "label": booking_type._format_when(slot["start"]),
                    # the year is in the hidden label: the buttons stay short
                    "day": booking_type._format_datetime(slot["start"], dt_format="EEEE d MMMM"),
                    "time": booking_type._format_time(slot["start"]),
                    "url": f"{book_url}{self._format_start(slot['start'])}{query}",
                }
                for slot in row["slots"]
            ],
            "url": booking_type.website_url,
        }

    # ------------------------------------------------------------------------------------
    # The site chosen on the address page, carried by the booking form
    # ------------------------------------------------------------------------------------
    def _parse_site(self, booking_type, value):
        """The site a link or form names (``site``), one of the type's, or a 400."""
        try:
            site_id = pi.parse_id(value, field="site")
        except pi.InputError as error:
            raise BookingError(self._input_error_message(error), 400) from None
        if site_id not in booking_type.site_ids.ids:
            raise BookingError(request.env._("This place does not receive this appointment."), 400)
        return site_id

    @http.route()
    def booking_form(self, type_id, start=None, site=None, **kwargs):
        if site not in (None, ""):
            try:
                self._parse_site(self._get_booking_type(type_id), site)
            except BookingError as error:
                return self._error_page(error)
        return super().booking_form(type_id, start=start, **kwargs)

    def _form_defaults(self):
        values = super()._form_defaults()
        site = request.params.get("site")  # checked by booking_form
        if site:
            values["site_id"] = pi.parse_id(site, field="site")
        return values

    def _render_form(self, booking_type, slot, values=None, *args, **kwargs):
        values = values if values is not None else self._form_defaults()
        if values.get("site_id"):
            values["site_name"] = booking_type.site_ids.filtered(lambda s: s.id == values["site_id"]).name
        return super()._render_form(booking_type, slot, values, *args, **kwargs)

    def _parse_booking_request(self, booking_type, post):
        booking_request = super()._parse_booking_request(booking_type, post)
        if post.get("site_id") not in (None, ""):
            site_id = self._parse_site(booking_type, post.get("site_id"))
            booking_request["site_id"] = booking_request["values"]["site_id"] = site_id
        return booking_request
