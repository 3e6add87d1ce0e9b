"""Public booking pages: the list of booking types, the free slots of a type week by week,
the booking form, and the personal manage page reached by an expiring token link.

Every route validates its input before touching the database, answers bad input with a 4xx
page or a message, and uses ``sudo()`` only once the access check is done (a published type
of the current website's company, or a valid manage token)."""

import re
from collections import OrderedDict
from datetime import date, datetime, time, timedelta

import pytz
from babel.dates import format_date, format_time

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import email_normalize
from odoo.tools.misc import babel_locale_parse

NAME_MAX = 128
EMAIL_MAX = 254
PHONE_MAX = 32
ANSWER_MAX = {"char": 256, "text": 2000, "boolean": 5}
REASON_MAX = 1000
EMAIL_RE = re.compile(r"^[^@\s,;<>()\[\]\\\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PHONE_RE = re.compile(r"^[0-9+().\- ]{4,32}$")
FORBIDDEN_NAME_CHARS = re.compile(r"[<>{}\[\]\\/=;:@#$%*^|~`\"\x00-\x1f]")
HONEYPOT_FIELD = "website_url"
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
    return request.render("az_booking.booking_error_page", {
        "error_title": error.title or request.env._("Sorry, we cannot do that"),
        "error_message": error.message,
    }, status=error.status)


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
    if not isinstance(value, str) or len(value) != 16:
        raise BookingError(request.env._(
            "This appointment time is not valid. Please choose a time in the list."))
    try:
        return datetime.strptime(value, START_FORMAT)
    except ValueError:
        raise BookingError(request.env._(
            "This appointment time is not valid. Please choose a time in the list.")) from None


def format_start(moment):
    return moment.strftime(START_FORMAT)


def parse_week(booking_type, value):
    """Monday of the week to show, in the type's timezone (this week by default)."""
    today = to_local(booking_type, fields.Datetime.now()).date()
    if value:
        if not isinstance(value, str) or len(value) != 10:
            raise BookingError(request.env._("This week is not a valid date (YYYY-MM-DD)."))
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise BookingError(request.env._(
                "This week is not a valid date (YYYY-MM-DD).")) from None
    else:
        day = today
    last_day = today + timedelta(days=booking_type.horizon_days)
    day = min(max(day, today), last_day)  # within the booking window
    return day - timedelta(days=day.weekday())


def week_bounds_utc(booking_type, monday):
    zone = pytz.timezone(booking_type.tz or "UTC")
    start = zone.localize(datetime.combine(monday, time.min))
    stop = zone.localize(datetime.combine(monday + timedelta(days=7), time.min))
    return (start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None))


def slot_days(booking_type, slots):
    """Free slots grouped by local day: [{label, slots: [{start, label, time, ...}]}]."""
    days = OrderedDict()
    for slot in slots:
        local = to_local(booking_type, slot["start"])
        day = days.setdefault(local.date(), {"label": day_label(local), "slots": []})
        full = slot["seats_left"] <= 0
        when = request.env._("%(day)s at %(time)s", day=day_label(local), time=time_label(local))
        day["slots"].append({
            "start": format_start(slot["start"]),
            "time": time_label(local),
            "seats_left": slot["seats_left"],
            "full": full,
            "label": (request.env._("Join the waiting list for %s", when) if full
                      else request.env._("Book %s", when)),
            "move_label": request.env._("Move my appointment to %s", when),
        })
    return list(days.values())


def week_values(booking_type, week, exclude=None):
    """Values of a week of free slots, with the links to the weeks around it."""
    monday = parse_week(booking_type, week)
    start_utc, stop_utc = week_bounds_utc(booking_type, monday)
    engine = booking_type.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
    slots = engine._get_free_slots(
        start_utc, stop_utc, include_full=booking_type.is_collective and not exclude)
    if exclude:
        slots = [s for s in slots if s["seats_left"] > 0]
    now = fields.Datetime.now()
    horizon = now + timedelta(days=booking_type.horizon_days)
    today = to_local(booking_type, now).date()
    next_week = monday + timedelta(days=7) if stop_utc < horizon else None
    prev_week = monday - timedelta(days=7) if monday > today - timedelta(days=today.weekday()) \
        else None
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
            last=format_date(sunday, format="EEEE d MMMM y", locale=_locale())),
        "week": monday.isoformat(),
        "next_week": next_week and next_week.isoformat(),
        "prev_week": prev_week and prev_week.isoformat(),
        "days": slot_days(booking_type, slots),
        "next_free": next_free,
        "tz_name": booking_type.tz,
    }


