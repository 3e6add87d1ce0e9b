from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, format_datetime

from ..tools import recurrence

WEEKDAY_FIELDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class AzBookingSessionCancelWizard(models.TransientModel):
    """Asks why workshop sessions are cancelled before cancelling them."""

    _name = "az.booking.session.cancel.wizard"
    _description = "Cancel workshop sessions"

    session_ids = fields.Many2many("az.booking.slot", string="Sessions", required=True)
    reason = fields.Text(required=True)

    def action_cancel(self):
        self.ensure_one()
        self.session_ids.action_cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}


class AzBookingSeriesMixin(models.AbstractModel):
    """What a weekly series asks: days, every N weeks, until a date or N times."""

    _name = "az.booking.series.mixin"
    _description = "Weekly series"

    date_from = fields.Date(string="First day", required=True, default=fields.Date.context_today)
    mon = fields.Boolean(string="Monday")
    tue = fields.Boolean(string="Tuesday")
    wed = fields.Boolean(string="Wednesday")
    thu = fields.Boolean(string="Thursday")
    fri = fields.Boolean(string="Friday")
    sat = fields.Boolean(string="Saturday")
    sun = fields.Boolean(string="Sunday")
    interval = fields.Integer(string="Every (weeks)", required=True, default=1)
    end_type = fields.Selection(
        [("count", "After a number of times"), ("until", "On a date")],
        string="Ends",
        required=True,
        default="count",
    )
    count = fields.Integer(string="Number of times", default=8)
    date_until = fields.Date(string="Last day")
    hour = fields.Float(string="Start time", required=True, default=14.0)
    result = fields.Html(readonly=True, sanitize=True)
    done = fields.Boolean(readonly=True)

    def _series_dates(self):
        self.ensure_one()
        weekdays = [i for i, name in enumerate(WEEKDAY_FIELDS) if self[name]]
        if not weekdays:
            raise UserError(self.env._("Choose at least one day of the week."))
        if self.interval < 1:
            raise UserError(self.env._("The series repeats every 1 week or more."))
        if self.end_type == "count" and self.count < 1:
            raise UserError(self.env._("Give a number of times (1 or more)."))
        if self.end_type == "until" and (not self.date_until or self.date_until < self.date_from):
            raise UserError(self.env._("Give a last day after the first day."))
        if not 0 <= self.hour < 24:
            raise UserError(self.env._("The start time is between 00:00 and 23:59."))
        return recurrence.weekly_dates(
            self.date_from,
            weekdays,
            interval=self.interval,
            count=self.count if self.end_type == "count" else None,
            until=self.date_until if self.end_type == "until" else None,
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Result"),
        }

    @api.model
    def _time_off_reason(self, users, start, stop, company):
        """Why ``users`` cannot work over [start, stop) (naive UTC): a public holiday or
        the leave of one of them; False when nothing stops them."""
        resources = self.env["resource.resource"].sudo().search([("user_id", "in", users.ids)])
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("time_type", "=", "leave"),
                    ("date_from", "<", stop),
                    ("date_to", ">", start),
                    "|",
                    ("resource_id", "in", resources.ids),
                    "&",
                    ("resource_id", "=", False),
                    "&",
                    "|",
                    ("calendar_id", "=", False),
                    ("calendar_id", "in", resources.calendar_id.ids),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "=", company.id),
                ],
                order="resource_id desc, id",
            )
        )
        for leave in leaves:
            if leave.resource_id:
                return self.env._("leave of %s", leave.resource_id.name)
            return self.env._("public holiday (%s)", leave.name or "")
        return False

    def _result_html(self, done_lines, skipped_lines, done_title, skipped_title):
        html = Markup("<p>%s</p>") % done_title
        if done_lines:
            html += Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % escape(line) for line in done_lines
            )
        if skipped_lines:
            html += Markup("<p><strong>%s</strong></p><ul>%s</ul>") % (
                skipped_title,
                Markup("").join(Markup("<li>%s</li>") % escape(line) for line in skipped_lines),
            )
        return html


