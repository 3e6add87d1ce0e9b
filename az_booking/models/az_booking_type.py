from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, format_datetime, format_time

from odoo.addons.az_project_base.tools.durations import format_duration
from odoo.addons.az_project_base.tools.timezones import place_of
from odoo.addons.base.models.res_partner import _tz_get

from ..tools import intervals as iv

LOCATION_FORMATS = [
    ("on_site", "On site"),
    ("phone", "Phone"),
    ("video", "Video call"),
    ("home", "At home"),
]


class AzBookingType(models.Model):
    """A kind of appointment people can book (a "motif"): who receives, when, how long.
    Its free times come from the availability engine (``az.booking.availability.mixin``)."""

    _name = "az.booking.type"
    _description = "Booking type"
    _inherit = ["mail.thread", "website.published.multi.mixin", "az.booking.availability.mixin"]
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
        help="The website shows the first name of the facilitator of each workshop occurrence.",
    )
    occurrence_ids = fields.One2many("az.booking.occurrence", "type_id", string="Occurrences")
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

    def _format_duration(self, lang=None):
        """How long an appointment of this type lasts, as people read it: "1 h 30"."""
        self.ensure_one()
        return format_duration(self.duration, lang or self.env.lang)

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
        if slot.get("occurrence_id"):
            vals["occurrence_id"] = slot["occurrence_id"]
        if answers:
            vals["answer_ids"] = [
                fields.Command.create({"question_id": question_id, "value": value})
                for question_id, value in answers.items()
            ]
        vals.update(values)
        return vals
