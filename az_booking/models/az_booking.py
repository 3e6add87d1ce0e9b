import base64
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import consteq, html2plaintext
from odoo.tools import hmac as tools_hmac

from odoo.addons.base.models.res_partner import _lang_get

from ..tools import intervals as iv
from ..tools.ics import make_ics
from .az_booking_type import ACTIVE_STATES

_logger = logging.getLogger(__name__)

STATES = [
    ("waiting", "Waiting list"),
    ("requested", "Requested"),
    ("confirmed", "Confirmed"),
    ("done", "Done"),
    ("no_show", "No-show"),
    ("excused", "Excused"),
    ("cancelled", "Cancelled"),
]
# Namespace of the advisory locks taken per staff member (any fixed 32-bit number).
STAFF_LOCK_KEY = 0x0A2B0001
# States whose booking appears in the staff member's calendar.
EVENT_STATES = ("requested", "confirmed", "done", "no_show", "excused")
# Exclusion constraints of the table (declared in ``_sql_constraints``, named
# ``<table>_<key>`` by Odoo).
STAFF_CONSTRAINT = "az_booking_no_double_booking"
PERSON_CONSTRAINT = "az_booking_one_per_person"
# How long a manage link stays valid after the end of its appointment.
MANAGE_TOKEN_GRACE_DAYS = 7
# States a person can still change from the website.
CHANGEABLE_STATES = ("waiting",) + ACTIVE_STATES


