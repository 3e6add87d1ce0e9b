from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools import intervals


class AzBookingOccurrenceWizard(models.TransientModel):
    """Schedule the occurrences of a workshop: weekly on chosen days, every N weeks, until a
    date or for N occurrences. Public holidays and the facilitators' leaves are skipped, and
    what was skipped is listed."""

    _name = "az.booking.occurrence.wizard"
    _inherit = ["az.booking.series.mixin"]
    _description = "Schedule workshop occurrences"

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
            raise UserError(self.env._("An occurrence lasts more than 0 hours."))
        if not self.user_ids:
            raise UserError(self.env._("Choose at least one facilitator."))
        booking_type = self.type_id
        tz = self.site_id.tz or booking_type.tz
        occurrences = self.env["az.booking.occurrence"]
        existing = set(occurrences.search([("type_id", "=", booking_type.id)]).mapped("start"))
        created, skipped = [], []
        for day in self._series_dates():
            start = intervals.local_to_utc(day, self.hour, tz)
            # the length is time elapsed, also over midnight or a night of a change of time
            stop = start + timedelta(hours=self.duration)
            label = self._day_label(day, tz)
            if start in existing:
                skipped.append(self.env._("%s: an occurrence is already scheduled", label))
                continue
            reason = self._time_off_reason(self.user_ids, start, stop, booking_type)
            if reason:
                skipped.append("%s: %s" % (label, reason))
                continue
            occurrences |= occurrences.create(
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
                    self.env._("%s occurrence(s) scheduled.", len(created)),
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