class AzBookingSessionWizard(models.TransientModel):
    """Schedule the sessions of a workshop: weekly on chosen days, every N weeks, until a
    date or for N sessions. Public holidays and the facilitators' leaves are skipped, and
    what was skipped is listed."""

    _name = "az.booking.session.wizard"
    _inherit = ["az.booking.series.mixin"]
    _description = "Schedule workshop sessions"

    type_id = fields.Many2one(
        "az.booking.type", string="Workshop", required=True, domain="[('is_collective', '=', True)]"
    )
    duration = fields.Float(string="Length (hours)", required=True, default=2.0)
    site_id = fields.Many2one("az.site")
    user_ids = fields.Many2many(
        "res.users", string="Facilitators", required=True, domain="[('share', '=', False)]"
    )
    capacity = fields.Integer(string="Seats")

    @api.onchange("type_id")
    def _onchange_type_id(self):
        if self.type_id:
            self.duration = self.type_id.duration
            self.capacity = self.type_id.capacity
            self.site_id = self.type_id.site_ids[:1]
            if not self.user_ids:
                self.user_ids = self.type_id.specific_user_id or self.type_id.staff_user_ids[:1]

    def action_schedule(self):
        self.ensure_one()
        if self.duration <= 0:
            raise UserError(self.env._("A session lasts more than 0 hours."))
        if not self.user_ids:
            raise UserError(self.env._("Choose at least one facilitator."))
        booking_type = self.type_id
        tz = self.site_id.tz or booking_type.tz
        sessions = self.env["az.booking.slot"]
        existing = set(sessions.search([("type_id", "=", booking_type.id)]).mapped("start"))
        created, skipped = [], []
        for day in self._series_dates():
            start = recurrence.local_to_utc(day, self.hour, tz)
            stop = recurrence.local_to_utc(day, self.hour + self.duration, tz)
            label = self._day_label(day, tz)
            if start in existing:
                skipped.append(self.env._("%s: a session is already scheduled", label))
                continue
            reason = self._time_off_reason(self.user_ids, start, stop, booking_type.company_id)
            if reason:
                skipped.append("%s: %s" % (label, reason))
                continue
            sessions |= sessions.create(
                {
                    "type_id": booking_type.id,
                    "start": start,
                    "stop": stop,
                    "site_id": self.site_id.id,
                    "user_id": self.user_ids[:1].id,
                    "user_ids": [fields.Command.set(self.user_ids.ids)],
                    "capacity": self.capacity or booking_type.capacity,
                }
            )
            created.append(label)
        self.write(
            {
                "done": True,
                "result": self._result_html(
                    created,
                    skipped,
                    self.env._("%s session(s) scheduled.", len(created)),
                    self.env._("Not scheduled:"),
                ),
            }
        )
        return self._reopen()

    def _day_label(self, day, tz):
        hour = round(self.hour * 60)
        return "%s %02d:%02d" % (
            format_date(self.env, day, date_format="EEEE d MMMM y"),
            hour // 60,
            hour % 60,
        )


class AzBookingSeriesWizard(models.TransientModel):
    """Book a series of follow-up appointments for one person in one step: same type,
    staff member, day and time, every N weeks. Each occurrence is a normal booking (all
    its checks apply); those that cannot be booked are listed, never dropped silently."""

    _name = "az.booking.series.wizard"
    _inherit = ["az.booking.series.mixin"]
    _description = "Book a series of follow-up appointments"

    type_id = fields.Many2one("az.booking.type", required=True, domain="[('is_collective', '=', False)]")
    partner_id = fields.Many2one("res.partner", string="Person", required=True)
    user_id = fields.Many2one(
        "res.users", string="Staff member", required=True, domain="[('share', '=', False)]"
    )
    notify = fields.Boolean(string="Send the dates to the person", default=True)
    series_id = fields.Many2one("az.booking.series", readonly=True)

    @api.onchange("type_id")
    def _onchange_type_id(self):
        if self.type_id and not self.user_id:
            self.user_id = self.type_id.specific_user_id or self.env.user

    def action_book(self):
        self.ensure_one()
        booking_type = self.type_id
        if booking_type.is_collective:
            raise UserError(self.env._("A workshop is booked session by session, not as a series."))
        tz = booking_type.tz
        series = self.env["az.booking.series"].create(
            {
                "name": "%s - %s" % (booking_type.name, self.partner_id.name),
                "type_id": booking_type.id,
                "partner_id": self.partner_id.id,
                "user_id": self.user_id.id,
            }
        )
        Booking = self.env["az.booking"].with_context(mail_create_nosubscribe=True)
        booked, skipped = Booking, []
        for day in self._series_dates():
            start = recurrence.local_to_utc(day, self.hour, tz)
            label = self._label(start)
            try:
                with self.env.cr.savepoint():
                    booked |= Booking.create(
                        {
                            "type_id": booking_type.id,
                            "partner_id": self.partner_id.id,
                            "user_id": self.user_id.id,
                            "start": start,
                            "booked_by_kind": "staff",
                            "series_id": series.id,
                            "site_id": booking_type.site_ids[:1].id,
                        }
                    )
            except UserError as error:
                stop = start + timedelta(hours=booking_type.duration)
                reason = (
                    self._time_off_reason(self.user_id, start, stop, booking_type.company_id) or error.args[0]
                )
                skipped.append("%s: %s" % (label, reason))
        if booked and self.notify:
            booked._send_series_message(series)
        series.message_post(
            body=self._result_html(
                [self._label(b.start) for b in booked],
                skipped,
                self.env._("%s appointment(s) booked.", len(booked)),
                self.env._("To place by hand:"),
            )
        )
        self.write(
            {
                "done": True,
                "series_id": series.id,
                "result": self._result_html(
                    [self._label(b.start) for b in booked],
                    skipped,
                    self.env._("%s appointment(s) booked.", len(booked)),
                    self.env._("Not booked, to place by hand:"),
                ),
            }
        )
        return self._reopen()

    def _label(self, start):
        return format_datetime(self.env, start, tz=self.type_id.tz or "UTC", dt_format="EEEE d MMMM y, HH:mm")
