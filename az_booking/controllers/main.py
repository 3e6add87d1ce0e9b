"""Public booking pages: the list of booking types, the free slots of a type week by week
(``/booking/<slug>``), and the booking form.

Every route validates its input before writing anything, answers bad input with a 4xx page
or a message, and uses ``sudo()`` only once the access check is done (a published type of
the current website, checked by ``_get_booking_type``). The slots,
the booking's values and the dates come from the models; the controllers only turn them
into page values (``_prepare_*`` methods, overridable)."""

import re
import secrets
from collections import OrderedDict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize, email_split

from odoo.addons.az_project_base.controllers.public_input import PublicInputMixin
from odoo.addons.az_project_base.tools import public_input as pi
from odoo.addons.phone_validation.tools.phone_validation import phone_format

NAME_MAX = 128
EMAIL_MAX = 254
PHONE_MAX = 32
ANSWER_MAX = {"char": 256, "text": 2000, "boolean": 5}
REASON_MAX = 1000
EMAIL_RE = re.compile(r"^[^@\s,;<>()\[\]\\\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
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


class AzBookingPageMixin(PublicInputMixin):
    """Page values shared by the booking pages and the personal pages of a booking
    (``controllers/portal.py``): both controllers inherit them, an addon overrides them in
    the controller it extends."""

    # ------------------------------------------------------------------------------------
    # Input
    # ------------------------------------------------------------------------------------
    def _error_page(self, error):
        return request.render(
            "az_booking.booking_error_page",
            {
                "error_title": error.title or request.env._("Sorry, we cannot do that"),
                "error_message": error.message,
            },
            status=error.status,
        )

    def _parse_start(self, value):
        """A slot start given in a URL or form: ``YYYY-MM-DDTHH:MM``, naive UTC."""
        try:
            return pi.parse_minute(value, "start")
        except pi.InputError:
            raise BookingError(
                request.env._("This appointment time is not valid. Please choose a time in the list.")
            ) from None

    def _format_start(self, moment):
        return moment.strftime(START_FORMAT)

    def _parse_week(self, booking_type, value):
        """Monday of the week to show, in the type's timezone (this week by default),
        within the booking window."""
        today = booking_type._local_today()
        if value:
            try:
                day = pi.parse_date(value, "week")
            except pi.InputError:
                raise BookingError(request.env._("This week is not a valid date (YYYY-MM-DD).")) from None
        else:
            day = today
        day = min(max(day, today), today + timedelta(days=booking_type.horizon_days))
        return day - timedelta(days=day.weekday())

    def _read_text(self, post, key, limit, label=None, multiline=False, errors=None):
        """A text field of a posted form through the shared checks: the cleaned value, or ""
        with the refusal's message put in ``errors[key]``."""
        try:
            return pi.clean_text(post.get(key), limit, field=key, multiline=multiline)
        except pi.InputError as error:
            if errors is not None:
                errors[key] = self._input_error_message(error, label)
            return ""

    def _find_slot(self, booking_type, start, exclude=None, include_full=False):
        """The free slot starting at ``start`` (notice and horizon applied), None when taken
        or out of the window; a time in the past is refused with a clear message."""
        if start <= fields.Datetime.now():
            raise BookingError(request.env._("This time is in the past. Please choose a time in the list."))
        return booking_type._find_free_slot(start, exclude=exclude, include_full=include_full)

    # ------------------------------------------------------------------------------------
    # Page values
    # ------------------------------------------------------------------------------------
    def _prepare_session_details(self, booking_type, slot):
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
        end_time = booking_type._format_time(slot["stop"])
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

    def _prepare_slot_days(self, booking_type, slots, current=None):
        """Free slots grouped by local day: [{label, slots: [{start, label, time, ...}]}].
        ``current`` (naive UTC) marks the time a booking being moved holds now."""
        env = request.env
        days = OrderedDict()
        for slot in slots:
            local_day = booking_type._to_local(slot["start"]).date()
            day = days.setdefault(local_day, {"label": booking_type._format_day(slot["start"]), "slots": []})
            full = slot["seats_left"] <= 0
            details = self._prepare_session_details(booking_type, slot)
            when = booking_type._format_when(slot["start"])
            day["slots"].append(
                {
                    "start": self._format_start(slot["start"]),
                    "time": booking_type._format_time(slot["start"]),
                    "seats_left": slot["seats_left"],
                    "full": full,
                    "label": env._("Join the waiting list for %s", when) if full else env._("Book %s", when),
                    "move_label": env._("Move my appointment to %s", when),
                    "current": bool(current and slot["start"] == current),
                    **details,
                }
            )
            if details:  # the link's name says everything its text shows
                day["slots"][-1]["label"] += " (%s)" % details["details"]
        return list(days.values())

    def _prepare_week_values(self, booking_type, week, exclude=None):
        """Values of a week of free slots, with the links to the weeks around it."""
        monday = self._parse_week(booking_type, week)
        start_utc, stop_utc = booking_type._local_day_bounds(monday, monday + timedelta(days=6))
        engine = booking_type.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
        slots = engine._get_free_slots(
            start_utc, stop_utc, include_full=booking_type.is_collective and not exclude
        )
        if exclude:
            slots = [s for s in slots if s["seats_left"] > 0]
        now = fields.Datetime.now()
        horizon = now + timedelta(days=booking_type.horizon_days)
        today = booking_type._local_today()
        next_week = monday + timedelta(days=7) if stop_utc < horizon else None
        prev_week = monday - timedelta(days=7) if monday > today - timedelta(days=today.weekday()) else None
        next_free = None
        if not slots and stop_utc < horizon:
            later = booking_type._get_next_free_slots(stop_utc, count=1, exclude=exclude)
            if later:
                local = booking_type._to_local(later[0]["start"]).date()
                next_free = {
                    "week": (local - timedelta(days=local.weekday())).isoformat(),
                    "label": booking_type._format_when(later[0]["start"]),
                }
        return {
            "week_label": booking_type._format_week(monday),
            "week": monday.isoformat(),
            "next_week": next_week and next_week.isoformat(),
            "prev_week": prev_week and prev_week.isoformat(),
            "days": self._prepare_slot_days(booking_type, slots, current=exclude.start if exclude else None),
            "next_free": next_free,
            "tz_name": booking_type.tz_label,
        }

    def _prepare_next_slots_values(self, booking_type, after, count=5):
        return self._prepare_slot_days(booking_type, booking_type._get_next_free_slots(after, count))

    def _prepare_booking_values(self, booking):
        """What the personal pages show of a booking (a sudo record)."""
        booking_type = booking.type_id
        state_labels = dict(booking._fields["state"]._description_selection(request.env))
        format_labels = dict(booking_type._fields["location_format"]._description_selection(request.env))
        return {
            "booking": booking,
            "booking_type": booking_type,
            "when": booking_type._format_when(booking.start),
            "end_time": booking_type._format_time(booking.stop),
            "state_label": state_labels.get(booking.state, booking.state),
            "format_label": format_labels.get(booking_type.location_format),
            "can_change": booking._portal_can_change(),
            "deadline": booking_type._format_when(booking._portal_deadline()),
            "contact_phone": booking_type._get_contact_phone(),
            "tz_name": booking_type.tz_label,
        }


class AzBookingWebsite(AzBookingPageMixin, http.Controller):
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
        booking_type = request.env["az.booking.type"].sudo().browse(type_id).exists()
        if (
            not booking_type
            or not booking_type.active
            or not booking_type.is_published
            or booking_type.company_id != request.website.company_id
            or not booking_type.with_context(website_id=request.website.id).website_published
        ):
            raise self._booking_type_error()
        return booking_type

    def _prepare_booking_types_values(self):
        booking_types = (
            request.env["az.booking.type"]
            .sudo()
            .search(
                [("is_published", "=", True), ("company_id", "=", request.website.company_id.id)]
                + request.website.website_domain()
            )
        )
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
            pi.parse_phone(phone, "phone")
            formatted = phone_format(
                phone,
                country.code or None,
                country.phone_code or None,
                force_format="E164",
                raise_exception=True,
            )
        except (pi.InputError, UserError):
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
        name = self._read_text(post, "name", NAME_MAX, env._("Name"), errors=errors)
        if "name" not in errors:
            if not name:
                errors["name"] = env._("Please give your name.")
            elif FORBIDDEN_NAME_CHARS.search(name):
                errors["name"] = env._(
                    "Your name contains characters that are not allowed (such as < > or /)."
                )
        values["name"] = name
        email = self._read_text(post, "email", EMAIL_MAX, env._("E-mail"), errors=errors)
        values["email"] = email
        values["email_normalized"] = self._validate_email(email, errors)
        phone = self._read_text(post, "phone", PHONE_MAX, env._("Phone"), errors=errors)
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
                value = self._read_text(
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

    def _prepare_booking_create_values(self, booking_type, slot, partner, claim_partner, values, answers):
        """Values of the booking a checked form makes: the type's booking values, with who
        booked it, the consent, the language of the page and the form's one-time key."""
        user = request.env.user
        booked_by = partner if user._is_public() else user.partner_id
        installed = dict(request.env["res.lang"].get_installed())
        return booking_type._prepare_booking_values(
            partner,
            slot,
            answers={question_id: value for question_id, value in answers.items() if value},
            claim_partner_id=claim_partner.id,
            booked_by_id=booked_by.id,
            booked_by_kind="self" if booked_by == partner else "referrer",
            consent_datetime=fields.Datetime.now(),
            lang=request.env.lang if request.env.lang in installed else False,
            submission_key=values[SUBMISSION_KEY_FIELD],
            **({"user_id": values["staff_id"]} if values.get("staff_id") else {}),
        )

    def _booking_of_submission(self, key):
        """The booking a submission key made, committed by any worker (a fresh cursor sees
        what this transaction's snapshot may not)."""
        with request.env.registry.cursor() as cr:
            cr.execute("SELECT id FROM az_booking WHERE submission_key = %s", [key])
            row = cr.fetchone()
        return request.env["az.booking"].sudo().browse(row[0]).exists() if row else None

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
        return request.redirect(booking.get_portal_url(query_string="&booked=1"), code=303)

    def _verify_bot_protection(self):
        """Odoo's hook for reCAPTCHA / Turnstile: it lets everything through until an
        administrator enables one of them."""
        try:
            return request.env["ir.http"]._verify_request_recaptcha_token("az_booking_submit")
        except (UserError, ValidationError):
            return False

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
            start = self._parse_start(post.get("start"))
        except BookingError as error:
            return self._error_page(error)
        if post.get(HONEYPOT_FIELD):
            return self._error_page(
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
            return self._error_page(
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
            return self._error_page(
                BookingError(
                    request.env._("We could not check that you are not a robot. Please try again."), 400
                )
            )
        waiting_list = booking_type.is_collective and post.get("waiting_list") == "1"
        try:
            slot = self._find_slot(booking_type, start, include_full=waiting_list)
        except BookingError as error:
            return self._error_page(error)
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
                next_slots=self._prepare_next_slots_values(booking_type, start),
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
        try:
            with request.env.cr.savepoint():
                partner, claim_partner = self._find_or_create_partner(booking_type, values)
                booking = (
                    request.env["az.booking"]
                    .sudo()
                    .with_context(
                        mail_create_nosubscribe=True,
                        az_booking_no_waiting=not waiting_list,
                    )
                    .create(
                        self._prepare_booking_create_values(
                            booking_type, slot, partner, claim_partner, values, answers
                        )
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
                next_slots=self._prepare_next_slots_values(booking_type, start),
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
        return self._error_page(
            BookingError(
                request.env._(
                    "This link is no longer in use. Please use the button of your "
                    "latest e-mail or message, or call us."
                ),
                404,
                title=request.env._("Link not valid"),
            )
        )