def find_slot(booking_type, start, exclude=None, include_full=False):
    """The engine's free slot starting at ``start`` (notice and horizon applied)."""
    now = fields.Datetime.now()
    if start <= now:
        raise BookingError(request.env._(
            "This time is in the past. Please choose a time in the list."))
    if start > now + timedelta(days=booking_type.horizon_days):
        return None
    stop = start + timedelta(hours=booking_type.duration)
    engine = booking_type.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
    # a window of whole days, so that the slots lie on the grid of the working hours
    slots = engine._get_free_slots(
        start - timedelta(days=1), stop + timedelta(days=1), include_full=include_full)
    return next((s for s in slots if s["start"] == start and s["stop"] == stop), None)


def next_free_slots(booking_type, after, count=5):
    horizon = fields.Datetime.now() + timedelta(days=booking_type.horizon_days)
    slots = []
    cursor = after
    while len(slots) < count and cursor < horizon:
        window_stop = min(cursor + timedelta(days=14), horizon)
        slots += [s for s in booking_type._get_free_slots(cursor, window_stop)
                  if s["seats_left"] > 0]
        cursor = window_stop
    return slot_days(booking_type, slots[:count])


def booking_values(booking):
    """What the manage pages show of a booking (a sudo record)."""
    booking_type = booking.type_id
    state_labels = dict(booking._fields["state"]._description_selection(request.env))
    format_labels = dict(booking_type._fields["location_format"]._description_selection(
        request.env))
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
        "tz_name": booking_type.tz,
    }


def clean_text(value, limit):
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if len(value) > limit else value


