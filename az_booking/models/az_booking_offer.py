import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq

OFFER_STATES = [
    ("offered", "Offered"),
    ("accepted", "Accepted"),
    ("taken", "Taken by someone else"),
    ("expired", "Expired"),
]


class AzBookingOffer(models.Model):
    """An earlier free time offered to a person who holds an appointment of the same type
    and asked for one. The link sent to them (an unguessable token) is valid until
    ``expiry`` and works once; the time is held for nobody meanwhile: accepting moves the
    appointment as moving it from the personal page does (``_portal_reschedule``: staff
    member's lock, engine's check, the database's refusal of a double booking), and a time
    taken meanwhile keeps the current appointment and says so."""

    _name = "az.booking.offer"
    _inherit = ["az.row.lock.mixin"]
    _description = "Earlier time offered"
    _order = "create_date desc, id desc"

    booking_id = fields.Many2one("az.booking", required=True, index=True, ondelete="cascade", readonly=True)
    type_id = fields.Many2one(related="booking_id.type_id", store=True, index=True)
    company_id = fields.Many2one(related="booking_id.company_id", store=True)
    start = fields.Datetime(string="Time offered", required=True, readonly=True)
    stop = fields.Datetime(required=True, readonly=True)
    expiry = fields.Datetime(string="Valid until", required=True, readonly=True)
    state = fields.Selection(OFFER_STATES, required=True, default="offered", readonly=True, index=True)
    token = fields.Char(copy=False, readonly=True, groups="base.group_system")
    answered_datetime = fields.Datetime(string="Answered on", readonly=True)

    _sql_constraints = [("token_unique", "UNIQUE(token)", "An offer's link is unique.")]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["token"] = secrets.token_urlsafe(24)
        return super().create(vals_list)

    def _get_url(self):
        self.ensure_one()
        offer = self.sudo()
        return f"{offer.booking_id.get_base_url()}/booking/offer/{offer.id}?token={offer.token}"

    def _check_token(self, token):
        """Whether ``token`` is this offer's (compared in constant time)."""
        self.ensure_one()
        return bool(token) and consteq(self.sudo().token or "", token)

    def _is_open(self):
        self.ensure_one()
        return self.state == "offered" and fields.Datetime.now() < self.expiry

    def _accept(self):
        """Move the appointment to the offered time, first come first served; raise a
        UserError saying why not (the appointment then stays as it was)."""
        self.ensure_one()
        offer = self.sudo()._lock_rows()
        booking = offer.booking_id
        env = booking._staff_env()
        if not offer._is_open():
            raise UserError(self.env._("This offer has expired or has already been answered."))
        if booking.state not in ("requested", "confirmed") or offer.start >= booking.start:
            offer.write({"state": "expired", "answered_datetime": fields.Datetime.now()})
            raise UserError(self.env._("This offer no longer applies to your appointment."))
        if not booking._portal_can_change():
            raise UserError(self.env._("This booking can no longer be changed online. Please call us."))
        try:
            with self.env.cr.savepoint():
                new_booking = booking._portal_reschedule(offer.start)
        except UserError:
            offer.write({"state": "taken", "answered_datetime": fields.Datetime.now()})
            raise UserError(
                self.env._("Sorry, someone else has just taken this time. Your appointment stays as it was.")
            ) from None
        offer.write({"state": "accepted", "answered_datetime": fields.Datetime.now()})
        new_booking.sudo().write({"wants_earlier": False})
        new_booking.message_post(
            body=env._("Moved to an earlier time offered to the person, who accepted it.")
        )
        return new_booking

    @api.model
    def _expire_offers(self):
        """Close the offers whose link has expired: their time may go to the next in line."""
        expired = self.sudo().search([("state", "=", "offered"), ("expiry", "<=", fields.Datetime.now())])
        expired.write({"state": "expired"})
        return expired

    @api.model
    def _prepare_values(self, booking, slot):
        now = fields.Datetime.now()
        return {
            "booking_id": booking.id,
            "start": slot["start"],
            "stop": slot["stop"],
            "expiry": now + timedelta(hours=booking.type_id.earlier_offer_valid_hours),
        }
