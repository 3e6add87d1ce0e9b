from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

from .az_booking_type import ACTIVE_STATES

SESSION_STATES = [
    ("scheduled", "Scheduled"),
    ("full", "Full"),
    ("cancelled", "Cancelled"),
    ("done", "Done"),
]
# Sessions people can still book (a full one offers its waiting list).
OPEN_SESSION_STATES = ("scheduled", "full")


class AzBookingSlot(models.Model):
    """A session of a collective workshop, scheduled by staff: its row is locked while its
    seats are counted, so that concurrent requests are served one after the other."""

    _name = "az.booking.slot"
    _description = "Workshop session"
    _inherit = ["mail.thread"]
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
        "az_booking_slot_user_rel",
        "slot_id",
        "user_id",
        string="Facilitators",
        domain="[('share', '=', False)]",
    )
    capacity = fields.Integer(string="Seats", required=True, tracking=True)
    seats_taken = fields.Integer(readonly=True)
    seats_left = fields.Integer(compute="_compute_seats")
    waiting_count = fields.Integer(string="Waiting list", compute="_compute_seats")
    state = fields.Selection(
        SESSION_STATES,
        string="Status",
        required=True,
        default="scheduled",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    cancel_reason = fields.Text(readonly=True, copy=False, tracking=True)
    booking_ids = fields.One2many("az.booking", "slot_id", string="Bookings")
    event_id = fields.Many2one(
        "calendar.event", string="Calendar event", copy=False, readonly=True, index="btree_not_null"
    )
    color = fields.Integer(related="type_id.color")

    _sql_constraints = [
        (
            "type_start_unique",
            "UNIQUE(type_id, start)",
            "A workshop holds one session at a given start time.",
        ),
        ("capacity_positive", "CHECK(capacity >= 1)", "A session needs at least one seat."),
        ("stop_after_start", "CHECK(stop > start)", "A session must end after it starts."),
    ]

    @api.depends("type_id", "start")
    def _compute_display_name(self):
        for session in self:
            if not (session.type_id and session.start):
                session.display_name = session.type_id.name or ""
                continue
            session.display_name = "%s - %s" % (
                session.type_id.public_name or session.type_id.name,
                session._local_label(session.start),
            )

    @api.depends("capacity", "seats_taken", "booking_ids.state")
    def _compute_seats(self):
        for session in self:
            session.seats_left = max(session.capacity - session.seats_taken, 0)
            session.waiting_count = len(session.booking_ids.filtered(lambda b: b.state == "waiting"))

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
        sessions = super().create(vals_list)
        sessions._sync_calendar_event()
        return sessions

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
        before = {session.id: (session.start, session.stop) for session in self}
        result = super().write(vals)
        if "user_ids" in vals or "user_id" in vals:
            for session in self:
                if session.user_id and session.user_id not in session.user_ids:
                    session.user_ids = [fields.Command.link(session.user_id.id)]
        if moving:
            for session in self:
                if before[session.id] != (session.start, session.stop):
                    session._move_bookings()
        if "capacity" in vals:
            for session in self:
                session._lock()
                session.booking_ids._update_slot_seats()
                session.env["az.booking"]._promote_waiting(session)
        if moving or {"user_id", "user_ids", "site_id", "type_id", "state"} & set(vals):
            self._sync_calendar_event()
        return result

    def _check_write_allowed(self, vals):
        """Refuse moving a closed session, or giving a session fewer seats than it has people."""
        if {"start", "stop"} & set(vals):
            for session in self:
                if session.state in ("cancelled", "done"):
                    raise UserError(
                        self.env._(
                            "Session %s is cancelled or done: it cannot be moved.", session.display_name
                        )
                    )
        if "capacity" in vals:
            for session in self:
                if vals["capacity"] < session.seats_taken:
                    raise ValidationError(
                        self.env._(
                            "Session %(session)s already has %(taken)s participant(s): it cannot "
                            "have fewer seats.",
                            session=session.display_name,
                            taken=session.seats_taken,
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_booked(self):
        if self.booking_ids:
            raise UserError(self.env._("A session with bookings is never deleted: cancel it instead."))

    def unlink(self):
        self.event_id.sudo().unlink()  # the session's own calendar event goes with it
        return super().unlink()

    # ------------------------------------------------------------------------------------
    # Seats
    # ------------------------------------------------------------------------------------
    def _lock(self):
        """Lock these session rows until the end of the transaction, in a fixed order."""
        for session_id in sorted(self.ids):
            self.env.cr.execute("SELECT id FROM az_booking_slot WHERE id = %s FOR UPDATE", [session_id])

    def _has_started(self):
        self.ensure_one()
        return self.start <= fields.Datetime.now()

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_open_cancel_wizard(self):
        for session in self:
            if session.state not in OPEN_SESSION_STATES:
                raise UserError(self.env._("Session %s is already cancelled or done.", session.display_name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel session"),
            "res_model": "az.booking.session.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_session_ids": self.ids},
        }

    def action_cancel(self, reason):
        """Cancel the sessions: every participant and every person on the waiting list is
        told (e-mail or SMS, as they booked), their bookings are cancelled with the reason
        and the waiting list is cleared."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the session is cancelled."))
        for session in self:
            if session.state not in OPEN_SESSION_STATES:
                raise UserError(self.env._("Session %s is already cancelled or done.", session.display_name))
        self._lock()
        # the status first: no seat freed below goes to the waiting list
        super().write({"state": "cancelled", "cancel_reason": reason})
        bookings = self.sudo().booking_ids.filtered(lambda b: b.state in ("waiting",) + ACTIVE_STATES)
        if bookings:
            waiting = bookings.filtered(lambda b: b.state == "waiting")
            bookings.action_cancel(cancel_by="service", reason=reason)
            bookings.with_context(az_booking_no_ics_ids=waiting.ids)._send_portal_notification(
                "session_cancelled"
            )
        for session in self:
            session.message_post(
                body=self.env._(
                    "Session cancelled: %(reason)s. %(count)s person(s) told.",
                    reason=reason,
                    count=len(bookings.filtered(lambda b, s=session: b.slot_id == s)),
                )
            )
        self._sync_calendar_event()
        return True

    def action_done(self):
        for session in self:
            if session.state not in OPEN_SESSION_STATES:
                raise UserError(self.env._("Session %s is already cancelled or done.", session.display_name))
        self.write({"state": "done"})
        return True

    @api.model
    def _cron_mark_done(self):
        """Sessions that are over are done: they leave the lists of sessions to come."""
        over = self.sudo().search(
            [("state", "in", OPEN_SESSION_STATES), ("stop", "<=", fields.Datetime.now())]
        )
        over.write({"state": "done"})
        return over

    def action_view_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("az_booking.az_booking_action")
        action["domain"] = [("slot_id", "=", self.id)]
        action["context"] = {"search_default_upcoming": 0}
        return action

    def _move_bookings(self):
        """The session moved: its bookings follow (their calendar file gets the same UID
        and a higher SEQUENCE) and each person is told the new time."""
        self.ensure_one()
        bookings = self.sudo().booking_ids.filtered(lambda b: b.state in ("waiting",) + ACTIVE_STATES)
        if not bookings:
            return
        bookings.with_context(az_booking_skip_check=True).write({"start": self.start, "stop": self.stop})
        bookings._send_portal_notification("moved")
        for booking in bookings:
            booking.message_post(
                body=self.env._("The session moved to %s: the person was told.", booking.when_label)
            )

    def _update_state_from_seats(self):  # pylint: disable=missing-return  # super().write passes the write guard; nothing to return
        """scheduled <-> full as the seats fill up or free."""
        for session in self:
            if session.state not in OPEN_SESSION_STATES:
                continue
            state = "full" if session.seats_taken >= session.capacity else "scheduled"
            if state != session.state:
                super(AzBookingSlot, session).write({"state": state})

    # ------------------------------------------------------------------------------------
    # Calendar
    # ------------------------------------------------------------------------------------
    def _calendar_event_values(self):
        self.ensure_one()
        participants = self.booking_ids.filtered(lambda b: b.state in ACTIVE_STATES)
        partners = self.user_ids.partner_id | self.user_id.partner_id | participants.partner_id
        name = self.env._(
            "%(type)s (%(count)s/%(capacity)s)",
            type=self.type_id.public_name or self.type_id.name,
            count=sum(participants.mapped("seats")),
            capacity=self.capacity,
        )
        return self.type_id._calendar_event_values(self, name, partners)

    def _sync_calendar_event(self):  # pylint: disable=missing-return  # nothing to return
        """One calendar event per session: the facilitators and participants attend, the
        title counts the participants; archived once the session is cancelled."""
        booking_types = self.env["az.booking.type"]
        for session in self.sudo():
            if session.state != "cancelled":
                event = booking_types._put_calendar_event(session.event_id, session._calendar_event_values())
                if event != session.event_id:
                    # past the write guard of sessions: only the link to the event changes
                    super(AzBookingSlot, session).write({"event_id": event.id})
            else:
                booking_types._archive_calendar_events(session.event_id)
