import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.exceptions import MissingError, UserError, ValidationError

from odoo.addons.base.models.res_partner import _lang_get

from ..tools import intervals as iv
from .az_booking_availability_mixin import ACTIVE_STATES
from .az_booking_holding_mixin import ADDRESS_CONSTRAINT, PERSON_CONSTRAINT, STAFF_CONSTRAINT

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
# Fields whose change of a workshop seat locks its occurrence first (``_lock_occurrences``).
LOCKING_FIELDS = {"state", "partner_id", "seats", "start", "stop", "user_id", "occurrence_id"}
# States whose booking appears in the staff member's calendar.
EVENT_STATES = ("requested", "confirmed", "done", "no_show", "excused")


class AzBooking(models.Model):
    """An appointment, or a seat in a collective workshop, booked for a person.

    This file holds the booking itself: its fields, its database guarantees against double
    booking and its workflow. Its other concerns have their own files: the time it holds
    (``az.booking.holding.mixin``: staff chosen, slot checked, lock, refusals), the
    calendar event (``az.booking.calendar.mixin``, shared with the workshop
    occurrences), the waiting list (``az.booking.waiting.mixin``), the personal link
    (``az.booking.manage.mixin``), the messages to the person
    (``az.booking.notification.mixin``), the booking made from the website
    (``az.booking.website.mixin``), the earlier times offered (``az.booking.earlier.mixin``),
    the meeting link of a video appointment (``az.booking.video.mixin``) and the booking a
    referent made for a person they refer (``az.booking.referral.mixin``). A workshop seat is
    held by its occurrence (``az.booking.occurrence._hold_seat``)."""

    _name = "az.booking"
    _description = "Booking"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "az.booking.earlier.mixin",
        "az.booking.holding.mixin",
        "az.booking.video.mixin",
        "az.booking.calendar.mixin",
        "az.booking.waiting.mixin",
        "az.booking.manage.mixin",
        "az.booking.notification.mixin",
        "az.booking.website.mixin",
        "az.booking.referral.mixin",
    ]
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
    occurrence_id = fields.Many2one(
        "az.booking.occurrence", string="Workshop occurrence", readonly=True, copy=False, index=True
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
    typed_address = fields.Char(
        string="Address typed on the website",
        copy=False,
        readonly=True,
        groups="az_project_base.group_user",
        help="The e-mail (normalised) or, without one, the phone (international form) typed "
        "on the website form: one person, whatever contact the booking went to.",
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
        precompute=True,
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
        help="Place on the waiting list of the workshop occurrence (1 = next).",
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
        # the same for the e-mail or phone typed on the website: two sendings of one address
        # at once may each make a contact, yet they are one person (the second insert waits
        # for the first, then meets it here, whatever each transaction's snapshot)
        (
            ADDRESS_CONSTRAINT.removeprefix("az_booking_"),
            "EXCLUDE USING gist (type_id WITH =, typed_address WITH =, tsrange(start, stop) WITH &&) "
            "WHERE (state IN ('waiting', 'requested', 'confirmed') AND typed_address IS NOT NULL)",
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
        occurrences = self.env["az.booking.occurrence"].sudo().search([("user_ids", "in", user.id)])
        return types.site_ids | occurrences.site_id

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

    @api.constrains("type_id", "seats")
    def _check_seats(self):
        for booking in self:
            if booking.occurrence_id:
                continue  # checked against the occurrence's seats when it is booked
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
                vals["name"] = self._next_reference()
            booking_type = self.env["az.booking.type"].browse(vals["type_id"])
            if vals.get("start") and not vals.get("stop"):
                vals["stop"] = fields.Datetime.to_datetime(vals["start"]) + timedelta(
                    hours=booking_type.duration
                )
            if "state" not in vals:
                vals["state"] = "requested" if booking_type.needs_validation else "confirmed"
            if not vals.get("lang") and vals.get("partner_id"):
                vals["lang"] = self.env["res.partner"].browse(vals["partner_id"]).lang or False
        self._lock_people(vals_list)  # the person first, then the occurrence or staff member
        for vals in vals_list:
            if vals["state"] in ACTIVE_STATES:
                self._prepare_slot_vals(self.env["az.booking.type"].browse(vals["type_id"]), vals)
        with self._slot_guard():
            bookings = super().create(vals_list)
            bookings.occurrence_id._update_seats()
        bookings.filtered(lambda b: b.state in EVENT_STATES)._sync_calendar_event()
        return bookings

    def _next_reference(self):
        """The next reference of the addon's sequence, found by its XML id (cached) rather
        than searched by code on each booking."""
        sequence_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "az_booking.seq_az_booking", raise_if_not_found=False
        )
        sequence = self.env["ir.sequence"].sudo().browse(sequence_id)
        try:  # reading the sequence tells whether it still exists (no query of its own)
            usable = bool(sequence_id) and sequence.active
        except MissingError:
            usable = False
        if usable:
            return sequence._next()
        return self.env["ir.sequence"].next_by_code("az.booking") or "/"

    def write(self, vals):  # pylint: disable=method-required-super  # through _write_checked
        vals = dict(vals)
        if LOCKING_FIELDS & set(vals):
            self._lock_occurrences()
        moving_time = {"start", "stop"} & set(vals)
        if moving_time and "reminder_sent_datetime" not in vals:
            vals["reminder_sent_datetime"] = False  # a moved appointment is reminded again
        # the calendar file of a moved or cancelled appointment gets a higher SEQUENCE; a
        # cancelled booking's personal link then only says that it was cancelled
        # (``controllers/portal.py``)
        new_version = (moving_time or vals.get("state") == "cancelled") and "ics_sequence" not in vals
        if new_version or ("start" in vals and "stop" not in vals and len(self) > 1):
            for booking in self:  # each booking keeps its own length and version
                booking_vals = dict(vals)
                if new_version:
                    booking_vals["ics_sequence"] = booking.ics_sequence + 1
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
                            "A seat in a workshop cannot be moved: cancel it and book another occurrence."
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
        if "start" in vals and self._referral_moves(vals):
            vals["referral_moved"] = True  # what the referent who booked reads
        with self._slot_guard():
            result = super().write(vals)
        if moving or {"state", "partner_id", "type_id"} & set(vals):
            self._sync_calendar_event()
        if vals.get("state") == "no_show":
            self._notify_referent_of_absence()  # the referent who booked, once
        return result

    def _creation_message(self):
        """The message logged with the booking's creation: where it was made from, when the
        caller says it (``az_booking_creation_message``)."""
        return self.env.context.get("az_booking_creation_message") or super()._creation_message()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(
            self.env._("Bookings are never deleted: cancel them instead, so that their history stays.")
        )

    # ------------------------------------------------------------------------------------
    # Calendar (az.booking.calendar.mixin): an event of its own for an appointment; a seat
    # is shown in its occurrence's event, not in an event of its own
    # ------------------------------------------------------------------------------------
    def _calendar_event_name(self):
        return self.env._(
            "%(type)s with %(person)s", type=self.type_id.public_name, person=self.partner_id.name
        )

    def _calendar_event_partners(self):
        return self.user_id.partner_id | self.partner_id

    def _calendar_event_wanted(self):
        return not self.occurrence_id and self.state in EVENT_STATES and bool(self.user_id)

    def _link_calendar_event(self, event):
        # only the link to the event changes: past the checks of a moved booking
        return super().write({"event_id": event.id})

    def _sync_calendar_event(self):
        self.sudo().occurrence_id._sync_calendar_event()
        return super()._sync_calendar_event()

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # the meeting activity of the booking's event (``az_booking_event``) subscribes its
        # staff member, who follows the booking since it was assigned to them
        if self.env.context.get("az_booking_event") and partner_ids and not subtype_ids:
            partner_ids = [pid for pid in partner_ids if pid not in self.user_id.partner_id.ids]
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

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
        of the waiting list while the occurrence has not started. The to-do of the booking is
        closed."""
        self._check_state(("waiting", "requested", "confirmed"), self.env._("cancelled"))
        self._lock_occurrences()
        occurrences = self.filtered(lambda b: b.state in ACTIVE_STATES).occurrence_id
        self.write({"state": "cancelled", "cancel_by": cancel_by, "cancel_reason": reason})
        self.occurrence_id._update_seats()
        self.sudo().activity_ids.action_feedback(feedback=self.env._("Booking cancelled."))
        for occurrence in occurrences.sorted("id"):
            self._promote_waiting(occurrence)
        return True
