from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# A signature this long after the start proposes the signing time as the person's arrival.
LATE_SIGNING_GRACE = timedelta(minutes=5)
# Signatures whose time says when the person was in the room: not those recorded afterwards
# by staff (on behalf, reconciled with the paper sheet).
ROOM_SIGN_METHODS = ("kiosk", "qr", "badge")


class AzAttendanceLineTimes(models.Model):
    """Arrival and departure of a person, one tap each on the trainer's screen.

    ``action_mark_arrived`` and ``action_mark_left`` are the methods the trainer's screens
    call (the session form's line buttons, the trainer's day): they record the time (now by
    default) within the session's window and the line's hours follow. A person who signs in
    the room well after the start gets their signing time proposed as their arrival, which
    the trainer accepts in one tap (``action_accept_proposed_arrival``)."""

    _inherit = "az.attendance.line"  # pylint: disable=consider-merging-classes-inherited  # one concern a file

    proposed_arrival = fields.Datetime(
        compute="_compute_proposed_arrival",
        help="This person signed in the room after the start: their signing time, proposed as their arrival.",
    )
    proposed_arrival_label = fields.Char(
        string="Signed late",
        compute="_compute_proposed_arrival",
        help="Time of a late signature in the site's time zone: accept it as the arrival time.",
    )

    @api.depends(
        "signed_at", "sign_method", "arrived_at", "status", "session_id.start", "session_id.actual_stop"
    )
    def _compute_proposed_arrival(self):
        for line in self:
            session = line.session_id
            stop = session._effective_stop() if session.start else False
            proposed = (
                line.signed_at
                and line.sign_method in ROOM_SIGN_METHODS
                and not line.arrived_at
                and line.status in ("present", "late")
                and stop
                and session.start + LATE_SIGNING_GRACE < line.signed_at <= stop
            )
            line.proposed_arrival = line.signed_at.replace(second=0, microsecond=0) if proposed else False
            line.proposed_arrival_label = (
                session._format_local_time(line.proposed_arrival) if proposed else False
            )

    # ------------------------------------------------------------------ actions
    def action_mark_arrived(self, when=None):
        """Record that the people of ``self`` arrived at ``when`` (a UTC datetime or its
        string; now by default): their hours start then. An arrival after the start marks the
        person late. ``when`` must fall within the session (start to actual or planned end);
        a validated (sealed) or cancelled sheet refuses it. Returns True."""
        moment = self._tap_moment(when)
        for line in self:
            line._check_tap(moment, self.env._("The arrival of %(name)s", name=line.partner_name))
            if line.left_at and moment >= line.left_at:
                raise UserError(
                    self.env._(
                        "%(name)s left at %(left)s: the arrival must come before.",
                        name=line.partner_name,
                        left=line.session_id._format_local_time(line.left_at),
                    )
                )
            vals = {"arrived_at": moment}
            if moment > line.session_id.start and line.status in ("expected", "present"):
                vals["status"] = "late"
            elif line.status == "expected":
                vals["status"] = "present"
            line.write(vals)
        return True

    def action_mark_left(self, when=None):
        """Record that the people of ``self`` left at ``when`` (a UTC datetime or its string;
        now by default): their hours end then. ``when`` must fall within the session (start to
        actual or planned end) and after the person's arrival; a validated (sealed) or
        cancelled sheet refuses it. Returns True."""
        moment = self._tap_moment(when)
        for line in self:
            line._check_tap(moment, self.env._("The departure of %(name)s", name=line.partner_name))
            if line.arrived_at and moment <= line.arrived_at:
                raise UserError(
                    self.env._(
                        "%(name)s arrived at %(arrived)s: the departure must come after.",
                        name=line.partner_name,
                        arrived=line.session_id._format_local_time(line.arrived_at),
                    )
                )
            vals = {"left_at": moment}
            if line.status == "expected":
                vals["status"] = "present"
            line.write(vals)
        return True

    def action_accept_proposed_arrival(self):
        """Take the late signing time of each line of ``self`` as the person's arrival."""
        for line in self:
            if not line.proposed_arrival:
                raise UserError(
                    self.env._("No arrival time is proposed for %(name)s.", name=line.partner_name)
                )
            line.action_mark_arrived(line.proposed_arrival)
        return True

    # ------------------------------------------------------------------ helpers
    @api.model
    def _tap_moment(self, when):
        """The moment of a tap: ``when`` (a datetime or its string), now by default, to the
        second."""
        if not when:
            return fields.Datetime.now().replace(microsecond=0)
        try:
            moment = fields.Datetime.to_datetime(when)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("This is not a date and time: %(value)s", value=when)) from error
        return moment.replace(microsecond=0)

    def _check_tap(self, moment, what):
        """Refuse an arrival or departure on a closed sheet or outside the session."""
        self.ensure_one()
        session = self.session_id
        if session.state == "validated" or self._is_seal_locked():
            raise UserError(
                self.env._(
                    "The sheet '%(name)s' is validated and sealed: arrivals and departures can no "
                    "longer be recorded. Record a correction as an amendment.",
                    name=session.name,
                )
            )
        if session.state == "cancelled":
            raise UserError(self.env._("The session '%(name)s' is cancelled.", name=session.name))
        if self.status in ("absent", "excused"):
            raise UserError(
                self.env._(
                    "%(name)s is marked absent or excused: change the status first.", name=self.partner_name
                )
            )
        stop = session._effective_stop()
        if not (session.start and stop):
            raise UserError(self.env._("Set the start and end times of '%(name)s' first.", name=session.name))
        if not (session.start <= moment <= stop):
            raise UserError(
                self.env._(
                    "%(what)s at %(when)s falls outside the session (%(start)s - %(stop)s): "
                    "give a time within it.",
                    what=what,
                    when=session._format_local(moment),
                    start=session._format_local_time(session.start),
                    stop=session._format_local_time(stop),
                )
            )
