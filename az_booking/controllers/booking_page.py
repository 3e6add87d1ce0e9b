"""Page values shared by the public booking pages (``main.py``) and the personal pages of
a booking (``portal.py``): the slots of a week grouped by day, a booking as its pages show
it, and the refusal page."""

import re
from collections import OrderedDict
from datetime import timedelta

from odoo import fields
from odoo.http import request

from odoo.addons.az_project_base.controllers.public_input import PublicInputMixin
from odoo.addons.az_project_base.tools import public_input as pi

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

    def __init__(self, message, status=400, title=None, contact_phone=None, contact_name=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.title = title
        # whom to call next, when the page leaves the person nothing else to do
        self.contact_phone = contact_phone
        self.contact_name = contact_name


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
                "contact_phone": error.contact_phone,
                "contact_name": error.contact_name,
            },
            status=error.status,
        )

    def _contact_error(self, message, status=404, title=None, booking=None):
        """A refusal that leaves the person nothing to do online: the page gives the phone
        of the structure (the booking type's, else the website company's)."""
        company = booking.company_id if booking else request.website.company_id
        phone = booking.type_id._get_contact_phone() if booking else company.phone
        return BookingError(
            message, status, title=title, contact_phone=phone or False, contact_name=company.name
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
    def _prepare_occurrence_details(self, booking_type, slot):
        """What a visitor is told of a workshop occurrence: end time, place and, when the type
        allows it, the facilitator's first name."""
        if not slot.get("occurrence_id"):
            return {}
        env = request.env
        site = env["az.site"].sudo().browse(slot["site_id"]) if slot.get("site_id") else None
        facilitator = False
        if booking_type.show_facilitator and slot.get("user_ids"):
            occurrence = env["az.booking.occurrence"].sudo().browse(slot["occurrence_id"])
            name = (occurrence.user_id or occurrence.user_ids[:1]).name or ""
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
            details = self._prepare_occurrence_details(booking_type, slot)
            when = booking_type._format_when(slot["start"])
            day["slots"].append(
                {
                    "start": self._format_start(slot["start"]),
                    "time": booking_type._format_time(slot["start"]),
                    "seats_left": slot["seats_left"],
                    "full": full,
                    "label": env._("Join the waiting list for %s", when) if full else env._("Book %s", when),
                    "full_label": env._("%s: full", when),
                    "move_label": env._("Move my appointment to %s", when),
                    "current": bool(current and slot["start"] == current),
                    **details,
                }
            )
            if details:  # the link's name says everything its text shows
                day["slots"][-1]["label"] += " (%s)" % details["details"]
                day["slots"][-1]["full_label"] += " (%s)" % details["details"]
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

    def _prepare_booking_page_values(self, booking):
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
            "waiting_label": (
                request.env._("You are number %s on the waiting list.", booking.waiting_position)
                if booking.state == "waiting" and booking.waiting_position
                else False
            ),
        }
