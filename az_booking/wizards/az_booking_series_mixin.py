from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import recurrence

WEEKDAY_FIELDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


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
    def _time_off_reason(self, users, start, stop, booking_type):
        """Why ``users`` cannot work over [start, stop) (naive UTC): the leave of one of them
        or a public holiday, by the slot engine's rule (az.booking.type._get_staff_time_off);
        False when nothing stops them."""
        data = booking_type._read_availability_data(users.ids, start, stop)
        leave_ids = [
            leave_id
            for leaves in booking_type._get_staff_time_off(data).values()
            for leave_id, date_from, date_to in leaves
            if date_from < stop and date_to > start
        ]
        leaves = self.env["resource.calendar.leaves"].sudo().browse(leave_ids)
        for leave in leaves.sorted(lambda leave: (not leave.resource_id, leave.id)):
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