class AzBooking(models.Model):
    """An appointment, or a seat in a collective workshop, booked for a person."""

    _name = "az.booking"
    _description = "Booking"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index=True)
    type_id = fields.Many2one(
        "az.booking.type",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
    )
    project_id = fields.Many2one(related="type_id.project_id", store=True, index=True, precompute=True)
    company_id = fields.Many2one(related="type_id.company_id", store=True, index=True, precompute=True)
    is_collective = fields.Boolean(
        compute="_compute_is_collective",
        store=True,
        precompute=True,
        help="A seat in a collective workshop (several people at the same time).",
    )
    is_sensitive = fields.Boolean(related="type_id.is_sensitive")
    location_format = fields.Selection(related="type_id.location_format")
    user_id = fields.Many2one(
        "res.users",
        string="Staff member",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        tracking=True,
        help="The person who comes to the appointment.",
    )
    booked_by_id = fields.Many2one(
        "res.partner",
        string="Booked by",
        default=lambda self: self.env.user.partner_id,
        help="Who made the booking: the person, a staff member or a referrer.",
    )
    booked_by_kind = fields.Selection(
        [("self", "By the person"), ("staff", "By staff on their behalf"), ("referrer", "By a referrer")],
        string="Booked",
        required=True,
        default="staff",
    )
    consent_datetime = fields.Datetime(
        string="Consent recorded on",
        copy=False,
        help="When the person agreed to the processing of their data for this booking.",
    )
    site_id = fields.Many2one("az.site", check_company=True)
    start = fields.Datetime(required=True, index=True, tracking=True)
    stop = fields.Datetime(required=True, tracking=True)
    duration = fields.Float(compute="_compute_duration", help="In hours.")
    busy_start = fields.Datetime(
        compute="_compute_busy",
        store=True,
        precompute=True,
        help="Start of the time held, buffer included.",
    )
    busy_stop = fields.Datetime(
        compute="_compute_busy",
        store=True,
        precompute=True,
        help="End of the time held, buffer included.",
    )
    seats = fields.Integer(required=True, default=1)
    state = fields.Selection(
        STATES, required=True, default="requested", tracking=True, copy=False, index=True
    )
    cancel_by = fields.Selection(
        [("person", "By the person"), ("service", "By the service")],
        string="Cancelled",
        tracking=True,
        copy=False,
    )
    cancel_reason = fields.Text(tracking=True, copy=False)
    answer_ids = fields.One2many("az.booking.answer", "booking_id", string="Answers")
    note = fields.Text(string="Internal note")
    event_id = fields.Many2one(
        "calendar.event", string="Calendar event", copy=False, readonly=True, index="btree_not_null"
    )
    slot_id = fields.Many2one(
        "az.booking.slot", string="Workshop session", readonly=True, copy=False, index=True
    )
    series_id = fields.Many2one(
        "az.booking.series",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The series of follow-up appointments this one belongs to.",
    )
    is_upcoming = fields.Boolean(
        string="To come",
        compute="_compute_list_filters",
        search="_search_is_upcoming",
        help="Not over yet, and still held or waiting.",
    )
    is_today = fields.Boolean(string="Today", compute="_compute_list_filters", search="_search_is_today")
    is_my_site = fields.Boolean(
        string="My sites",
        compute="_compute_list_filters",
        search="_search_is_my_site",
        help="At a site where I receive appointments or run workshops.",
    )
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    partner_mobile = fields.Char(related="partner_id.mobile", string="Mobile")
    partner_email = fields.Char(related="partner_id.email", string="E-mail")
    color = fields.Integer(related="type_id.color")
    lang = fields.Selection(
        _lang_get,
        string="Language",
        help="The language the person booked in: their pages and messages use it.",
    )
    submission_key = fields.Char(
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="One-time key of the website form that made this booking: the same form sent "
        "again shows this booking instead of making another one.",
    )
    claim_partner_id = fields.Many2one(
        "res.partner",
        string="Possibly also",
        copy=False,
        readonly=True,
        groups="az_project_base.group_user",
        help="An existing contact with the e-mail or phone typed on the website. The booking "
        "joins that contact only when the person confirms it through the link sent to that "
        "address.",
    )

    manage_token_expiry = fields.Datetime(
        compute="_compute_manage_token_expiry",
        store=True,
        copy=False,
        string="Manage link valid until",
    )
    manage_url = fields.Char(compute="_compute_manage_url", string="Manage link")
    reminder_sent_datetime = fields.Datetime(
        string="Reminder sent on",
        copy=False,
        readonly=True,
    )
    when_label = fields.Char(
        compute="_compute_when_label",
        string="When (as told to the person)",
        help="Day and time in the booking's timezone and language, without seconds.",
    )
    waiting_position = fields.Integer(
        compute="_compute_waiting_position",
        help="Place on the waiting list of the workshop session (1 = next).",
    )
    claim_url = fields.Char(
        compute="_compute_claim_url",
        groups="az_project_base.group_user",
        help="Link sent to the typed address only: it adds the booking to the existing "
        "contact of that address.",
    )
    ics_sequence = fields.Integer(
        string="Calendar version",
        copy=False,
        readonly=True,
        help="SEQUENCE of the calendar file: raised each time the appointment moves or is "
        "cancelled, so that calendar programs take the newest version.",
    )

    # The database itself refuses two active individual bookings of the same staff member
    # whose times (buffers included) overlap, and two bookings of the same person on the
    # same type whose times overlap (two staff members at once, two seats of one workshop, a
    # seat and a place on its waiting list). Odoo keeps each definition in the constraint's
    # comment and replaces a constraint whose definition changed on the next update. The
    # btree_gist extension they need is created by the addon's ``pre_init_hook`` (install)
    # and by ``init`` (a database updated from an older version).
    _sql_constraints = [
        ("stop_after_start", "CHECK(stop > start)", "A booking must end after it starts."),
        ("seats_positive", "CHECK(seats >= 1)", "A booking takes at least one seat."),
        ("submission_key_unique", "UNIQUE(submission_key)", "This form has already been sent."),
        (
            STAFF_CONSTRAINT.removeprefix("az_booking_"),
            "EXCLUDE USING gist (user_id WITH =, tsrange(busy_start, busy_stop) WITH &&) "
            "WHERE (state IN ('requested', 'confirmed') AND NOT is_collective AND user_id IS NOT NULL)",
            "This slot is no longer available. Please choose another one.",
        ),
        (
            PERSON_CONSTRAINT.removeprefix("az_booking_"),
            "EXCLUDE USING gist (type_id WITH =, partner_id WITH =, tsrange(start, stop) WITH &&) "
            "WHERE (state IN ('waiting', 'requested', 'confirmed'))",
            "This person already has a booking of this type at this time (or a seat in this workshop).",
        ),
    ]

    def init(self):
        # for the exclusion constraints (see ``pre_init_hook``); an update retries a
        # constraint it could not add once the models are initialised
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")

    def _compute_list_filters(self):
        now = fields.Datetime.now()
        day_start, day_stop = self._today_bounds()
        sites = self._my_sites()
        for booking in self:
            booking.is_upcoming = bool(
                booking.stop and booking.stop >= now and booking.state in ("waiting",) + ACTIVE_STATES
            )
            booking.is_today = bool(booking.start and day_start <= booking.start < day_stop)
            booking.is_my_site = booking.site_id in sites

    def _search_is_upcoming(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search."))
        domain = [("stop", ">=", fields.Datetime.now()), ("state", "in", ("waiting",) + ACTIVE_STATES)]
        return domain if (operator == "=") == value else ["!", "&"] + domain

    def _today_bounds(self):
        """Today in the user's timezone, as naive UTC bounds."""
        tz_name = self.env.user.tz or self.env.context.get("tz") or "UTC"
        today = datetime.now(ZoneInfo(tz_name)).date()
        return iv.local_day_bounds_utc(today, today, tz_name)

    def _search_is_today(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search."))
        day_start, day_stop = self._today_bounds()
        domain = [("start", ">=", day_start), ("start", "<", day_stop)]
        return domain if (operator == "=") == value else ["!", "&"] + domain

    def _my_sites(self):
        user = self.env.user
        types = self.env["az.booking.type"].sudo().search([("staff_user_ids", "in", user.id)])
        sessions = self.env["az.booking.slot"].sudo().search([("user_ids", "in", user.id)])
        return types.site_ids | sessions.site_id

    def _search_is_my_site(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search."))
        ids = self._my_sites().ids
        return [("site_id", "in" if (operator == "=") == value else "not in", ids)]

    @api.depends("type_id")
    def _compute_is_collective(self):
        for booking in self:
            booking.is_collective = booking.type_id.is_collective

    @api.depends("start", "stop")
    def _compute_duration(self):
        for booking in self:
            booking.duration = (
                (booking.stop - booking.start).total_seconds() / 3600
                if booking.start and booking.stop
                else 0.0
            )

    @api.depends("start", "stop", "type_id")
    def _compute_busy(self):
        for booking in self:
            if not (booking.start and booking.stop):
                booking.busy_start = booking.busy_stop = False
                continue
            booking.busy_start = booking.start - timedelta(hours=booking.type_id.buffer_before)
            booking.busy_stop = booking.stop + timedelta(hours=booking.type_id.buffer_after)

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for booking in self:
            booking.display_name = (
                f"{booking.name} - {booking.partner_id.name}" if booking.partner_id else booking.name
            )

    def _compute_access_url(self):  # pylint: disable=missing-return  # a compute returns nothing
        super()._compute_access_url()
        for booking in self:
            booking.access_url = f"/my/bookings/{booking.id}" if booking.id else "#"

    @api.depends("stop")
    def _compute_manage_token_expiry(self):
        for booking in self:
            booking.manage_token_expiry = (
                booking.stop + timedelta(days=MANAGE_TOKEN_GRACE_DAYS) if booking.stop else False
            )

    def _compute_when_label(self):
        for booking in self:
            booking.when_label = booking._get_when_label() if booking.start else False

    def _compute_waiting_position(self):
        for booking in self:
            booking.waiting_position = booking._get_waiting_position() if booking.id else 0

    def _compute_claim_url(self):
        for booking in self:
            booking.claim_url = booking._get_claim_url() if booking.id else False

    def _compute_manage_url(self):
        """The personal link sent to the person: the portal address of the booking with its
        access token. None once cancelled (the token is revoked then)."""
        for booking in self:
            booking.manage_url = (
                booking.get_base_url() + booking.get_portal_url()
                if booking.id and booking.state != "cancelled"
                else False
            )

    @api.constrains("type_id", "seats")
    def _check_seats(self):
        for booking in self:
            if booking.slot_id:
                continue  # checked against the session's seats when it is booked
            if booking.seats > booking.type_id.capacity:
                raise ValidationError(
                    self.env._(
                        "%(type)s has %(capacity)s seat(s): a booking cannot take %(seats)s.",
                        type=booking.type_id.name,
                        capacity=booking.type_id.capacity,
                        seats=booking.seats,
                    )
                )

    @api.constrains("user_id", "type_id", "state")
    def _check_staff(self):
        for booking in self:
            if booking.state in ACTIVE_STATES and not booking.user_id:
                raise ValidationError(self.env._("Booking %s needs a staff member.", booking.name))

    # ------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("az.booking") or "/"
            booking_type = self.env["az.booking.type"].browse(vals["type_id"])
            if vals.get("start") and not vals.get("stop"):
                vals["stop"] = fields.Datetime.to_datetime(vals["start"]) + timedelta(
                    hours=booking_type.duration
                )
            if "state" not in vals:
                vals["state"] = "requested" if booking_type.needs_validation else "confirmed"
            if not vals.get("lang") and vals.get("partner_id"):
                vals["lang"] = self.env["res.partner"].browse(vals["partner_id"]).lang or False
            if vals["state"] in ACTIVE_STATES:
                self._prepare_slot_vals(booking_type, vals)
        with self._slot_guard():
            bookings = super().create(vals_list)
            bookings._update_slot_seats()
        bookings.filtered(lambda b: b.state in EVENT_STATES)._sync_calendar_event()
        return bookings

    def write(self, vals):  # pylint: disable=method-required-super  # through _write_checked
        vals = dict(vals)
        moving_time = {"start", "stop"} & set(vals)
        if moving_time and "reminder_sent_datetime" not in vals:
            vals["reminder_sent_datetime"] = False  # a moved appointment is reminded again
        # the calendar file of a moved or cancelled appointment gets a higher SEQUENCE, and
        # a cancelled booking's personal link stops working
        new_version = (moving_time or vals.get("state") == "cancelled") and "ics_sequence" not in vals
        if new_version or ("start" in vals and "stop" not in vals and len(self) > 1):
            for booking in self:  # each booking keeps its own length and version
                booking_vals = dict(vals)
                if new_version:
                    booking_vals["ics_sequence"] = booking.ics_sequence + 1
                    if vals.get("state") == "cancelled":
                        booking_vals["access_token"] = False
                booking._write_checked(booking_vals)
            return True
        return self._write_checked(vals)

    def _write_checked(self, vals):
        """Write ``vals`` once the moved bookings are checked free, under the database's
        guard against double booking; keep the calendar events in line."""
        if "start" in vals and "stop" not in vals and self.start and self.stop:
            vals["stop"] = fields.Datetime.to_datetime(vals["start"]) + (self.stop - self.start)
        moving = {"start", "stop", "user_id"} & set(vals)
        if moving and not self.env.context.get("az_booking_skip_check"):
            for booking in self.filtered(lambda b: b.state in ACTIVE_STATES):
                if booking.is_collective:
                    raise UserError(
                        self.env._(
                            "A seat in a workshop cannot be moved: cancel it and book another session."
                        )
                    )
                user = self.env["res.users"].browse(vals.get("user_id", booking.user_id.id))
                self._lock_staff([user.id, booking.user_id.id])
                start = fields.Datetime.to_datetime(vals.get("start", booking.start))
                stop = fields.Datetime.to_datetime(vals.get("stop", booking.stop))
                if not booking.type_id.with_context(az_booking_exclude_ids=booking.ids)._is_available(
                    user, start, stop
                ):
                    raise UserError(self._slot_taken_message())
        with self._slot_guard():
            result = super().write(vals)
        if moving or {"state", "partner_id", "type_id"} & set(vals):
            self._sync_calendar_event()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(
            self.env._("Bookings are never deleted: cancel them instead, so that their history stays.")
        )

    # ------------------------------------------------------------------------------------
    # Slot holding
    # ------------------------------------------------------------------------------------
    def _slot_taken_message(self):
        return self.env._("This slot is no longer available. Please choose another one.")

    def _already_booked_message(self):
        return self.env._(
            "This person already has a booking of this type at this time (or a seat in this workshop)."
        )

    def _exclusion_message(self, error):
        if getattr(error.diag, "constraint_name", None) == PERSON_CONSTRAINT:
            return self._already_booked_message()
        return self._slot_taken_message()

    def _slot_guard(self):
        """Context manager turning the database's refusal of a double booking into a clear
        error for the user."""
        booking_model = self

        class _Guard:
            def __enter__(self):
                self.savepoint = booking_model.env.cr.savepoint()
                self.savepoint.__enter__()
                return self

            def __exit__(self, exc_type, exc, tb):
                try:
                    self.savepoint.__exit__(exc_type, exc, tb)
                except pg_errors.ExclusionViolation as error:
                    booking_model.env.transaction.clear()
                    raise UserError(booking_model._exclusion_message(error)) from error
                if isinstance(exc, pg_errors.ExclusionViolation):
                    booking_model.env.transaction.clear()
                    raise UserError(booking_model._exclusion_message(exc)) from exc
                return False

        return _Guard()

    def _prepare_slot_vals(self, booking_type, vals):
        """Choose the staff member, check the slot is free and, for a workshop, take the
        lock of its session and decide between a seat and the waiting list."""
        if booking_type.is_collective:
            return self._prepare_session_vals(booking_type, vals)
        start = fields.Datetime.to_datetime(vals["start"])
        stop = fields.Datetime.to_datetime(vals["stop"])
        check = not self.env.context.get("az_booking_skip_check")
        self_booking = vals.get("booked_by_kind") == "self"
        if not vals.get("user_id"):
            if booking_type.assignment == "specific":
                vals["user_id"] = booking_type.specific_user_id.id
            else:
                slot = booking_type._find_free_slot(start, stop, include_full=True, apply_notice=self_booking)
                if not slot:
                    raise UserError(self._slot_taken_message())
                vals["user_id"] = booking_type._pick_least_loaded(slot["user_ids"], start)
            check = False  # the slot comes from the engine
        if check:
            user = self.env["res.users"].browse(vals["user_id"])
            if self_booking:
                ok = bool(booking_type._find_free_slot(start, stop, staff=user, include_full=True))
            else:
                ok = booking_type._is_available(user, start, stop)
            if not ok:
                raise UserError(self._slot_taken_message())
        self._lock_staff([vals["user_id"]])

    def _prepare_session_vals(self, booking_type, vals):
        """A seat of a workshop is taken in one of its scheduled sessions (given by
        ``slot_id``, or the one starting at ``start``). The session row is locked until the
        end of the transaction: concurrent requests count the seats one after the other,
        and one that read them before the lock holder committed fails with a serialization
        error and is retried by Odoo with fresh data. When staff book at a time without a
        session and the staff member is free, a session is opened there."""
        cr = self.env.cr
        check = not self.env.context.get("az_booking_skip_check")
        self_booking = vals.get("booked_by_kind") == "self"
        session_id = vals.get("slot_id")
        start = fields.Datetime.to_datetime(vals.get("start"))
        if not session_id and start:
            # the scheduled session starting then (read before the lock, as the page did)
            found = booking_type._find_free_slot(start, include_full=True, apply_notice=False)
            session_id = found["session_id"] if found else False
            if not session_id and not self_booking:
                cr.execute(  # a cancelled or done session: refused below
                    "SELECT id FROM az_booking_slot WHERE type_id = %s AND start = %s",
                    [booking_type.id, start],
                )
                row = cr.fetchone()
                session_id = row and row[0]
        if not session_id:
            if (self_booking and check) or not start:
                raise UserError(self._slot_taken_message())
            session_id = self._open_session_for_staff(booking_type, vals, start, check)
        cr.execute(
            "SELECT state, capacity, start, stop, user_id, type_id FROM az_booking_slot "
            "WHERE id = %s FOR UPDATE",
            [session_id],
        )
        row = cr.fetchone()
        if not row:
            raise UserError(self._slot_taken_message())
        state, capacity, s_start, s_stop, holder_id, type_id = row
        if type_id != booking_type.id or state not in ("scheduled", "full"):
            raise UserError(self._slot_taken_message())
        now = fields.Datetime.now()
        if (
            check
            and self_booking
            and not (
                now + timedelta(hours=booking_type.min_notice_hours)
                <= s_start
                <= now + timedelta(days=booking_type.horizon_days)
            )
        ):
            raise UserError(self._slot_taken_message())
        if check and s_stop <= now:
            raise UserError(self._slot_taken_message())
        session = self.env["az.booking.slot"].sudo().browse(session_id)
        if not vals.get("user_id") or vals["user_id"] not in (session.user_ids | session.user_id).ids:
            vals["user_id"] = holder_id or vals.get("user_id")
        vals.update(slot_id=session_id, start=s_start, stop=s_stop)
        if not vals.get("site_id") and session.site_id:
            vals["site_id"] = session.site_id.id
        cr.execute(
            "SELECT COALESCE(SUM(seats), 0) FROM az_booking WHERE slot_id = %s AND state IN %s",
            [session_id, ACTIVE_STATES],
        )
        taken = cr.fetchone()[0]
        if vals.get("seats", 1) > capacity:
            raise UserError(
                self.env._(
                    "This session has %(capacity)s seat(s): a booking cannot take %(seats)s.",
                    capacity=capacity,
                    seats=vals.get("seats", 1),
                )
            )
        if taken + vals.get("seats", 1) > capacity:
            if self.env.context.get("az_booking_no_waiting"):
                raise UserError(self._slot_taken_message())
            vals["state"] = "waiting"

    def _open_session_for_staff(self, booking_type, vals, start, check):
        """Staff booking a seat at a time without a session: the session is opened there
        when the staff member is free (as a single booking would be). Returns its id."""
        stop = fields.Datetime.to_datetime(vals.get("stop")) or start + timedelta(hours=booking_type.duration)
        user_id = vals.get("user_id") or booking_type.specific_user_id.id
        if not user_id:
            raise UserError(self._slot_taken_message())
        if check and not booking_type._is_available(self.env["res.users"].browse(user_id), start, stop):
            raise UserError(self._slot_taken_message())
        self.env.cr.execute(
            """
            INSERT INTO az_booking_slot (type_id, company_id, start, stop, user_id, capacity,
                                         seats_taken, state, site_id,
                                         create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, 0, 'scheduled', %s, %s, %s,
                    now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (type_id, start) DO NOTHING
        """,
            [
                booking_type.id,
                booking_type.company_id.id,
                start,
                stop,
                user_id,
                booking_type.capacity,
                vals.get("site_id") or None,
                self.env.uid,
                self.env.uid,
            ],
        )
        self.env.cr.execute(
            "SELECT id FROM az_booking_slot WHERE type_id = %s AND start = %s", [booking_type.id, start]
        )
        session_id = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            "INSERT INTO az_booking_slot_user_rel (slot_id, user_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [session_id, user_id],
        )
        self.env["az.booking.slot"].invalidate_model()
        return session_id

    def _lock_staff(self, user_ids):
        """Serialize the individual bookings of the same staff members until the end of the
        transaction (locks taken in a fixed order). The exclusion constraint is what
        guarantees no overlap; this lock makes concurrent requests meet it one after the
        other instead of deadlocking on each other's uncommitted rows."""
        for user_id in sorted(set(filter(None, user_ids))):
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [STAFF_LOCK_KEY, user_id])

    def _update_slot_seats(self):
        """Write the seats count on the locked session rows of these bookings' workshops."""
        slots = self.filtered("slot_id").slot_id
        if not slots:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE az_booking_slot s
               SET seats_taken = (SELECT COALESCE(SUM(b.seats), 0) FROM az_booking b
                                   WHERE b.slot_id = s.id AND b.state IN %s),
                   write_date = now() at time zone 'UTC'
             WHERE s.id IN %s
        """,
            [ACTIVE_STATES, tuple(slots.ids)],
        )
        slots.invalidate_recordset(["seats_taken"])
        slots = slots.sudo()
        slots._update_state_from_seats()
        slots._sync_calendar_event()

    # ------------------------------------------------------------------------------------
    # Calendar
    # ------------------------------------------------------------------------------------
    def _calendar_event_values(self):
        self.ensure_one()
        partners = self.user_id.partner_id | self.partner_id
        name = self.env._(
            "%(type)s with %(person)s", type=self.type_id.public_name, person=self.partner_id.name
        )
        return self.type_id._calendar_event_values(self, name, partners)

    def _sync_calendar_event(self):
        """Keep each booking's calendar event in line with it: created when the booking
        holds time, moved with it, archived when it is cancelled or waits."""
        booking_types = self.env["az.booking.type"]
        collective = self.sudo().filtered("slot_id")
        if collective:
            collective.slot_id._sync_calendar_event()
            # a seat is shown in the session's event, not in an event of its own
            booking_types._archive_calendar_events(collective.event_id)
        for booking in self.sudo() - collective:
            if booking.state in EVENT_STATES and booking.user_id:
                event = booking_types._put_calendar_event(booking.event_id, booking._calendar_event_values())
                if event != booking.event_id:
                    booking.with_context(az_booking_skip_check=True).event_id = event
            else:
                booking_types._archive_calendar_events(booking.event_id)

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def _check_state(self, allowed, action):
        for booking in self:
            if booking.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(booking)s is %(state)s: it cannot be %(action)s.",
                        booking=booking.display_name,
                        state=dict(self._fields["state"]._description_selection(self.env))[booking.state],
                        action=action,
                    )
                )

    def action_confirm(self):
        self._check_state(("requested",), self.env._("confirmed"))
        self.write({"state": "confirmed"})
        return True

    def action_done(self):
        self._check_state(("confirmed",), self.env._("marked as done"))
        self.write({"state": "done"})
        return True

    def action_no_show(self):
        self._check_state(("confirmed",), self.env._("marked as no-show"))
        self.write({"state": "no_show"})
        return True

    def action_excused(self):
        self._check_state(("confirmed",), self.env._("marked as excused"))
        self.write({"state": "excused"})
        return True

    def action_open_cancel_wizard(self):
        self._check_state(("waiting", "requested", "confirmed"), self.env._("cancelled"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel booking"),
            "res_model": "az.booking.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_booking_ids": self.ids},
        }

    def action_cancel(self, cancel_by="service", reason=False):
        """Cancel without deleting anything; a freed workshop seat goes to the next person
        of the waiting list while the session has not started. The to-do of the booking is
        closed."""
        self._check_state(("waiting", "requested", "confirmed"), self.env._("cancelled"))
        slots = self.filtered(lambda b: b.state in ACTIVE_STATES).slot_id
        slots._lock()
        self.write({"state": "cancelled", "cancel_by": cancel_by, "cancel_reason": reason})
        self._update_slot_seats()
        self.sudo().activity_ids.action_feedback(feedback=self.env._("Booking cancelled."))
        for slot in slots.sorted("id"):
            self._promote_waiting(slot)
        return True

    def _promote_waiting(self, slot):
        """Give the seats freed in a locked workshop session to the people waiting, first
        come first served, and tell them; never once the session has started or when it is
        cancelled or done."""
        self.env.flush_all()
        slot = slot.sudo()
        slot.invalidate_recordset(["state", "start", "capacity"])
        if slot.state not in ("scheduled", "full") or slot._has_started():
            return self.browse()
        self.env.cr.execute(
            "SELECT COALESCE(SUM(seats), 0) FROM az_booking WHERE slot_id = %s AND state IN %s",
            [slot.id, ACTIVE_STATES],
        )
        taken = self.env.cr.fetchone()[0]
        free = slot.capacity - taken
        waiting = self.sudo().search(
            [("slot_id", "=", slot.id), ("state", "=", "waiting")], order="create_date, id"
        )
        promoted = self.browse()
        for booking in waiting:
            if booking.seats > free:
                continue
            free -= booking.seats
            promoted |= booking
        if not promoted:
            return promoted
        for booking in promoted:
            booking.with_context(az_booking_skip_check=True).state = (
                "requested" if booking.type_id.needs_validation else "confirmed"
            )
            booking.message_post(body=self.env._("A seat became free: this booking left the waiting list."))
        promoted._update_slot_seats()
        promoted._send_portal_notification("promoted")
        return promoted

    # ------------------------------------------------------------------------------------
    # Personal manage link (portal.mixin access token)
    # ------------------------------------------------------------------------------------
    def _portal_link_expired(self):
        """Whether the access token no longer opens this booking (some days after it)."""
        self.ensure_one()
        return bool(self.manage_token_expiry and self.manage_token_expiry < fields.Datetime.now())

    def _get_claim_signature(self):
        """Proof, sent only to the address typed on the website, that the person holding it
        receives that address's messages: it lets them add the booking to the existing
        contact of that address (see readme/DESCRIPTION.md)."""
        self.ensure_one()
        booking = self.sudo()
        if not booking.claim_partner_id:
            return False
        return tools_hmac(self.env(su=True), "az_booking_claim", (booking.id, booking.claim_partner_id.id))

    def _get_claim_url(self):
        self.ensure_one()
        signature = self._get_claim_signature()
        if not signature or self.state == "cancelled":
            return False
        return self.get_base_url() + self.get_portal_url(query_string=f"&claim={signature}")

    def _portal_claim(self, signature):
        """Move the booking to the existing contact of the typed address, once the person
        proved they receive that address's messages."""
        self.ensure_one()
        booking = self.sudo()
        expected = booking._get_claim_signature()
        if not expected or not consteq(expected, signature or ""):
            return False
        partner = booking.claim_partner_id
        booking.write({"partner_id": partner.id, "claim_partner_id": False})
        booking.message_post(
            body=self.env._(
                "The person confirmed through the link sent to them that this booking is theirs: "
                "it now belongs to their contact."
            )
        )
        return True

    @api.model
    def _portal_domain(self, partner):
        """Bookings a logged-in portal user may see: their own, and the ones they made for
        someone else."""
        return ["|", ("partner_id", "=", partner.id), ("booked_by_id", "=", partner.id)]

    def _portal_deadline(self):
        self.ensure_one()
        return self.start - timedelta(hours=self.type_id.cancel_deadline_hours)

    def _portal_can_change(self):
        """Whether the person may still cancel or move this booking from the website."""
        self.ensure_one()
        return self.state in CHANGEABLE_STATES and fields.Datetime.now() < self._portal_deadline()

    def _portal_cancel(self, reason=False):
        self.ensure_one()
        if not self._portal_can_change():
            raise UserError(self.env._("This booking can no longer be changed online. Please call us."))
        self.action_cancel(cancel_by="person", reason=reason or False)
        self.message_post(body=self.env._("Cancelled by the person from the website."))
        return True

    def _portal_reschedule(self, start):
        """Move the booking to the free slot starting at ``start`` (naive UTC) and return
        the booking that now holds the appointment (a new one for a workshop seat)."""
        self.ensure_one()
        if not self._portal_can_change():
            raise UserError(self.env._("This booking can no longer be changed online. Please call us."))
        booking_type = self.type_id
        now = fields.Datetime.now()
        if not now < start <= now + timedelta(days=booking_type.horizon_days):
            raise UserError(self._slot_taken_message())
        slot = booking_type._find_free_slot(start, exclude=self)
        if not slot or (self.start == start and self.state in ACTIVE_STATES):
            raise UserError(self._slot_taken_message())
        if booking_type.is_collective:
            # the seat is given back first: the same person cannot hold two seats of the
            # same type at overlapping times, even for an instant
            self.action_cancel(cancel_by="person", reason=self.env._("Moved by the person."))
            new_booking = self.with_context(az_booking_no_waiting=True).create(
                booking_type._prepare_booking_values(
                    self.partner_id,
                    slot,
                    answers={answer.question_id.id: answer.value for answer in self.answer_ids},
                    booked_by_id=self.booked_by_id.id,
                    booked_by_kind=self.booked_by_kind,
                    consent_datetime=self.consent_datetime,
                    site_id=self.site_id.id,
                    lang=self.lang,
                    seats=self.seats,
                )
            )
            self.cancel_reason = self.env._("Moved to %s by the person.", new_booking.name)
            new_booking.message_post(
                body=self.env._("Booked by the person from the website, in place of %s.", self.name)
            )
            return new_booking
        user = (
            self.user_id
            if self.user_id.id in slot["user_ids"]
            else self.env["res.users"].browse(booking_type._pick_least_loaded(slot["user_ids"], start))
        )
        values = {"start": start, "stop": slot["stop"], "user_id": user.id}
        if self.state == "waiting":
            values["state"] = "requested" if booking_type.needs_validation else "confirmed"
        self.write(values)
        self.message_post(body=self.env._("Moved by the person from the website."))
        return self

    # ------------------------------------------------------------------------------------
    # Calendar file and e-mails
    # ------------------------------------------------------------------------------------
    def _get_ics_content(self):
        """The appointment as an iCalendar file (bytes): a REQUEST, its updates with a
        higher SEQUENCE, and a CANCEL once cancelled (RFC 5546). A sensitive type shows only
        its neutral name."""
        self.ensure_one()
        booking = self.sudo().with_context(lang=self.lang or self.env.lang)
        location = booking.site_id.address_line() if booking.site_id else ""
        if booking.site_id:
            location = ", ".join(p for p in (booking.site_id.name, location) if p)
        description = booking.env._("Reference: %s", booking.name)
        manage_url = booking.manage_url
        if manage_url:
            description += "\n" + booking.env._("See, move or cancel: %s", manage_url)
        if not booking.is_sensitive and booking.type_id.description:
            description += "\n\n" + html2plaintext(booking.type_id.description)
        domain = (booking.get_base_url() or "odoo").split("//")[-1].split("/")[0].split(":")[0]
        company = booking.company_id
        person = booking.partner_id
        number = "".join(c for c in (person.mobile or person.phone or "") if c.isdigit() or c == "+")
        person_address = (
            person.email_normalized or (number and f"tel:{number}") or f"urn:az-booking:{booking.id}"
        )
        text = make_ics(
            uid=f"az-booking-{booking.id}@{domain}",
            start=booking.start,
            stop=booking.stop,
            summary=f"{booking.type_id.public_name} ({company.name})",
            description=description,
            location=location,
            url=manage_url or "",
            cancelled=booking.state == "cancelled",
            tentative=booking.state == "requested",
            sequence=booking.ics_sequence,
            organizer=(company.name, company.email or f"noreply@{domain}"),
            attendee=(person.name, person_address),
        )
        return text.encode()

    def _get_ics_attachment(self):
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "appointment.ics",
                    "datas": base64.b64encode(self._get_ics_content()),
                    "mimetype": "text/calendar",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )

    def _get_when_label(self, moment=None):
        """ "Tuesday 3 March 2026, 10:00" in the booking's timezone and language: what the
        messages to the person say (no seconds)."""
        self.ensure_one()
        booking = self.sudo()
        lang = booking.lang or booking.partner_id.lang or self.env.lang or "en_US"
        return booking.type_id._format_datetime(moment or booking.start, lang=lang)

    def _get_waiting_position(self):
        """Place of this booking on its workshop session's waiting list (1 = next)."""
        self.ensure_one()
        if self.state != "waiting" or not self.slot_id:
            return 0
        ahead = self.sudo().search_count(
            [
                ("slot_id", "=", self.slot_id.id),
                ("state", "=", "waiting"),
                "|",
                ("create_date", "<", self.create_date),
                "&",
                ("create_date", "=", self.create_date),
                ("id", "<", self.id),
            ]
        )
        return ahead + 1

    # Mail templates of each message sent to the person.
    _NOTIFICATION_TEMPLATES = {
        "confirmation": "az_booking.mail_template_booking_confirmation",
        "waiting": "az_booking.mail_template_booking_waiting",
        "reminder": "az_booking.mail_template_booking_reminder",
        "cancelled": "az_booking.mail_template_booking_cancelled",
        "promoted": "az_booking.mail_template_booking_promoted",
        "session_cancelled": "az_booking.mail_template_booking_session_cancelled",
        "moved": "az_booking.mail_template_booking_moved",
    }

    def _send_portal_notification(self, kind):
        """Tell the person about their booking (``kind``: confirmation, waiting, reminder,
        cancelled, promoted): by e-mail, with the calendar file when the booking holds a
        time. The SMS channel (az_booking_sms) extends this for people without e-mail.
        Returns the bookings that got an e-mail."""
        if kind == "confirmation":
            waiting = self.filtered(lambda b: b.state == "waiting")
            (self - waiting)._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind])
            waiting._send_portal_mail(self._NOTIFICATION_TEMPLATES["waiting"], ics=False)
            return self.filtered(lambda b: b.partner_id.email)
        if kind in ("session_cancelled", "moved"):
            # the waiting list holds no time: no calendar file for it
            no_ics = self.env.context.get("az_booking_no_ics_ids") or []
            waiting = self.filtered(lambda b: b.state == "waiting" or b.id in no_ics)
            sent = (self - waiting)._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind])
            return sent | waiting._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind], ics=False)
        return self._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind])

    def _send_portal_mail(self, xmlid, ics=True):
        """Send one of the website e-mails of these bookings, with the calendar file unless
        ``ics`` is False (the waiting list holds no time)."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        sent = self.browse()
        if not template:
            return sent
        for booking in self.sudo():
            if not booking.partner_id.email:
                continue
            email_values = {}
            if ics:
                attachment = booking._get_ics_attachment()
                email_values["attachment_ids"] = [fields.Command.link(attachment.id)]
            template.sudo().send_mail(booking.id, email_values=email_values)
            sent |= booking
        return sent

    def _send_series_message(self, series):
        """One e-mail to the person listing the dates of a series, each with its own
        link to see or cancel it. Returns whether it was sent."""
        partner = self.partner_id[:1]
        if not partner.email:
            return False
        bookings = self.sudo().with_context(lang=self[:1].lang or partner.lang).sorted("start")
        env = bookings.env
        items = Markup("").join(
            Markup('<li>%s - <a href="%s">%s</a></li>')
            % (booking.when_label, booking.manage_url, env._("see or cancel"))
            for booking in bookings
        )
        company = bookings[:1].company_id
        body = Markup("<div><p>%s</p><p>%s</p><ul>%s</ul><p>%s</p></div>") % (
            env._("Hello %s,", partner.name),
            env._(
                "Here are your %(count)s appointments %(type)s:",
                count=len(bookings),
                type=bookings[:1].type_id.public_name,
            ),
            items,
            company.name or "",
        )
        env["mail.mail"].sudo().create(
            {
                "subject": env._("Your appointments: %s", bookings[:1].type_id.public_name),
                "body_html": body,
                "email_from": company.email_formatted or env.user.email_formatted,
                "recipient_ids": [fields.Command.link(partner.id)],
                "model": "az.booking.series",
                "res_id": series.id,
                "auto_delete": True,
            }
        )
        return True

    @api.model
    def _cron_send_reminders(self):
        """Remind people of their appointment ``reminder_hours`` before it: once each,
        never for a cancelled booking or one on the waiting list."""
        now = fields.Datetime.now()
        types = (
            self.env["az.booking.type"]
            .sudo()
            .with_context(active_test=False)
            .search([("reminder_hours", ">", 0)])
        )
        if not types:
            return
        longest = max(types.mapped("reminder_hours"))
        candidates = self.sudo().search(
            [
                ("type_id", "in", types.ids),
                ("state", "in", ACTIVE_STATES),
                ("reminder_sent_datetime", "=", False),
                ("start", ">", now),
                ("start", "<=", now + timedelta(hours=longest)),
            ],
            order="start, id",
        )
        due = candidates.filtered(lambda b: b.start <= now + timedelta(hours=b.type_id.reminder_hours))
        for booking in due:
            booking.reminder_sent_datetime = now
            booking._send_portal_notification("reminder")
        _logger.info("az_booking: %d reminder(s) sent", len(due))
