from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import intervals


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
            raise UserError(self.env._("A workshop is booked occurrence by occurrence, not as a series."))
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
            start = intervals.local_to_utc(day, self.hour, tz)
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
                reason = self._time_off_reason(self.user_id, start, stop, booking_type) or error.args[0]
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
        return self.type_id._format_datetime(start)