class AzBookingWebsite(http.Controller):

    # ------------------------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------------------------
    def _get_booking_type(self, type_id):
        """A published, active booking type of the current website's company, or a 404."""
        if not isinstance(type_id, int) or type_id <= 0 or type_id > 2**31 - 1:
            raise BookingError(request.env._("This appointment type does not exist."), 404)
        booking_type = request.env["az.booking.type"].sudo().search([
            ("id", "=", type_id),
            ("is_published", "=", True),
            ("company_id", "=", request.website.company_id.id),
        ], limit=1)
        if not booking_type:
            raise BookingError(request.env._(
                "This appointment type does not exist or cannot be booked online."), 404)
        return booking_type

    def _get_managed_booking(self, token):
        booking = request.env["az.booking"]._find_by_manage_token(token)
        if not booking:
            raise BookingError(
                request.env._("This link is not valid or has expired. Please use the link of "
                              "your latest e-mail, or call us."),
                404, title=request.env._("Link not valid"))
        return booking

    # ------------------------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------------------------
    @http.route("/booking", type="http", auth="public", website=True, sitemap=True)
    def booking_types(self, **kwargs):
        booking_types = request.env["az.booking.type"].sudo().search([
            ("is_published", "=", True), ("company_id", "=", request.website.company_id.id),
        ])
        groups = OrderedDict()
        for booking_type in booking_types.sorted(
                lambda t: (t.project_id.name or "", t.sequence, t.id)):
            groups.setdefault(booking_type.project_id, []).append(booking_type)
        format_labels = dict(
            request.env["az.booking.type"]._fields["location_format"]._description_selection(
                request.env))
        return request.render("az_booking.booking_types_page", {
            "groups": [{"project": project, "types": types} for project, types in groups.items()],
            "format_labels": format_labels,
        })

    @http.route("/booking/<int:type_id>", type="http", auth="public", website=True,
                sitemap=False)
    def booking_type_page(self, type_id, week=None, **kwargs):
        try:
            booking_type = self._get_booking_type(type_id)
            values = week_values(booking_type, week)
        except BookingError as error:
            return error_page(error)
        format_labels = dict(booking_type._fields["location_format"]._description_selection(
            request.env))
        values.update({
            "booking_type": booking_type,
            "format_label": format_labels.get(booking_type.location_format),
        })
        return request.render("az_booking.booking_type_page", values)

    # ------------------------------------------------------------------------------------
    # Booking form
    # ------------------------------------------------------------------------------------
    def _form_defaults(self):
        user = request.env.user
        if user._is_public():
            return {"name": "", "email": "", "phone": ""}
        partner = user.partner_id
        return {"name": partner.name or "", "email": partner.email or "",
                "phone": partner.phone or partner.mobile or ""}

    def _render_form(self, booking_type, slot, values=None, errors=None, message=None,
                     status=200, next_slots=None):
        local = to_local(booking_type, slot["start"]) if slot else None
        return request.render("az_booking.booking_form_page", {
            "booking_type": booking_type,
            "slot": slot,
            "start": format_start(slot["start"]) if slot else "",
            "when": when_label(booking_type, slot["start"]) if slot else "",
            "end_time": time_label(to_local(booking_type, slot["stop"])) if slot else "",
            "local_day": day_label(local) if local else "",
            "waiting_list": bool(slot and slot["seats_left"] <= 0),
            "values": values if values is not None else self._form_defaults(),
            "errors": errors or {},
            "message": message,
            "next_slots": next_slots,
            "consent_text": booking_type._get_consent_text(),
            "staff_choices": (
                request.env["res.users"].sudo().browse(slot["user_ids"])
                if slot and booking_type.assignment == "user_picks"
                and not booking_type.is_collective else []),
            "honeypot_field": HONEYPOT_FIELD,
            "tz_name": booking_type.tz,
        }, status=status)

    @http.route("/booking/<int:type_id>/book", type="http", auth="public", website=True,
                methods=["GET"], sitemap=False)
    def booking_form(self, type_id, start=None, **kwargs):
        try:
            booking_type = self._get_booking_type(type_id)
            slot = find_slot(booking_type, parse_start(start),
                             include_full=booking_type.is_collective)
        except BookingError as error:
            return error_page(error)
        if not slot:
            return self._render_form(
                booking_type, None, status=409,
                message=request.env._("This time is not available. Here are the next free "
                                      "times:"),
                next_slots=next_free_slots(booking_type, parse_start(start)))
        return self._render_form(booking_type, slot)

    def _validate_form(self, booking_type, post):
        """Clean values and per-field error messages of a posted booking form."""
        errors = {}
        values = {}
        name = clean_text(post.get("name"), NAME_MAX)
        if name is None:
            errors["name"] = request.env._(
                "Your name is too long (%s characters at most).", NAME_MAX)
        elif not name:
            errors["name"] = request.env._("Please give your name.")
        elif FORBIDDEN_NAME_CHARS.search(name):
            errors["name"] = request.env._(
                "Your name contains characters that are not allowed (such as < > or /).")
        values["name"] = name or ""
        email = clean_text(post.get("email"), EMAIL_MAX)
        normalized = email and email_normalize(email, strict=True)
        if email is None:
            errors["email"] = request.env._(
                "This e-mail address is too long (%s characters at most).", EMAIL_MAX)
        elif not email:
            errors["email"] = request.env._("Please give your e-mail address.")
        elif not normalized or not EMAIL_RE.match(email):
            errors["email"] = request.env._(
                "This e-mail address is not valid (for example: name@example.com).")
        values["email"] = email or ""
        values["email_normalized"] = normalized
        phone = clean_text(post.get("phone"), PHONE_MAX)
        if phone is None or (phone and not PHONE_RE.match(phone)):
            errors["phone"] = request.env._(
                "This phone number is not valid: use digits, spaces and + only.")
        values["phone"] = phone or ""
        answers = {}
        for question in booking_type.question_ids:
            key = f"question_{question.id}"
            limit = ANSWER_MAX.get(question.answer_type, 256)
            raw = post.get(key)
            if question.answer_type == "boolean":
                value = "yes" if raw in ("yes", "1", "on") else ("no" if raw == "no" else "")
                if raw not in (None, "", "yes", "no", "1", "on"):
                    errors[key] = request.env._("Please answer yes or no.")
            else:
                value = clean_text(raw, limit)
                if value is None:
                    errors[key] = request.env._(
                        "This answer is too long (%s characters at most).", limit)
                    value = ""
            if question.is_required and not value and key not in errors:
                errors[key] = request.env._("Please answer this question.")
            answers[question.id] = value
            values[key] = value
        if post.get("consent") != "1":
            errors["consent"] = request.env._(
                "Please accept the processing of your information to book.")
        values["consent"] = post.get("consent") == "1"
        return values, answers, errors

    def _find_or_create_partner(self, booking_type, values):
        user = request.env.user
        Partner = request.env["res.partner"].sudo()
        if not user._is_public() and user.partner_id.email_normalized == values[
                "email_normalized"]:
            return user.partner_id.sudo()
        partner = Partner.search([
            ("email_normalized", "=", values["email_normalized"]),
            ("company_id", "in", [False, booking_type.company_id.id]),
        ], order="id", limit=1)
        if partner:
            return partner
        return Partner.with_context(mail_create_nosubscribe=True).create({
            "name": values["name"],
            "email": values["email"],
            "phone": values["phone"] or False,
            "lang": request.env.lang if request.env.lang in dict(
                request.env["res.lang"].get_installed()) else False,
            "az_is_beneficiary": True,
            "company_id": booking_type.company_id.id,
        })

    @http.route("/booking/<int:type_id>/book", type="http", auth="public", website=True,
                methods=["POST"], sitemap=False)
    def booking_submit(self, type_id, **post):
        try:
            booking_type = self._get_booking_type(type_id)
            start = parse_start(post.get("start"))
        except BookingError as error:
            return error_page(error)
        if post.get(HONEYPOT_FIELD):
            return error_page(BookingError(request.env._(
                "Your request could not be processed. Please try again without filling the "
                "hidden field."), 400))
        waiting_list = booking_type.is_collective and post.get("waiting_list") == "1"
        try:
            slot = find_slot(booking_type, start, include_full=waiting_list)
        except BookingError as error:
            return error_page(error)
        values, answers, errors = self._validate_form(booking_type, post)
        staff_id = False
        if booking_type.assignment == "user_picks" and not booking_type.is_collective \
                and post.get("staff_id"):
            raw_staff = post.get("staff_id")
            staff_id = int(raw_staff) if raw_staff.isdigit() and len(raw_staff) < 10 else -1
            values["staff_id"] = staff_id
            if slot and staff_id not in slot["user_ids"]:
                errors["staff_id"] = request.env._(
                    "This person is not free at this time: choose another one.")
        if not slot:
            return self._render_form(
                booking_type, None, values=values, status=409,
                message=request.env._("This time is no longer available. Here are the next "
                                      "free times:"),
                next_slots=next_free_slots(booking_type, start))
        if errors:
            return self._render_form(
                booking_type, slot, values=values, errors=errors, status=400,
                message=request.env._("Please correct the fields marked below."))
        user = request.env.user
        try:
            with request.env.cr.savepoint():
                partner = self._find_or_create_partner(booking_type, values)
                booked_by = partner if user._is_public() else user.partner_id
                booking = request.env["az.booking"].sudo().with_context(
                    mail_create_nosubscribe=True,
                    az_booking_no_waiting=not waiting_list,
                ).create({
                    "type_id": booking_type.id,
                    "partner_id": partner.id,
                    "booked_by_id": booked_by.id,
                    "booked_by_kind": "self" if booked_by == partner else "referrer",
                    "consent_datetime": fields.Datetime.now(),
                    "site_id": booking_type.site_ids[:1].id,
                    "start": slot["start"],
                    "stop": slot["stop"],
                    **({"user_id": staff_id} if staff_id else {}),
                    "answer_ids": [
                        fields.Command.create({"question_id": question_id, "value": value})
                        for question_id, value in answers.items() if value
                    ],
                })
        except UserError as error:
            return self._render_form(
                booking_type, None, values=values, status=409,
                message=error.args[0] if error.args else request.env._(
                    "This time is no longer available."),
                next_slots=next_free_slots(booking_type, start))
        booking.message_post(body=request.env._("Booked from the website."))
        booking._send_portal_mail("az_booking.mail_template_booking_confirmation")
        return request.redirect(f"/booking/manage/{booking._get_manage_token()}?booked=1",
                                code=303)

    # ------------------------------------------------------------------------------------
    # Manage page (token link)
    # ------------------------------------------------------------------------------------
    @http.route("/booking/manage/<string:token>", type="http", auth="public", website=True,
                methods=["GET"], sitemap=False)
    def booking_manage(self, token, **kwargs):
        try:
            booking = self._get_managed_booking(token)
        except BookingError as error:
            return error_page(error)
        return render_manage_page(booking, f"/booking/manage/{token}", kwargs)

    @http.route("/booking/manage/<string:token>/appointment.ics", type="http",
                auth="public", website=True, methods=["GET"], sitemap=False)
    def booking_manage_ics(self, token, **kwargs):
        try:
            booking = self._get_managed_booking(token)
        except BookingError as error:
            return error_page(error)
        return ics_response(booking)

    @http.route("/booking/manage/<string:token>/cancel", type="http", auth="public",
                website=True, methods=["POST"], sitemap=False)
    def booking_manage_cancel(self, token, **post):
        try:
            booking = self._get_managed_booking(token)
        except BookingError as error:
            return error_page(error)
        return do_cancel(booking, f"/booking/manage/{token}", post)

    @http.route("/booking/manage/<string:token>/reschedule", type="http", auth="public",
                website=True, methods=["GET"], sitemap=False)
    def booking_manage_reschedule_form(self, token, week=None, **kwargs):
        try:
            booking = self._get_managed_booking(token)
        except BookingError as error:
            return error_page(error)
        return render_reschedule_page(booking, f"/booking/manage/{token}", week)

    @http.route("/booking/manage/<string:token>/reschedule", type="http", auth="public",
                website=True, methods=["POST"], sitemap=False)
    def booking_manage_reschedule(self, token, **post):
        try:
            booking = self._get_managed_booking(token)
        except BookingError as error:
            return error_page(error)
        return do_reschedule(
            booking, f"/booking/manage/{token}", post,
            lambda new: f"/booking/manage/{new._get_manage_token()}")


