from collections import defaultdict
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, format_datetime, format_time

from odoo.addons.az_project_base.tools.timezones import place_of
from odoo.addons.base.models.res_partner import _tz_get

from ..tools import intervals as iv

# Bookings in these states hold their slot (and their staff member's time).
ACTIVE_STATES = ("requested", "confirmed")

LOCATION_FORMATS = [
    ("on_site", "On site"),
    ("phone", "Phone"),
    ("video", "Video call"),
    ("home", "At home"),
]


class AzBookingType(models.Model):
    """A kind of appointment people can book (a "motif"): who receives, when, how long."""

    _name = "az.booking.type"
    _description = "Booking type"
    _inherit = ["mail.thread", "website.published.multi.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Html(translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    project_id = fields.Many2one(
        "project.project",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        ondelete="restrict",
        help="The action this appointment belongs to: bookings count in its indicators.",
    )
    duration = fields.Float(
        required=True, default=1.0, tracking=True, help="Length of one appointment, in hours."
    )
    slot_step = fields.Float(
        string="Slot step",
        required=True,
        default=0.5,
        help="Time between two possible start times, in hours (0:30 gives 9:00, 9:30...).",
    )
    location_format = fields.Selection(
        LOCATION_FORMATS, string="Format", required=True, default="on_site", tracking=True
    )
    site_ids = fields.Many2many("az.site", string="Sites", check_company=True)
    staff_user_ids = fields.Many2many(
        "res.users",
        "az_booking_type_staff_rel",
        "type_id",
        "user_id",
        string="Staff",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Who can receive these appointments; their working hours come from their working schedule.",
    )
    assignment = fields.Selection(
        [
            ("user_picks", "The person picks"),
            ("least_loaded", "Least loaded staff member"),
            ("specific", "A specific staff member"),
        ],
        required=True,
        default="least_loaded",
        help="How the staff member of a booking is chosen among those free at that time.",
    )
    specific_user_id = fields.Many2one(
        "res.users", string="Assigned staff member", domain="[('id', 'in', staff_user_ids)]"
    )
    capacity = fields.Integer(
        required=True,
        default=1,
        tracking=True,
        help="1 for an individual appointment; N for a collective workshop of N seats.",
    )
    is_collective = fields.Boolean(compute="_compute_is_collective", store=True)
    show_facilitator = fields.Boolean(
        string="Show the facilitator's first name",
        help="The website shows the first name of the facilitator of each workshop session.",
    )
    session_ids = fields.One2many("az.booking.slot", "type_id", string="Sessions")
    buffer_before = fields.Float(help="Free time kept before each appointment, in hours.")
    buffer_after = fields.Float(help="Free time kept after each appointment, in hours.")
    min_notice_hours = fields.Float(
        string="Minimum notice",
        default=24.0,
        help="How many hours in advance a person must book by themselves.",
    )
    horizon_days = fields.Integer(
        string="Booking horizon",
        default=60,
        help="How many days ahead a person can book by themselves.",
    )
    cancel_deadline_hours = fields.Float(
        string="Cancel / reschedule deadline",
        default=24.0,
        help="Up to how many hours before the appointment a person can cancel or move it.",
    )
    question_ids = fields.One2many("az.booking.question", "type_id", string="Questions")
    needs_validation = fields.Boolean(help="Bookings stay 'requested' until a staff member confirms them.")
    # the publish flag of Odoo's website mixin, with its own label and tracking
    is_published = fields.Boolean(string="Published on the website", copy=False, tracking=True)
    consent_text = fields.Text(
        string="Consent text",
        translate=True,
        help="What people agree to when they book on the website. Empty: the text of the company is used.",
    )
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        default=lambda self: self.env.user.tz or "Europe/Paris",
        help="Timezone in which slots are shown to people booking.",
    )
    tz_label = fields.Char(
        string="Time shown as",
        compute="_compute_tz_label",
        help="The timezone as people say it: the public pages and messages say 'Paris time', "
        "not 'Europe/Paris'.",
    )
    is_sensitive = fields.Boolean(
        string="Sensitive",
        help="The name of this type never appears in e-mails, SMS or calendar invitations: "
        "a neutral label is used instead.",
    )
    public_name = fields.Char(
        compute="_compute_public_name",
        help="The name shown outside the back office: neutral for sensitive types.",
    )
    reminder_hours = fields.Float(
        string="Reminder",
        default=24.0,
        help="A reminder is sent this many hours before the appointment; 0 sends none.",
    )
    booking_ids = fields.One2many("az.booking", "type_id", string="Bookings")
    booking_count = fields.Integer(compute="_compute_booking_count")

    _sql_constraints = [
        ("capacity_positive", "CHECK(capacity >= 1)", "A booking type needs at least one seat."),
        ("duration_positive", "CHECK(duration > 0)", "An appointment must last some time."),
        ("slot_step_positive", "CHECK(slot_step > 0)", "The slot step must be positive."),
        (
            "buffers_positive",
            "CHECK(buffer_before >= 0 AND buffer_after >= 0)",
            "Buffers cannot be negative.",
        ),
        (
            "notice_horizon_positive",
            "CHECK(min_notice_hours >= 0 AND horizon_days >= 0)",
            "Notice and horizon cannot be negative.",
        ),
    ]

    @api.depends("capacity")
    def _compute_is_collective(self):
        for booking_type in self:
            booking_type.is_collective = booking_type.capacity > 1

    @api.depends("tz")
    @api.depends_context("lang")
    def _compute_tz_label(self):
        for booking_type in self:
            booking_type.tz_label = self.env._("%(place)s time", place=place_of(booking_type.tz))

    @api.depends("name", "is_sensitive")
    @api.depends_context("lang")
    def _compute_public_name(self):
        for booking_type in self:
            booking_type.public_name = (
                self.env._("Appointment") if booking_type.is_sensitive else booking_type.name
            )

    @api.depends("name", "is_sensitive")
    @api.depends_context("uid", "lang")
    def _compute_display_name(self):
        """People outside the staff (portal users, visitors) get the neutral name of a
        sensitive type whatever the channel: ``type_id`` read over JSON-RPC gives this."""
        share = self.env.user.share
        for booking_type in self:
            booking_type.display_name = booking_type.public_name if share else booking_type.name

    @api.depends("public_name")
    @api.depends_context("lang")
    def _compute_website_url(self):
        """``/booking/<slug>``: the slug is made of the public name, so that the address of
        a sensitive type never says more than its neutral name (the model converter of the
        route reads both ``/booking/<slug>`` and the former ``/booking/<id>``)."""
        for booking_type in self:
            booking_type.website_url = (
                "/booking/%s" % self.env["ir.http"]._slug((booking_type.id, booking_type.public_name))
                if booking_type.id
                else False
            )

    def _compute_booking_count(self):
        counts = dict(
            self.env["az.booking"]._read_group(
                [("type_id", "in", self.ids), ("state", "not in", ("cancelled", "waiting"))],
                ["type_id"],
                ["__count"],
            )
        )
        for booking_type in self:
            booking_type.booking_count = counts.get(booking_type._origin, 0)

    @api.constrains("staff_user_ids")
    def _check_staff_calendar(self):
        for booking_type in self:
            missing = booking_type.staff_user_ids.filtered(lambda u: not u.resource_calendar_id)
            if missing:
                raise ValidationError(
                    self.env._(
                        "%(users)s need a working schedule to receive appointments of "
                        "'%(type)s': set one on their employee or user form.",
                        users=", ".join(missing.mapped("name")),
                        type=booking_type.name,
                    )
                )

    @api.constrains("assignment", "specific_user_id", "staff_user_ids")
    def _check_specific_user(self):
        for booking_type in self:
            if booking_type.assignment == "specific" and (
                booking_type.specific_user_id not in booking_type.staff_user_ids
            ):
                raise ValidationError(
                    self.env._("Choose the staff member of '%s' among its staff.", booking_type.name)
                )

    def action_view_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("az_booking.az_booking_action")
        action["domain"] = [("type_id", "=", self.id)]
        action["context"] = {"default_type_id": self.id}
        return action

    # ------------------------------------------------------------------------------------
    # Website
    # ------------------------------------------------------------------------------------
    def _get_consent_text(self):
        self.ensure_one()
        return (
            self.consent_text
            or self.company_id.az_booking_consent_text
            or self.env._(
                "I agree that %(company)s processes the information in this form to manage my "
                "appointment and contact me about it.",
                company=self.company_id.name,
            )
        )

    def _get_contact_phone(self):
        """Whom a person calls when the website can no longer change their booking."""
        self.ensure_one()
        site_phone = next((site.phone for site in self.site_ids if site.phone), False)
        return self.company_id.phone or site_phone or False

    # ------------------------------------------------------------------------------------
    # Dates as people read them: in the type's timezone, in the language of the page or
    # message (``lang``, else the environment's)
    # ------------------------------------------------------------------------------------
    def _format_datetime(self, moment, dt_format="EEEE d MMMM y, HH:mm", lang=None):
        """A naive UTC datetime in the type's timezone: "Tuesday 3 March 2026, 10:00"."""
        self.ensure_one()
        return format_datetime(self.env, moment, tz=self.tz or "UTC", dt_format=dt_format, lang_code=lang)

    def _format_day(self, moment, lang=None):
        """The local day of a naive UTC datetime: "Tuesday 3 March 2026"."""
        return self._format_datetime(moment, dt_format="EEEE d MMMM y", lang=lang)

    def _format_time(self, moment, lang=None):
        """The local time of a naive UTC datetime: "10:00"."""
        self.ensure_one()
        return format_time(self.env, moment, tz=self.tz or "UTC", time_format="HH:mm", lang_code=lang)

    def _format_when(self, moment, lang=None):
        """ "Tuesday 3 March 2026 at 10:00": the time of a slot as the pages say it."""
        env = self.with_context(lang=lang).env if lang else self.env
        return env._(
            "%(day)s at %(time)s",
            day=self._format_day(moment, lang=lang),
            time=self._format_time(moment, lang=lang),
        )

    def _format_week(self, monday, lang=None):
        """ "Week from Monday 2 March to Sunday 8 March 2026" (``monday`` is a date)."""
        return self.env._(
            "Week from %(first)s to %(last)s",
            first=format_date(self.env, monday, lang_code=lang, date_format="EEEE d MMMM"),
            last=format_date(
                self.env, monday + timedelta(days=6), lang_code=lang, date_format="EEEE d MMMM y"
            ),
        )

    def _to_local(self, moment):
        """A naive UTC datetime as an aware datetime of the type's timezone."""
        self.ensure_one()
        return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(self.tz or "UTC"))

    def _local_today(self):
        """Today's date in the type's timezone."""
        return self._to_local(fields.Datetime.now()).date()

    def _local_day_bounds(self, first_day, last_day=None):
        """Naive UTC bounds of the local days ``first_day`` to ``last_day`` (included) in the
        type's timezone."""
        self.ensure_one()
        return iv.local_day_bounds_utc(first_day, last_day or first_day, self.tz or "UTC")

    # ------------------------------------------------------------------------------------
    # Slots as the pages, the portal, moving and the staff wizard ask for them
    # ------------------------------------------------------------------------------------
    def _find_free_slot(
        self, start, stop=None, staff=None, include_full=False, apply_notice=True, exclude=None
    ):
        """The engine's free slot starting at ``start`` (naive UTC), or None. An individual
        slot also ends at ``stop`` (the type's duration by default); a workshop session keeps
        its own length. ``exclude``: bookings whose time counts as free (the one being
        moved)."""
        self.ensure_one()
        if apply_notice and start > fields.Datetime.now() + timedelta(days=self.horizon_days):
            return None  # beyond the booking window (and far from the end of the calendar)
        try:
            stop = stop or start + timedelta(hours=self.duration)
            window = (start - timedelta(days=1), stop + timedelta(days=1))
        except OverflowError:
            return None
        engine = self.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
        # a window of whole days, so that the slots lie on the grid of the working hours
        slots = engine._get_free_slots(
            *window,
            staff=staff,
            include_full=include_full,
            apply_notice=apply_notice,
        )
        if self.is_collective:
            return next((s for s in slots if s["start"] == start), None)
        return next((s for s in slots if s["start"] == start and s["stop"] == stop), None)

    def _get_next_free_slots(self, after, count=5, exclude=None):
        """The first ``count`` slots with a free seat after ``after`` (naive UTC), within the
        booking window, read two weeks at a time."""
        self.ensure_one()
        engine = self.with_context(az_booking_exclude_ids=exclude.ids if exclude else [])
        horizon = fields.Datetime.now() + timedelta(days=self.horizon_days)
        slots = []
        cursor = after
        while len(slots) < count and cursor < horizon:
            window_stop = min(cursor + timedelta(days=14), horizon)
            slots += [s for s in engine._get_free_slots(cursor, window_stop) if s["seats_left"] > 0]
            cursor = window_stop
        return slots[:count]

    def _prepare_booking_values(self, partner, slot, answers=None, **values):
        """Values of a new booking of this type for ``partner`` in ``slot`` (a slot of the
        engine, or at least its ``start`` and ``stop``); ``answers``: {question id: answer};
        ``values`` complete or replace the rest."""
        self.ensure_one()
        vals = {
            "type_id": self.id,
            "partner_id": partner.id,
            "start": slot["start"],
            "stop": slot["stop"],
            "site_id": slot.get("site_id") or self.site_ids[:1].id,
        }
        if slot.get("session_id"):
            vals["slot_id"] = slot["session_id"]
        if answers:
            vals["answer_ids"] = [
                fields.Command.create({"question_id": question_id, "value": value})
                for question_id, value in answers.items()
            ]
        vals.update(values)
        return vals

    # ------------------------------------------------------------------------------------
    # Availability engine
    # ------------------------------------------------------------------------------------
    @api.model
    def _quiet_calendar_events(self):
        """calendar.event, written without mails or notifications to the attendees: the
        booking's own messages tell people about their appointment."""
        return (
            self.env["calendar.event"]
            .sudo()
            .with_context(
                no_mail_to_attendees=True,
                dont_notify=True,
                mail_create_nosubscribe=True,
                mail_auto_subscribe_no_notify=True,
            )
        )

    @api.model
    def _put_calendar_event(self, event, values):
        """Write ``values`` on ``event`` (brought back if archived), or create the event when
        there is none yet; returns the event."""
        events = self._quiet_calendar_events()
        if not event:
            return events.create(values)
        event = events.browse(event.id)
        event.write(dict(values, active=True) if not event.active else values)
        return event

    @api.model
    def _archive_calendar_events(self, events):
        """Archive the active ones of ``events`` (a booking cancelled, a session cancelled)."""
        self._quiet_calendar_events().browse(events.filtered("active").ids).active = False

    def _calendar_event_values(self, record, name, partners):
        """Values of the calendar event of ``record`` (a booking or a workshop session of this
        type): busy time of its staff member, private for sensitive types, at its site."""
        self.ensure_one()
        return {
            "name": name,
            "start": record.start,
            "stop": record.stop,
            "user_id": record.user_id.id,
            "partner_ids": [fields.Command.set(partners.ids)],
            "show_as": "busy",
            "privacy": "private" if self.is_sensitive else "confidential",
            "location": record.site_id.address_line() if record.site_id else False,
            "res_model_id": self.env["ir.model"]._get_id(record._name),
            "res_id": record.id,
        }

    def _get_staff(self, staff=None):
        self.ensure_one()
        if staff:
            return staff & self.staff_user_ids
        if self.assignment == "specific" and self.specific_user_id:
            return self.specific_user_id
        return self.staff_user_ids

    def _read_availability_data(self, user_ids, start, stop):
        """Everything the engine needs, read in five queries whatever the number of staff
        members or days. Returns plain Python structures."""
        self.env.flush_all()
        cr = self.env.cr
        data = {"staff": {}, "attendances": defaultdict(list), "leaves": [], "events": [], "bookings": []}
        if not user_ids:
            return data
        # 1. staff, their resource (the one of the type's company first) and calendar. The
        #    working hours are read in the resource's timezone (the staff member's, set on
        #    the employee or resource form), the calendar's only when it has none: what
        #    resource.calendar._work_intervals_batch does for a resource. The calendar read is
        #    the resource's current one, as resource.resource._get_valid_work_intervals does
        #    without hr_contract (which az_booking does not depend on); a schedule that
        #    changes on a date is written as dated periods (date_from / date_to) of one
        #    calendar, which are honoured day by day.
        cr.execute(
            """
            SELECT DISTINCT ON (u.id) u.id, u.partner_id, r.id, r.company_id, c.id,
                   COALESCE(r.tz, c.tz, 'UTC'), COALESCE(c.two_weeks_calendar, FALSE),
                   COALESCE(c.flexible_hours, FALSE)
              FROM res_users u
              JOIN resource_resource r ON r.user_id = u.id AND r.active
              JOIN resource_calendar c ON c.id = r.calendar_id
             WHERE u.id IN %s
          ORDER BY u.id, (r.company_id = %s) DESC NULLS LAST, r.id
        """,
            [tuple(user_ids), self.company_id.id],
        )
        for (
            user_id,
            partner_id,
            resource_id,
            company_id,
            calendar_id,
            tz,
            two_weeks,
            flexible,
        ) in cr.fetchall():
            if flexible:
                continue  # no fixed hours: nothing can be offered automatically
            data["staff"][user_id] = {
                "partner_id": partner_id,
                "resource_id": resource_id,
                "company_id": company_id,
                "calendar_id": calendar_id,
                "tz": tz,
                "two_weeks": two_weeks,
            }
        staff = data["staff"].values()
        if not staff:
            return data
        calendar_ids = tuple({s["calendar_id"] for s in staff})
        resource_ids = tuple(s["resource_id"] for s in staff)
        partner_ids = tuple(s["partner_id"] for s in staff)
        # 2. weekly working hours
        cr.execute(
            """
            SELECT calendar_id, resource_id, dayofweek, hour_from, hour_to, date_from,
                   date_to, week_type
              FROM resource_calendar_attendance
             WHERE calendar_id IN %s AND display_type IS NULL
               AND COALESCE(day_period, '') != 'lunch'
               AND (resource_id IS NULL OR resource_id IN %s)
        """,
            [calendar_ids, resource_ids],
        )
        for (
            calendar_id,
            resource_id,
            dayofweek,
            hour_from,
            hour_to,
            date_from,
            date_to,
            week_type,
        ) in cr.fetchall():
            data["attendances"][calendar_id].append(
                {
                    "resource_id": resource_id,
                    "dayofweek": dayofweek,
                    "hour_from": hour_from,
                    "hour_to": hour_to,
                    "date_from": date_from,
                    "date_to": date_to,
                    "week_type": week_type,
                }
            )
        # 3. leaves: the staff's own, and public holidays of their calendars/companies
        cr.execute(
            """
            SELECT id, resource_id, calendar_id, company_id, date_from, date_to
              FROM resource_calendar_leaves
             WHERE time_type = 'leave' AND date_from < %s AND date_to > %s
               AND (resource_id IN %s
                    OR (resource_id IS NULL AND (calendar_id IS NULL OR calendar_id IN %s)))
        """,
            [stop, start, resource_ids, calendar_ids],
        )
        data["leaves"] = cr.fetchall()
        # 4. busy calendar events the staff attend (not the ones made for bookings, which
        #    are read below with their buffers)
        cr.execute(
            """
            SELECT a.partner_id, e.start, e.stop, e.allday, e.start_date, e.stop_date
              FROM calendar_event e
              JOIN calendar_attendee a ON a.event_id = e.id
             WHERE a.partner_id IN %s AND a.state != 'declined'
               AND e.active AND e.show_as = 'busy'
               AND e.start < %s AND e.stop > %s
               AND NOT EXISTS (SELECT 1 FROM az_booking b WHERE b.event_id = e.id)
        """,
            [partner_ids, stop + timedelta(days=1), start - timedelta(days=1)],
        )
        data["events"] = cr.fetchall()
        # 5. bookings holding time: of these staff, and seats of this type
        cr.execute(
            """
            SELECT user_id, type_id, start, stop, busy_start, busy_stop, seats
              FROM az_booking
             WHERE state IN %s AND busy_start < %s AND busy_stop > %s
               AND (user_id IN %s OR type_id = %s) AND id != ALL(%s)
        """,
            [
                ACTIVE_STATES,
                stop,
                start,
                tuple(data["staff"]),
                self.id,
                list(self.env.context.get("az_booking_exclude_ids") or [0]),
            ],
        )
        data["bookings"] = cr.fetchall()
        return data

    def _get_staff_time_off(self, data):
        """Per staff member of ``data`` (from _read_availability_data): the leaves that take
        their working time, as (leave id, start, stop) in naive UTC. One rule for the slot
        engine and the wizards that say why a day is skipped."""
        own = defaultdict(list)
        public = []
        for leave_id, resource_id, calendar_id, company_id, date_from, date_to in data["leaves"]:
            if resource_id:
                own[resource_id].append((leave_id, date_from, date_to))
            else:
                public.append((leave_id, calendar_id, company_id, date_from, date_to))
        result = {}
        for user_id, info in data["staff"].items():
            # The staff member's own leaves, whatever working schedule they are tied to. Core
            # (_leave_intervals_batch) keeps only those of the calendar it computes, because
            # with hr_contract each calendar is computed over its own period; this engine
            # knows the current calendar only, so a time off recorded under another one (the
            # schedule of a coming contract, as hr_holidays does) would be dropped and its
            # days offered while the person is away.
            # Public holidays: those of no calendar or of the staff member's calendar, and of
            # the company of their resource, as core: a holiday recorded by another company
            # on a shared calendar does not close this one.
            result[user_id] = own[info["resource_id"]] + [
                (leave_id, date_from, date_to)
                for leave_id, calendar_id, company_id, date_from, date_to in public
                if calendar_id in (None, info["calendar_id"]) and company_id == info["company_id"]
            ]
        return result

    def _get_available_intervals(self, start, stop, staff=None):
        """Per staff member: the working periods ("frames", whole, around [start, stop)),
        the working time left by leaves and public holidays ("work", what
        resource.calendar._work_intervals_batch gives for their resource) and the intervals
        free for an appointment of this type ("free"), UTC naive. Also returns the seats taken
        per (start, stop) of this type and the staff member already holding each workshop."""
        self.ensure_one()
        users = self._get_staff(staff)
        margin = timedelta(days=1)
        data = self._read_availability_data(users.ids, start - margin, stop + margin)
        before = timedelta(hours=self.buffer_before)
        after = timedelta(hours=self.buffer_after)
        seats = defaultdict(int)
        workshop_staff = {}
        busy = defaultdict(list)
        own = defaultdict(list)
        for user_id, type_id, b_start, b_stop, busy_start, busy_stop, b_seats in data["bookings"]:
            if type_id == self.id and self.is_collective:
                seats[(b_start, b_stop)] += b_seats
                workshop_staff[(b_start, b_stop)] = user_id
                own[user_id].append((busy_start, busy_stop))
            elif user_id in data["staff"]:
                busy[user_id].append((busy_start, busy_stop))
        time_off = self._get_staff_time_off(data)
        events_by_partner = defaultdict(list)
        for partner_id, e_start, e_stop, allday, start_date, stop_date in data["events"]:
            events_by_partner[partner_id].append((e_start, e_stop, allday, start_date, stop_date))

        result = {}
        for user_id, info in data["staff"].items():
            attendances = [
                a
                for a in data["attendances"][info["calendar_id"]]
                if not a["resource_id"] or a["resource_id"] == info["resource_id"]
            ]
            if info["two_weeks"]:
                # as core: a period without week number in a two-week schedule is of the
                # first week
                attendances = [dict(a, week_type=a["week_type"] or "0") for a in attendances]
            else:
                attendances = [dict(a, week_type=None) for a in attendances]
            # whole working periods, even when the window starts or ends inside one: they
            # are the grid slots are laid on, whatever the window asked for
            frames = iv.weekly_intervals(attendances, info["tz"], start - margin, stop + margin)
            off = [(date_from, date_to) for _leave_id, date_from, date_to in time_off[user_id]]
            work = iv.subtract(frames, iv.union(off))
            taken = list(busy[user_id])
            for e_start, e_stop, allday, start_date, stop_date in events_by_partner[info["partner_id"]]:
                if allday and start_date and stop_date:
                    taken.append(iv.local_day_bounds_utc(start_date, stop_date, info["tz"]))
                else:
                    taken.append((e_start, e_stop))
            free = iv.available_intervals(work, iv.union(taken), before=before, after=after)
            # a workshop already held by this staff member: its exact slot stays open,
            # overlapping ones of the same type do not
            free_strict = iv.available_intervals(free, iv.union(own[user_id]), before=before, after=after)
            result[user_id] = {"frames": frames, "work": work, "free": free_strict, "free_loose": free}
        return result, seats, workshop_staff

    def _get_free_slots(self, start_utc, stop_utc, staff=None, include_full=False, apply_notice=True):
        """Free slots of this type between two UTC naive datetimes.

        Returns a list of dicts ``{"start", "stop", "user_ids", "seats_left"}`` sorted by
        start, where ``user_ids`` lists the staff members free for that slot. The minimum
        notice and the horizon apply unless ``apply_notice`` is False (staff booking on
        behalf of someone). Full workshop slots are returned only with ``include_full``.
        """
        self.ensure_one()
        start, stop = start_utc, stop_utc
        if apply_notice:
            now = fields.Datetime.now()
            start = max(start, now + timedelta(hours=self.min_notice_hours))
            stop = min(stop, now + timedelta(days=self.horizon_days))
        if start >= stop:
            return []
        if self.is_collective:
            return self._get_session_slots(start, stop, staff=staff, include_full=include_full)
        per_user, seats, workshop_staff = self._get_available_intervals(start_utc, stop_utc, staff)
        duration = timedelta(hours=self.duration)
        step = timedelta(hours=self.slot_step)
        slots = defaultdict(list)
        for user_id, avail in per_user.items():
            free = iv.clip(avail["free"], start, stop)
            found = iv.generate_slots(avail["frames"], free, duration, step)
            if self.is_collective:
                loose = iv.clip(avail["free_loose"], start, stop)
                found = set(found) | {
                    key
                    for key, holder in workshop_staff.items()
                    if holder == user_id and iv.contains(loose, *key)
                }
            for key in found:
                holder = workshop_staff.get(key)
                if holder and holder != user_id:
                    continue
                slots[key].append(user_id)
        result = []
        for (slot_start, slot_stop), user_ids in sorted(slots.items()):
            seats_left = self.capacity - seats.get((slot_start, slot_stop), 0)
            if seats_left <= 0 and not include_full:
                continue
            result.append(
                {
                    "start": slot_start,
                    "stop": slot_stop,
                    "user_ids": sorted(user_ids),
                    "seats_left": max(seats_left, 0),
                }
            )
        return result

    def _get_session_slots(self, start, stop, staff=None, include_full=False):
        """The scheduled sessions of this workshop starting in [start, stop), as slots
        (with ``session_id``, ``site_id`` and the facilitators as ``user_ids``); the seats
        left count the bookings of other people (``az_booking_exclude_ids``)."""
        self.ensure_one()
        self.env.flush_all()
        exclude = list(self.env.context.get("az_booking_exclude_ids") or [0])
        self.env.cr.execute(
            """
            SELECT s.id, s.start, s.stop, s.capacity, s.site_id, s.user_id,
                   ARRAY(SELECT r.user_id FROM az_booking_slot_user_rel r
                          WHERE r.slot_id = s.id ORDER BY r.user_id),
                   (SELECT COALESCE(SUM(b.seats), 0) FROM az_booking b
                     WHERE b.slot_id = s.id AND b.state IN %s AND b.id != ALL(%s))
              FROM az_booking_slot s
             WHERE s.type_id = %s AND s.state IN ('scheduled', 'full')
               AND s.start >= %s AND s.start < %s
          ORDER BY s.start, s.id
        """,
            [ACTIVE_STATES, exclude, self.id, start, stop],
        )
        result = []
        for (
            session_id,
            s_start,
            s_stop,
            capacity,
            site_id,
            user_id,
            user_ids,
            taken,
        ) in self.env.cr.fetchall():
            user_ids = sorted(set(user_ids) | ({user_id} if user_id else set()))
            if staff and not set(user_ids) & set(staff.ids):
                continue
            seats_left = capacity - taken
            if seats_left <= 0 and not include_full:
                continue
            result.append(
                {
                    "start": s_start,
                    "stop": s_stop,
                    "user_ids": user_ids,
                    "seats_left": max(seats_left, 0),
                    "session_id": session_id,
                    "site_id": site_id,
                    "capacity": capacity,
                }
            )
        return result

    def _is_available(self, user, start, stop):
        """Whether ``user`` can receive an appointment of this type over [start, stop)
        (working, no leave, no busy event, no other booking within the buffers). For a
        workshop: a session of ``user`` is scheduled then, or ``user`` is free to open one."""
        self.ensure_one()
        if self.is_collective:
            sessions = self._get_session_slots(
                start, start + timedelta(seconds=1), staff=user, include_full=True
            )
            if any(s["stop"] == stop for s in sessions):
                return True
        per_user, _seats, workshop_staff = self._get_available_intervals(start, stop, user)
        avail = per_user.get(user.id)
        if not avail:
            return False
        if self.is_collective and workshop_staff.get((start, stop)) == user.id:
            return iv.contains(avail["free_loose"], start, stop)
        return iv.contains(avail["free"], start, stop)

    def _pick_least_loaded(self, user_ids, start):
        """Among ``user_ids``, the staff member with the fewest active bookings in the week
        around ``start`` (ties: the first id)."""
        if len(user_ids) <= 1:
            return user_ids[0] if user_ids else False
        counts = dict(
            self.env["az.booking"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", user_ids),
                    ("state", "in", ACTIVE_STATES),
                    ("start", ">=", start - timedelta(days=7)),
                    ("start", "<", start + timedelta(days=7)),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        loads = {user.id: count for user, count in counts.items()}
        return min(user_ids, key=lambda uid: (loads.get(uid, 0), uid))
