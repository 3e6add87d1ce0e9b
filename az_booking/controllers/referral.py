"""The page of a referent (a portal user of a referring organisation): the bookings they
made for the people they refer, with what happened to each (confirmed, moved, cancelled,
attended, absent, excused), and nothing else: not the person's other bookings, not another
referent's, not a sensitive type's name unless the type allows it. The record rule keeps
these bookings out of the referent's own reach (JSON-RPC included): this page reads them in
sudo, after its own check, and shows only ``az.booking._referral_row``."""

import re

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .booking_page import AzBookingPageMixin, BookingError

PAGE_SIZE = 20
REFERENCE_RE = re.compile(r"[A-Za-z0-9/_.-]{1,32}")


class AzBookingReferralPortal(AzBookingPageMixin, CustomerPortal):
    def _az_referrer_organisation(self):
        return request.env.user.partner_id._az_referrer_organisation()

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "az_referral_count" in counters:
            organisation = self._az_referrer_organisation()
            values["az_referral_count"] = (
                request.env["az.booking"]
                .sudo()
                .search_count(request.env["az.booking"]._referral_domain(request.env.user.partner_id))
                if organisation
                else 0
            )
        return values

    @http.route(["/my/referrals", "/my/referrals/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_referrals(self, page=1, booked=None, **kwargs):
        organisation = self._az_referrer_organisation()
        if not organisation:
            return self._error_page(
                BookingError(request.env._("This page is for the referents of referring organisations."), 403)
            )
        # the reference of the booking just made, to say so: shown only when it is one of
        # the referent's own (anything else is ignored)
        booked = booked if isinstance(booked, str) and REFERENCE_RE.fullmatch(booked) else ""
        domain = request.env["az.booking"]._referral_domain(request.env.user.partner_id)
        Booking = request.env["az.booking"].sudo()
        total = Booking.search_count(domain)
        pager = portal_pager(url="/my/referrals", total=total, page=page, step=PAGE_SIZE)
        bookings = Booking.search(
            domain, order="start desc, id desc", limit=PAGE_SIZE, offset=pager["offset"]
        )
        rows = [booking._referral_row() for booking in bookings]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "az_referrals",
                "organisation": organisation,
                "rows": rows,
                "pager": pager,
                "booked": booked if any(row["name"] == booked for row in rows) else "",
                "default_url": "/my/referrals",
            }
        )
        return request.render("az_booking.portal_my_referrals", values)
