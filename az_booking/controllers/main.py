"""Public booking pages: the list of booking types, the free slots of a type week by week,
the booking form, and the personal manage page reached by an expiring token link.

Every route validates its input before touching the database, answers bad input with a 4xx
page or a message, and uses ``sudo()`` only once the access check is done (a published type
of the current website's company, or a valid manage token)."""

import re
import secrets
from collections import OrderedDict
from datetime import datetime, time, timedelta

import pytz
from babel.dates import format_date, format_time
from psycopg2 import errors as pg_errors

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize, email_split
from odoo.tools.misc import babel_locale_parse

from odoo.addons.az_project_base.controllers.public_input import input_error_message
from odoo.addons.az_project_base.tools import public_input as pi
from odoo.addons.phone_validation.tools.phone_validation import phone_format

NAME_MAX = 128
EMAIL_MAX = 254
PHONE_MAX = 32
ANSWER_MAX = {"char": 256, "text": 2000, "boolean": 5}
REASON_MAX = 1000
EMAIL_RE = re.compile(r"^[^@\s,;<>()\[\]\\\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PHONE_RE = re.compile(r"^[0-9+().\- ]{4,32}$")
FORBIDDEN_NAME_CHARS = re.compile(r"[<>{}\[\]\\/=;:@#$%*^|~`\"\x00-\x1f]")
HONEYPOT_FIELD = "website_url"
SUBMISSION_KEY_FIELD = "submission_key"
START_FORMAT = "%Y-%m-%dT%H:%M"


class BookingError(Exception):
    """A request the pages refuse: rendered as a 4xx page with a clear message."""

    def __init__(self, message, status=400, title=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.title = title


# ----------------------------------------------------------------------------------------
# Helpers shared with the portal controller
# ----------------------------------------------------------------------------------------
def error_page(error):
    return request.render(
        "az_booking.booking_error_page",
        {
            "error_title": error.title or request.env._("Sorry, we cannot do that"),
            "error_message": error.message,
        },
        status=error.status,
    )


def _locale():
    return babel_locale_parse(request.env.lang or "en_US")


def to_local(booking_type, moment):
    """Naive UTC -> aware datetime in the type's timezone."""
    return pytz.utc.localize(moment).astimezone(pytz.timezone(booking_type.tz or "UTC"))


def day_label(local_moment):
    return format_date(local_moment, format="EEEE d MMMM y", locale=_locale())


def time_label(local_moment):
    return format_time(local_moment, format="HH:mm", locale=_locale())


def when_label(booking_type, moment):
    local = to_local(booking_type, moment)
    return request.env._("%(day)s at %(time)s", day=day_label(local), time=time_label(local))


def parse_start(value):
    """A slot start given in a URL or form: ``YYYY-MM-DDTHH:MM``, naive UTC."""
    try:
        return pi.parse_minute(value, "start")
    except pi.InputError:
        raise BookingError(
            request.env._("This appointment time is not valid. Please choose a time in the list.")
        ) from None


def format_start(moment):
    return moment.strftime(START_FORMAT)


def parse_week(booking_type, value):
    """Monday of the week to show, in the type's timezone (this week by default)."""
    today = to_local(booking_type, fields.Datetime.now()).date()
    if value:
        try:
            day = pi.parse_date(value, "week")
        except pi.InputError:
            raise BookingError(request.env._("This week is not a valid date (YYYY-MM-DD).")) from None
    else:
        day = today
    last_day = today + timedelta(days=booking_type.horizon_days)
    day = min(max(day, today), last_day)  # within the booking window
    return day - timedelta(days=day.weekday())


def week_bounds_utc(booking_type, monday):
    zone = pytz.timezone(booking_type.tz or "UTC")
    start = zone.localize(datetime.combine(monday, time.min))
    stop = zone.localize(datetime.combine(monday + timedelta(days=7), time.min))
    return (start.astimezone(pytz.utc).replace(tzinfo=None), stop.astimezone(pytz.utc).replace(tzinfo=None))


def slot_days(booking_type, slots, current=None):
    """Free slots grouped by local day: [{label, slots: [{start, label, time, ...}]}].
    ``current`` (naive UTC) marks the time a booking being moved holds now."""
    days = OrderedDict()
    for slot in slots:
        local = to_local(booking_type, slot["start"])
        day = days.setdefault(local.date(), {"label": day_label(local), "slots": []})
        full = slot["seats_left"] <= 0
        details = session_details(booking_type, slot)
        when = request.env._("%(day)s at %(time)s", day=day_label(local), time=time_label(local))
        day["slots"].append(
            {
                "start": format_start(slot["start"]),
                "time": time_label(local),
                "seats_left": slot["seats_left"],
                "full": full,
                "label": (
                    request.env._("Join the waiting list for %s", when)
                    if full
                    else request.env._("Book %s", when)
                ),
                "move_label": request.env._("Move my appointment to %s", when),
                "current": bool(current and slot["start"] == current),
                **details,
            }
        )
        if details:  # the link's name says everything its text shows
            day["slots"][-1]["label"] += " (%s)" % details["details"]
    return list(days.values())


def week_values(booking_type, week, exclude=None):
    """Values of a week of free slots, with the links to the weeks around it."""
    monday = parse_week(booking_type, week)
    start_utc, stop_utc = week_bounds_utc(booking_type, monday)
    engine = booking_type.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
    slots = engine._get_free_slots(
        start_utc, stop_utc, include_full=booking_type.is_collective and not exclude
    )
    if exclude:
        slots = [s for s in slots if s["seats_left"] > 0]
    now = fields.Datetime.now()
    horizon = now + timedelta(days=booking_type.horizon_days)
    today = to_local(booking_type, now).date()
    next_week = monday + timedelta(days=7) if stop_utc < horizon else None
    prev_week = monday - timedelta(days=7) if monday > today - timedelta(days=today.weekday()) else None
    next_free = None
    if not slots and stop_utc < horizon:
        later = engine._get_free_slots(stop_utc, horizon)
        if later:
            local = to_local(booking_type, later[0]["start"]).date()
            next_free = {
                "week": (local - timedelta(days=local.weekday())).isoformat(),
                "label": when_label(booking_type, later[0]["start"]),
            }
    sunday = monday + timedelta(days=6)
    return {
        "week_label": request.env._(
            "Week from %(first)s to %(last)s",
            first=format_date(monday, format="EEEE d MMMM", locale=_locale()),
            last=format_date(sunday, format="EEEE d MMMM y", locale=_locale()),
        ),
        "week": monday.isoformat(),
        "next_week": next_week and next_week.isoformat(),
        "prev_week": prev_week and prev_week.isoformat(),
        "days": slot_days(booking_type, slots, current=exclude.start if exclude else None),
        "next_free": next_free,
        "tz_name": booking_type.tz_label,
    }


def find_slot(booking_type, start, exclude=None, include_full=False):
    """The engine's free slot starting at ``start`` (notice and horizon applied)."""
    now = fields.Datetime.now()
    if start <= now:
        raise BookingError(request.env._("This time is in the past. Please choose a time in the list."))
    if start > now + timedelta(days=booking_type.horizon_days):
        return None
    stop = start + timedelta(hours=booking_type.duration)
    engine = booking_type.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
    # a window of whole days, so that the slots lie on the grid of the working hours
    slots = engine._get_free_slots(
        start - timedelta(days=1), stop + timedelta(days=1), include_full=include_full
    )
    if booking_type.is_collective:  # a session keeps its own length
        return next((s for s in slots if s["start"] == start), None)
    return next((s for s in slots if s["start"] == start and s["stop"] == stop), None)


def session_details(booking_type, slot):
    """What a visitor is told of a workshop session: end time, place and, when the type
    allows it, the facilitator's first name."""
    if not slot.get("session_id"):
        return {}
    env = request.env
    site = env["az.site"].sudo().browse(slot["site_id"]) if slot.get("site_id") else None
    facilitator = False
    if booking_type.show_facilitator and slot.get("user_ids"):
        session = env["az.booking.slot"].sudo().browse(slot["session_id"])
        name = (session.user_id or session.user_ids[:1]).name or ""
        facilitator = name.split()[0] if name.split() else False
    end_time = time_label(to_local(booking_type, slot["stop"]))
    parts = [env._("until %s", end_time)]
    if site:
        parts.append(site.name)
    if facilitator:
        parts.append(env._("with %s", facilitator))
    return {
        "end_time": end_time,
        "place": site.name if site else False,
        "facilitator": facilitator,
        "details": ", ".join(parts),
    }


def next_free_slots(booking_type, after, count=5):
    horizon = fields.Datetime.now() + timedelta(days=booking_type.horizon_days)
    slots = []
    cursor = after
    while len(slots) < count and cursor < horizon:
        window_stop = min(cursor + timedelta(days=14), horizon)
        slots += [s for s in booking_type._get_free_slots(cursor, window_stop) if s["seats_left"] > 0]
        cursor = window_stop
    return slot_days(booking_type, slots[:count])


def booking_values(booking):
    """What the manage pages show of a booking (a sudo record)."""
    booking_type = booking.type_id
    state_labels = dict(booking._fields["state"]._description_selection(request.env))
    format_labels = dict(booking_type._fields["location_format"]._description_selection(request.env))
    return {
        "booking": booking,
        "booking_type": booking_type,
        "when": when_label(booking_type, booking.start),
        "end_time": time_label(to_local(booking_type, booking.stop)),
        "state_label": state_labels.get(booking.state, booking.state),
        "format_label": format_labels.get(booking_type.location_format),
        "can_change": booking._portal_can_change(),
        "deadline": when_label(booking_type, booking._portal_deadline()),
        "contact_phone": booking_type._get_contact_phone(),
        "tz_name": booking_type.tz_label,
    }


def read_text(post, key, limit, label=None, multiline=False, errors=None):
    """A text field of a posted form through the shared checks: the cleaned value, or ""
    with the refusal's message put in ``errors[key]``."""
    try:
        return pi.clean_text(post.get(key), limit, field=key, multiline=multiline)
    except pi.InputError as error:
        if errors is not None:
            errors[key] = input_error_message(request.env, error, label)
        return ""


class AzBookingWebsite(http.Controller):
    # ------------------------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------------------------
    def _get_booking_type(self, type_id):
        """A published, active booking type of the current website's company, or a 404."""
        try:
            type_id = pi.parse_id(type_id, field="type_id")
        except pi.InputError:
            raise BookingError(request.env._("This appointment type does not exist."), 404) from None
        booking_type = (
            request.env["az.booking.type"]
            .sudo()
            .search(
                [
                    ("id", "=", type_id),
                    ("is_published", "=", True),
                    ("company_id", "=", request.website.company_id.id),
                ],
                limit=1,
            )
        )
        if not booking_type:
            raise BookingError(
                request.env._("This appointment type does not exist or cannot be booked online."), 404
            )
        return booking_type

    # ------------------------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------------------------
    @http.route("/booking", type="http", auth="public", website=True, sitemap=True)
    def booking_types(self, **kwargs):
        booking_types = (
            request.env["az.booking.type"]
            .sudo()
            .search(
                [
                    ("is_published", "=", True),
                    ("company_id", "=", request.website.company_id.id),
                ]
            )
        )
        groups = OrderedDict()
        for booking_type in booking_types.sorted(lambda t: (t.project_id.name or "", t.sequence, t.id)):
            groups.setdefault(booking_type.project_id, []).append(booking_type)
        format_labels = dict(
            request.env["az.booking.type"]._fields["location_format"]._description_selection(request.env)
        )
        return request.render(
            "az_booking.booking_types_page",
            {
                "groups": [{"project": project, "types": types} for project, types in groups.items()],
                "format_labels": format_labels,
            },
        )

    @http.route("/booking/<string:type_id>", type="http", auth="public", website=True, sitemap=False)
    def booking_type_page(self, type_id, week=None, **kwargs):
        try:
            booking_type = self._get_booking_type(type_id)
            values = week_values(booking_type, week)
        except BookingError as error:
            return error_page(error)
        format_labels = dict(booking_type._fields["location_format"]._description_selection(request.env))
        values.update(
            {
                "booking_type": booking_type,
                "format_label": format_labels.get(booking_type.location_format),
            }
        )
        return request.render("az_booking.booking_type_page", values)

    # ------------------------------------------------------------------------------------
    # Booking form
    # ------------------------------------------------------------------------------------
    def _form_defaults(self):
        user = request.env.user
        if user._is_public():
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
        local = to_local(booking_type, slot["start"]) if slot else None
        values = values if values is not None else self._form_defaults()
        if not values.get(SUBMISSION_KEY_FIELD):
            values[SUBMISSION_KEY_FIELD] = secrets.token_urlsafe(24)
        return request.render(
            "az_booking.booking_form_page",
            {
                "booking_type": booking_type,
                "slot": slot,
                "start": format_start(slot["start"]) if slot else "",
                "when": when_label(booking_type, slot["start"]) if slot else "",
                "end_time": time_label(to_local(booking_type, slot["stop"])) if slot else "",
                "local_day": day_label(local) if local else "",
                "waiting_list": bool(slot and slot["seats_left"] <= 0),
                "values": values,
                "submission_key_field": SUBMISSION_KEY_FIELD,
                "errors": errors or {},
                "message": message,
                "next_slots": next_slots,
                "consent_text": booking_type._get_consent_text(),
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
        "/booking/<string:type_id>/book",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def booking_form(self, type_id, start=None, **kwargs):
        try:
            booking_type = self._get_booking_type(type_id)
            slot = find_slot(booking_type, parse_start(start), include_full=booking_type.is_collective)
        except BookingError as error:
            return error_page(error)
        if not slot:
            return self._render_form(
                booking_type,
                None,
                status=409,
                message=request.env._("This time is not available. Here are the next free times:"),
                next_slots=next_free_slots(booking_type, parse_start(start)),
            )
        return self._render_form(booking_type, slot)

    def _validate_email(self, email, errors):
        """The typed e-mail address checked and normalised by Odoo's own helpers: one
        address, nothing around it."""
        if not email or "email" in errors:
            return False
        normalized = email_normalize(email, strict=True)
        if len(email_split(email)) != 1 or not normalized or not EMAIL_RE.match(email):
            errors["email"] = request.env._(
                "This e-mail address is not valid (for example: name@example.com)."
            )
            return False
        return normalized

    def _phone_country(self):
        """The country national numbers are read in: the website company's, else the one
        of the visitor's address (GeoIP) when known."""
        country = request.website.company_id.country_id
        if not country:
            code = request.geoip.country_code if request.geoip else None
            if code:
                country = request.env["res.country"].search([("code", "=", code)], limit=1)
        return country

    def _validate_phone(self, phone, errors):
        """The typed phone number in international form (E.164) through Odoo's phone
        helpers (``phone_validation``)."""
        if not phone or "phone" in errors:
            return False
        country = self._phone_country()
        try:
            if not PHONE_RE.match(phone) or sum(c.isdigit() for c in phone) < 6:
                raise UserError(phone)
            formatted = phone_format(
                phone,
                country.code or None,
                country.phone_code or None,
                force_format="E164",
                raise_exception=True,
            )
        except UserError:
            errors["phone"] = request.env._(
                "This phone number is not valid. Please check it, or write it with its "
                "country code (for example +33 6 12 34 56 78)."
            )
            return False
        return formatted

    def _validate_form(self, booking_type, post):
        """Clean values and per-field error messages of a posted booking form."""
        errors = {}
        values = {}
        env = request.env
        name = read_text(post, "name", NAME_MAX, env._("Name"), errors=errors)
        if "name" not in errors:
            if not name:
                errors["name"] = env._("Please give your name.")
            elif FORBIDDEN_NAME_CHARS.search(name):
                errors["name"] = env._(
                    "Your name contains characters that are not allowed (such as < > or /)."
                )
        values["name"] = name
        email = read_text(post, "email", EMAIL_MAX, env._("E-mail"), errors=errors)
        values["email"] = email
        values["email_normalized"] = self._validate_email(email, errors)
        phone = read_text(post, "phone", PHONE_MAX, env._("Phone"), errors=errors)
        values["phone"] = phone
        values["phone_e164"] = self._validate_phone(phone, errors)
        if not email and not phone and "email" not in errors and "phone" not in errors:
            errors["email"] = env._(
                "Please give an e-mail address or a mobile phone number: we send your "
                "confirmation and your personal link there."
            )
        answers = {}
        for question in booking_type.question_ids:
            key = f"question_{question.id}"
            limit = ANSWER_MAX.get(question.answer_type, 256)
            raw = post.get(key)
            if question.answer_type == "boolean":
                value = "yes" if raw in ("yes", "1", "on") else ("no" if raw == "no" else "")
                if raw not in (None, "", "yes", "no", "1", "on"):
                    errors[key] = env._("Please answer yes or no.")
            else:
                value = read_text(
                    post, key, limit, question.name, multiline=question.answer_type == "text", errors=errors
                )
            if question.is_required and not value and key not in errors:
                errors[key] = env._("Please answer this question.")
            answers[question.id] = value
            values[key] = value
        if post.get("consent") != "1":
            errors["consent"] = env._("Please accept the processing of your information to book.")
        values["consent"] = post.get("consent") == "1"
        return values, answers, errors

    def _find_or_create_partner(self, booking_type, values):
        """The contact a website booking is for, chosen so that nothing stored is ever
        shown to someone who only typed an address:

        - a logged-in person who typed their own e-mail (or, without e-mail, their own
          phone) books for themselves;
        - otherwise the booking goes to a contact holding exactly what was typed: one the
          form made before with the same name, e-mail and phone (and no user account), or
          a new one. A stored contact with the same e-mail or phone is only recorded as
          ``claim_partner_id``: the booking joins it when the person confirms through the
          link sent to that address.

        Returns ``(partner, claim_partner)``."""
        user = request.env.user
        Partner = request.env["res.partner"].sudo().with_context(active_test=False)
        own = user.partner_id
        if not user._is_public() and (
            (values["email_normalized"] and own.email_normalized == values["email_normalized"])
            or (
                not values["email_normalized"]
                and values["phone_e164"]
                and values["phone_e164"] in (own.phone_sanitized, own.mobile)
            )
        ):
            return own.sudo(), Partner
        company_domain = [("company_id", "in", [False, booking_type.company_id.id])]
        if values["email_normalized"]:
            address_domain = [("email_normalized", "=", values["email_normalized"])]
        else:
            address_domain = [
                "|",
                ("phone_sanitized", "=", values["phone_e164"]),
                ("mobile", "=", values["phone_e164"]),
            ]
        matches = Partner.search(address_domain + company_domain, order="id")
        same = matches.filtered(
            lambda p: (
                not p.user_ids
                and p.active
                and (p.name or "").strip().casefold() == values["name"].casefold()
                and (p.phone or False) == (values["phone_e164"] or False)
                and (p.email or False) == (values["email"] or False)
            )
        )
        if same:
            return same[0], Partner
        partner = Partner.with_context(mail_create_nosubscribe=True).create(
            {
                "name": values["name"],
                "email": values["email"] or False,
                "phone": values["phone_e164"] or False,
                "lang": request.env.lang
                if request.env.lang in dict(request.env["res.lang"].get_installed())
                else False,
                "az_is_beneficiary": True,
                "company_id": booking_type.company_id.id,
            }
        )
        return partner, matches[:1]

    def _booking_of_submission(self, key):
        """The booking a submission key made, committed by any worker (a fresh cursor sees
        what this transaction's snapshot may not)."""
        with request.env.registry.cursor() as cr:
            cr.execute("SELECT id FROM az_booking WHERE submission_key = %s", [key])
            row = cr.fetchone()
        return request.env["az.booking"].sudo().browse(row[0]).exists() if row else None

    def _redirect_to_confirmation(self, booking):
        if booking.state == "cancelled":
            return error_page(
                BookingError(
                    request.env._(
                        "This form was already sent, and the booking it made has been cancelled "
                        "since. Please open the booking page again."
                    ),
                    409,
                )
            )
        return request.redirect(booking.get_portal_url(query_string="&booked=1"), code=303)

    def _verify_bot_protection(self):
        """Odoo's hook for reCAPTCHA / Turnstile: it lets everything through until an
        administrator enables one of them."""
        try:
            return request.env["ir.http"]._verify_request_recaptcha_token("az_booking_submit")
        except (UserError, ValidationError):
            return False

    @http.route(
        "/booking/<string:type_id>/book",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def booking_submit(self, type_id, **post):
        try:
            booking_type = self._get_booking_type(type_id)
            start = parse_start(post.get("start"))
        except BookingError as error:
            return error_page(error)
        if post.get(HONEYPOT_FIELD):
            return error_page(
                BookingError(
                    request.env._(
                        "Your request could not be processed. Please try again without filling the "
                        "hidden field."
                    ),
                    400,
                )
            )
        try:
            key = pi.parse_token(post.get(SUBMISSION_KEY_FIELD), field=SUBMISSION_KEY_FIELD)
        except pi.InputError:
            return error_page(
                BookingError(
                    request.env._(
                        "This form is not valid or has expired. Please open the booking page again."
                    ),
                    400,
                )
            )
        first = self._booking_of_submission(key)
        if first:  # the same form sent again: show what the first sending booked
            return self._redirect_to_confirmation(first)
        if not self._verify_bot_protection():
            return error_page(
                BookingError(
                    request.env._("We could not check that you are not a robot. Please try again."), 400
                )
            )
        waiting_list = booking_type.is_collective and post.get("waiting_list") == "1"
        try:
            slot = find_slot(booking_type, start, include_full=waiting_list)
        except BookingError as error:
            return error_page(error)
        values, answers, errors = self._validate_form(booking_type, post)
        values[SUBMISSION_KEY_FIELD] = key
        staff_id = False
        if (
            booking_type.assignment == "user_picks"
            and not booking_type.is_collective
            and post.get("staff_id") not in (None, "")
        ):
            try:
                staff_id = pi.parse_id(post.get("staff_id"), field="staff_id")
            except pi.InputError:
                staff_id = -1
            values["staff_id"] = staff_id
            if staff_id == -1 or (slot and staff_id not in slot["user_ids"]):
                errors["staff_id"] = request.env._(
                    "This person is not free at this time: choose another one."
                )
        if not slot:
            return self._render_form(
                booking_type,
                None,
                values=values,
                status=409,
                message=request.env._("This time is no longer available. Here are the next free times:"),
                next_slots=next_free_slots(booking_type, start),
            )
        if errors:
            return self._render_form(
                booking_type,
                slot,
                values=values,
                errors=errors,
                status=400,
                message=request.env._("Please correct the fields marked below."),
            )
        user = request.env.user
        try:
            with request.env.cr.savepoint():
                partner, claim_partner = self._find_or_create_partner(booking_type, values)
                booked_by = partner if user._is_public() else user.partner_id
                booking = (
                    request.env["az.booking"]
                    .sudo()
                    .with_context(
                        mail_create_nosubscribe=True,
                        az_booking_no_waiting=not waiting_list,
                    )
                    .create(
                        {
                            "type_id": booking_type.id,
                            "partner_id": partner.id,
                            "claim_partner_id": claim_partner.id,
                            "booked_by_id": booked_by.id,
                            "booked_by_kind": "self" if booked_by == partner else "referrer",
                            "consent_datetime": fields.Datetime.now(),
                            "site_id": slot.get("site_id") or booking_type.site_ids[:1].id,
                            **({"slot_id": slot["session_id"]} if slot.get("session_id") else {}),
                            "start": slot["start"],
                            "stop": slot["stop"],
                            "lang": request.env.lang
                            if request.env.lang in dict(request.env["res.lang"].get_installed())
                            else False,
                            "submission_key": key,
                            **({"user_id": staff_id} if staff_id else {}),
                            "answer_ids": [
                                fields.Command.create({"question_id": question_id, "value": value})
                                for question_id, value in answers.items()
                                if value
                            ],
                        }
                    )
                )
        except pg_errors.UniqueViolation:
            # the same form, sent twice at once: the other sending committed first
            first = self._booking_of_submission(key)
            if first:
                return self._redirect_to_confirmation(first)
            raise
        except UserError as error:
            return self._render_form(
                booking_type,
                None,
                values=values,
                status=409,
                message=error.args[0] if error.args else request.env._("This time is no longer available."),
                next_slots=next_free_slots(booking_type, start),
            )
        booking.message_post(body=request.env._("Booked from the website."))
        booking._send_portal_notification("confirmation")
        return request.redirect(booking.get_portal_url(query_string="&booked=1"), code=303)

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
        return error_page(
            BookingError(
                request.env._(
                    "This link is no longer in use. Please use the button of your "
                    "latest e-mail or message, or call us."
                ),
                404,
                title=request.env._("Link not valid"),
            )
        )
