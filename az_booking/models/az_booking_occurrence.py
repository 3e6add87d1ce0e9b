from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

from .az_booking_availability_mixin import ACTIVE_STATES

OCCURRENCE_STATES = [
    ("scheduled", "Scheduled"),
    ("full", "Full"),
    ("cancelled", "Cancelled"),
    ("done", "Done"),
]
# Occurrences people can still book (a full one offers its waiting list).
OPEN_OCCURRENCE_STATES = ("scheduled", "full")


class AzBookingOccurrence(models.Model):
    """An occurrence of a collective workshop, scheduled by staff. It holds its seats: its row is
    locked while they are counted (``_hold_seat``), so that concurrent requests are served
    one after the other."""

    _name = "az.booking.occurrence"
    _description = "Workshop occurrence"
    _inherit = ["mail.thread", "az.booking.video.mixin", "az.booking.calendar.mixin", "az.row.lock.mixin"]
    _order = "start, id"
    _check_company_auto = True

    type_id = fields.Many2one(
        "az.booking.type",
        string="Workshop",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_collective', '=', True)]",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="type_id.company_id", store=True, index=True)
    start = fields.Datetime(required=True, tracking=True)
    stop = fields.Datetime(required=True, tracking=True)
    site_id = fields.Many2one("az.site", check_company=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Main facilitator",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="The facilitator whose name the bookings carry.",
    )
    user_ids = fields.Many2many(
        "res.users",
        "az_booking_occurrence_user_rel",
        "occurrence_id",
        "user_id",
        string="Facilitators",
        domain="[('share', '=', False)]",
    )
    capacity = fields.Integer(string="Seats", required=True, tracking=True)
    seats_taken = fields.Integer(readonly=True)
    seats_left = fields.Integer(compute="_compute_seats")
    waiting_count = fields.Integer(string="Waiting list", compute="_compute_seats")
    state = fields.Selection(
        OCCURRENCE_STATES,
        string="Status",
        required=True,
        default="scheduled",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    cancel_reason = fields.Text(readonly=True, copy=False, tracking=True)
    booking_ids = fields.One2many("az.booking", "occurrence_id", string="Bookings")
    color = fields.Integer(related="type_id.color")

    _sql_constraints = [
        (
            "type_start_unique",
            "UNIQUE(type_id, start)",
            "A workshop holds one occurrence at a given start time.",
        ),
        ("capacity_positive", "CHECK(capacity >= 1)", "An occurrence needs at least one seat."),
        ("stop_after_start", "CHECK(stop > start)", "An occurrence must end after it starts."),
    ]

    @api.depends("type_id", "start")
    def _compute_display_name(self):
        for occurrence in self:
            if not (occurrence.type_id and occurrence.start):
                occurrence.display_name = occurrence.type_id.name or ""
                continue
            occurrence.display_name = "%s - %s" % (
                occurrence.type_id.public_name or occurrence.type_id.name,
                occurrence._local_label(occurrence.start),
            )

    @api.depends("capacity", "seats_taken", "booking_ids.state")
    def _compute_seats(self):
        for occurrence in self:
            occurrence.seats_left = max(occurrence.capacity - occurrence.seats_taken, 0)
            occurrence.waiting_count = len(occurrence.booking_ids.filtered(lambda b: b.state == "waiting"))

    def _local_label(self, moment):
        tz = self.type_id.tz or self.env.user.tz or "UTC"
        return format_datetime(self.env, moment, tz=tz, dt_format="dd/MM/y HH:mm")

    # ------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            booking_type = self.env["az.booking.type"].browse(vals.get("type_id"))
            if not vals.get("capacity"):
                vals["capacity"] = booking_type.capacity
            if vals.get("start") and not vals.get("stop"):
                vals["stop"] = fields.Datetime.to_datetime(vals["start"]) + timedelta(
                    hours=booking_type.duration
                )
            user_ids = self._user_ids_from_vals(vals)
            if not vals.get("user_id"):
                vals["user_id"] = (
                    user_ids[0]
                    if user_ids
                    else booking_type.specific_user_id.id or booking_type.staff_user_ids[:1].id or False
                )
            if vals.get("user_id") and vals["user_id"] not in user_ids:
                vals["user_ids"] = [fields.Command.link(vals["user_id"])] + list(vals.get("user_ids") or [])
        occurrences = super().create(vals_list)
        occurrences._sync_calendar_event()
        self.env["az.booking"]._trigger_earlier_offers()  # an earlier time for the people in line
        return occurrences

    @staticmethod
    def _user_ids_from_vals(vals):
        ids = []
        for command in vals.get("user_ids") or []:
            if isinstance(command, (list, tuple)):
                if command[0] == fields.Command.SET:
                    ids = list(command[2])
                elif command[0] == fields.Command.LINK:
                    ids.append(command[1])
            elif isinstance(command, int):
                ids.append(command)
        return ids

    def write(self, vals):
        vals = dict(vals)
        if "start" in vals and "stop" not in vals and len(self) == 1 and self.stop:
            vals["stop"] = fields.Datetime.to_datetime(vals["start"]) + (self.stop - self.start)
        moving = {"start", "stop"} & set(vals)
        self._check_write_allowed(vals)
        before = {occurrence.id: (occurrence.start, occurrence.stop) for occurrence in self}
        result = super().write(vals)
        if "user_ids" in vals or "user_id" in vals:
            for occurrence in self:
                if occurrence.user_id and occurrence.user_id not in occurrence.user_ids:
                    occurrence.user_ids = [fields.Command.link(occurrence.user_id.id)]
        if moving:
            for occurrence in self:
                if before[occurrence.id] != (occurrence.start, occurrence.stop):
                    occurrence._move_bookings()
        if "capacity" in vals:
            for occurrence in self:
                occurrence._lock_rows()._update_seats()
                occurrence.env["az.booking"]._promote_waiting(occurrence)
        if moving or {"user_id", "user_ids", "site_id", "type_id", "state"} & set(vals):
            self._sync_calendar_event()
        if moving or {"capacity", "state"} & set(vals):
            self.env["az.booking"]._trigger_earlier_offers()  # seats for the people in line
        return result

    def _check_write_allowed(self, vals):
        """Refuse moving a closed occurrence, or giving an occurrence fewer seats than it has people."""
        if {"start", "stop"} & set(vals):
            for occurrence in self:
                if occurrence.state in ("cancelled", "done"):
                    raise UserError(
                        self.env._(
                            "Occurrence %s is cancelled or done: it cannot be moved.", occurrence.display_name
                        )
                    )
        if "capacity" in vals:
            for occurrence in self:
                if vals["capacity"] < occurrence.seats_taken:
                    raise ValidationError(
                        self.env._(
                            "Occurrence %(occurrence)s already has %(taken)s participant(s): it cannot "
                            "have fewer seats.",
                            occurrence=occurrence.display_name,
                            taken=occurrence.seats_taken,
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_booked(self):
        if self.booking_ids:
            raise UserError(self.env._("An occurrence with bookings is never deleted: cancel it instead."))

    def unlink(self):
        self.event_id.sudo().unlink()  # the occurrence's own calendar event goes with it
        return super().unlink()

    # ------------------------------------------------------------------------------------
    # Seats
    # ------------------------------------------------------------------------------------
    @api.model
    def _hold_seat(self, booking_type, vals):
        """Complete the values ``vals`` of a new seat of ``booking_type``: the occurrence (given
        by ``occurrence_id``, or the one starting at ``start``), its time, site and facilitator, and
        a seat or a place on the waiting list. The occurrence row is locked until the end of
        the transaction: concurrent requests count the seats one after the other, and one
        that read them before the lock holder committed fails with a serialization error and
        is retried by Odoo with fresh data. When staff book at a time without an occurrence and
        the staff member is free, an occurrence is opened there."""
        taken_message = self.env["az.booking"]._slot_taken_message()
        check = not self.env.context.get("az_booking_skip_check")
        self_booking = vals.get("booked_by_kind") == "self"
        occurrence = self.sudo().browse(vals.get("occurrence_id"))
        start = fields.Datetime.to_datetime(vals.get("start"))
        if not occurrence and start:
            # the occurrence starting then, whatever its state (a closed one is refused below)
            occurrence = self.sudo().search(
                [("type_id", "=", booking_type.id), ("start", "=", start)], limit=1
            )
        if not occurrence:
            if (self_booking and check) or not start:
                raise UserError(taken_message)
            occurrence = self._open_for_staff(booking_type, vals, start, check)
        occurrence = occurrence._lock_rows()
        if not occurrence.exists() or occurrence.type_id != booking_type:
            raise UserError(taken_message)
        if occurrence.state not in OPEN_OCCURRENCE_STATES:
            raise UserError(taken_message)
        now = fields.Datetime.now()
        in_window = (
            now + timedelta(hours=booking_type.min_notice_hours)
            <= occurrence.start
            <= now + timedelta(days=booking_type.horizon_days)
        )
        if check and ((self_booking and not in_window) or occurrence.stop <= now):
            raise UserError(taken_message)
        if not vals.get("user_id") or vals["user_id"] not in (occurrence.user_ids | occurrence.user_id).ids:
            vals["user_id"] = occurrence.user_id.id or vals.get("user_id")
        vals.update(occurrence_id=occurrence.id, start=occurrence.start, stop=occurrence.stop)
        if not vals.get("site_id"):
            vals["site_id"] = occurrence.site_id.id or booking_type.site_ids[:1].id
        seats = vals.get("seats", 1)
        if seats > occurrence.capacity:
            raise UserError(
                self.env._(
                    "This occurrence has %(capacity)s seat(s): a booking cannot take %(seats)s.",
                    capacity=occurrence.capacity,
                    seats=seats,
                )
            )
        if occurrence._count_seats_taken() + seats > occurrence.capacity:
            if self.env.context.get("az_booking_no_waiting"):
                raise UserError(taken_message)
            vals["state"] = "waiting"

    @api.model
    def _open_for_staff(self, booking_type, vals, start, check):
        """Staff booking a seat at a time without an occurrence: the occurrence is opened there
        when the staff member is free (as a single booking would be). Two staff members
        opening the same occurrence at once get the same row: the insert does nothing when it
        exists (``ON CONFLICT`` on the unique type and start), and under Odoo's REPEATABLE
        READ a row committed after this transaction's snapshot makes it fail with a
        serialization error, retried by Odoo."""
        stop = fields.Datetime.to_datetime(vals.get("stop")) or start + timedelta(hours=booking_type.duration)
        user_id = vals.get("user_id") or booking_type.specific_user_id.id
        taken_message = self.env["az.booking"]._slot_taken_message()
        if not user_id:
            raise UserError(taken_message)
        if check and not booking_type._is_available(self.env["res.users"].browse(user_id), start, stop):
            raise UserError(taken_message)
        self.env.cr.execute(
            """
            INSERT INTO az_booking_occurrence (type_id, company_id, start, stop, user_id, capacity,
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
            "SELECT id FROM az_booking_occurrence WHERE type_id = %s AND start = %s", [booking_type.id, start]
        )
        occurrence_id = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            "INSERT INTO az_booking_occurrence_user_rel (occurrence_id, user_id) VALUES (%s, %s) "
            "ON CONFLICT DO NOTHING",
            [occurrence_id, user_id],
        )
        self.invalidate_model()
        return self.sudo().browse(occurrence_id)

    def _count_seats_taken(self):
        """Seats held by the active bookings of this occurrence, as the database has them now."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT COALESCE(SUM(seats), 0) FROM az_booking WHERE occurrence_id = %s AND state IN %s",
            [self.id, ACTIVE_STATES],
        )
        return self.env.cr.fetchone()[0]

    def _update_seats(self):
        """Write the seats count on these (locked) occurrence rows, their state (scheduled or
        full) and their calendar event."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE az_booking_occurrence s
               SET seats_taken = (SELECT COALESCE(SUM(b.seats), 0) FROM az_booking b
                                   WHERE b.occurrence_id = s.id AND b.state IN %s),
                   write_date = now() at time zone 'UTC'
             WHERE s.id IN %s
        """,
            [ACTIVE_STATES, tuple(self.ids)],
        )
        self.invalidate_recordset(["seats_taken"])
        occurrences = self.sudo()
        occurrences._update_state_from_seats()
        occurrences._sync_calendar_event()

    def _has_started(self):
        self.ensure_one()
        return self.start <= fields.Datetime.now()

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_open_cancel_wizard(self):
        for occurrence in self:
            if occurrence.state not in OPEN_OCCURRENCE_STATES:
                raise UserError(
                    self.env._("Occurrence %s is already cancelled or done.", occurrence.display_name)
                )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel occurrence"),
            "res_model": "az.booking.occurrence.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_occurrence_ids": self.ids},
        }

    def action_cancel(self, reason):
        """Cancel the occurrences: every participant and every person on the waiting list is
        told (e-mail or SMS, as they booked), their bookings are cancelled with the reason
        and the waiting list is cleared."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the occurrence is cancelled."))
        for occurrence in self:
            if occurrence.state not in OPEN_OCCURRENCE_STATES:
                raise UserError(
                    self.env._("Occurrence %s is already cancelled or done.", occurrence.display_name)
                )
        self._lock_rows()
        # the status first: no seat freed below goes to the waiting list
        super().write({"state": "cancelled", "cancel_reason": reason})
        bookings = self.sudo().booking_ids.filtered(lambda b: b.state in ("waiting",) + ACTIVE_STATES)
        if bookings:
            waiting = bookings.filtered(lambda b: b.state == "waiting")
            bookings.action_cancel(cancel_by="service", reason=reason)
            bookings.with_context(az_booking_no_ics_ids=waiting.ids)._send_portal_notification(
                "occurrence_cancelled"
            )
        for occurrence in self:
            occurrence.message_post(
                body=self.env._(
                    "Occurrence cancelled: %(reason)s. %(count)s person(s) told.",
                    reason=reason,
                    count=len(bookings.filtered(lambda b, s=occurrence: b.occurrence_id == s)),
                )
            )
        self._sync_calendar_event()
        return True

    def action_done(self):
        for occurrence in self:
            if occurrence.state not in OPEN_OCCURRENCE_STATES:
                raise UserError(
                    self.env._("Occurrence %s is already cancelled or done.", occurrence.display_name)
                )
        self.write({"state": "done"})
        return True

    @api.model
    def _cron_mark_done(self):
        """Occurrences that are over are done: they leave the lists of occurrences to come."""
        over = self.sudo().search(
            [("state", "in", OPEN_OCCURRENCE_STATES), ("stop", "<=", fields.Datetime.now())]
        )
        over.write({"state": "done"})
        return over

    def action_view_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("az_booking.az_booking_action")
        action["domain"] = [("occurrence_id", "=", self.id)]
        action["context"] = {"search_default_upcoming": 0}
        return action

    def _move_bookings(self):
        """The occurrence moved: its bookings follow (their calendar file gets the same UID
        and a higher SEQUENCE) and each person is told the new time."""
        self.ensure_one()
        bookings = self.sudo().booking_ids.filtered(lambda b: b.state in ("waiting",) + ACTIVE_STATES)
        if not bookings:
            return
        bookings.with_context(az_booking_skip_check=True).write({"start": self.start, "stop": self.stop})
        bookings._send_portal_notification("moved")
        for booking in bookings:
            booking.message_post(
                body=self.env._(
                    "The occurrence moved to %s: the person was told.",
                    booking.type_id._format_datetime(booking.start, lang=self.env.lang),
                )
            )

    def _update_state_from_seats(self):  # pylint: disable=missing-return  # super().write passes the write guard; nothing to return
        """scheduled <-> full as the seats fill up or free."""
        for occurrence in self:
            if occurrence.state not in OPEN_OCCURRENCE_STATES:
                continue
            state = "full" if occurrence.seats_taken >= occurrence.capacity else "scheduled"
            if state != occurrence.state:
                super(AzBookingOccurrence, occurrence).write({"state": state})

    # ------------------------------------------------------------------------------------
    # Calendar (az.booking.calendar.mixin): one event per occurrence, the facilitators and the
    # participants attend, the title counts the participants; archived once cancelled
    # ------------------------------------------------------------------------------------
    def _calendar_event_name(self):
        participants = self.booking_ids.filtered(lambda b: b.state in ACTIVE_STATES)
        return self.env._(
            "%(type)s (%(count)s/%(capacity)s)",
            type=self.type_id.public_name or self.type_id.name,
            count=sum(participants.mapped("seats")),
            capacity=self.capacity,
        )

    def _calendar_event_partners(self):
        participants = self.booking_ids.filtered(lambda b: b.state in ACTIVE_STATES)
        return self.user_ids.partner_id | self.user_id.partner_id | participants.partner_id

    def _calendar_event_wanted(self):
        return self.state != "cancelled"

    def _link_calendar_event(self, event):
        # past the write guard of occurrences: only the link to the event changes
        return super().write({"event_id": event.id})