# ----------------------------------------------------------------------------------------
# Manage actions, shared by the token pages and /my/bookings
# ----------------------------------------------------------------------------------------
def render_manage_page(booking, action_base, kwargs, message=None, status=200):
    values = booking_values(booking)
    values.update({
        "action_base": action_base,
        "just_booked": kwargs.get("booked") == "1",
        "just_moved": kwargs.get("moved") == "1",
        "just_cancelled": kwargs.get("cancelled") == "1",
        "message": message,
        "reason_max": REASON_MAX,
    })
    return request.render("az_booking.booking_manage_page", values, status=status)


def render_reschedule_page(booking, action_base, week, message=None, status=200):
    if not booking._portal_can_change():
        return render_manage_page(booking, action_base, {}, status=403, message=request.env._(
            "This booking can no longer be changed online."))
    try:
        values = week_values(booking.type_id, week, exclude=booking)
    except BookingError as error:
        return error_page(error)
    values.update(booking_values(booking))
    values.update({"action_base": action_base, "message": message})
    return request.render("az_booking.booking_reschedule_page", values, status=status)


def do_cancel(booking, action_base, post):
    reason = clean_text(post.get("reason"), REASON_MAX)
    if reason is None:
        return render_manage_page(booking, action_base, {}, status=400, message=request.env._(
            "The reason is too long (%s characters at most).", REASON_MAX))
    if not booking._portal_can_change():
        return render_manage_page(booking, action_base, {}, status=403, message=request.env._(
            "This booking can no longer be changed online."))
    try:
        with request.env.cr.savepoint():
            booking._portal_cancel(reason)
    except UserError as error:
        return render_manage_page(booking, action_base, {}, status=409, message=error.args[0])
    booking._send_portal_mail("az_booking.mail_template_booking_cancelled")
    return request.redirect(f"{action_base}?cancelled=1", code=303)


def do_reschedule(booking, action_base, post, new_base):
    try:
        start = parse_start(post.get("start"))
        if start <= fields.Datetime.now():
            raise BookingError(request.env._(
                "This time is in the past. Please choose a time in the list."))
    except BookingError as error:
        return render_reschedule_page(booking, action_base, None, message=error.message,
                                      status=400)
    if not booking._portal_can_change():
        return render_manage_page(booking, action_base, {}, status=403, message=request.env._(
            "This booking can no longer be changed online."))
    try:
        with request.env.cr.savepoint():
            new_booking = booking._portal_reschedule(start)
    except UserError as error:
        return render_reschedule_page(booking, action_base, None, message=error.args[0],
                                      status=409)
    new_booking._send_portal_mail("az_booking.mail_template_booking_confirmation")
    target = action_base if new_booking == booking else new_base(new_booking)
    return request.redirect(f"{target}?moved=1", code=303)


def ics_response(booking):
    content = booking._get_ics_content()
    return request.make_response(content, headers=[
        ("Content-Type", "text/calendar; charset=utf-8"),
        ("Content-Disposition", 'attachment; filename="appointment.ics"'),
        ("Content-Length", str(len(content))),
        ("Cache-Control", "no-store"),
    ])
