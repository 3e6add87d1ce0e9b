import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .az_booking_availability_mixin import ACTIVE_STATES

_logger = logging.getLogger(__name__)

CRON_XMLID = "az_booking.ir_cron_az_booking_earlier_offers"


class AzBookingEarlierMixin(models.AbstractModel):
    """Earlier times: a person holding an appointment asks (on their personal page, or staff
    on the booking) to be told when an earlier time frees up for the same type. A job, woken
    after the commit of what may free a time (a cancellation, a move, a new workshop
    occurrence, a change of the type) and run every quarter of an hour, offers each free
    earlier time to the first in line (``az.booking.offer``)."""

    _name = "az.booking.earlier.mixin"
    _description = "Earlier times offered to a booking's person"

    wants_earlier = fields.Boolean(
        string="Wants an earlier time",
        copy=False,
        tracking=True,
        help="The person is told by e-mail or SMS when an earlier time of this type frees up.",
    )
    wants_earlier_datetime = fields.Datetime(
        string="In line since",
        copy=False,
        readonly=True,
        help="When the person asked for an earlier time: the first to ask is offered first.",
    )
    offer_ids = fields.One2many("az.booking.offer", "booking_id", string="Earlier times offered")
    earlier_offer_url = fields.Char(
        string="Link of the open offer", compute="_compute_earlier_offer", groups="base.group_system"
    )
    earlier_offer_when = fields.Char(string="Time of the open offer", compute="_compute_earlier_offer")

    def _compute_earlier_offer(self):
        """The link and time of the newest open offer, as the offer's message says them."""
        for booking in self:
            offer = booking.sudo().offer_ids.filtered(lambda o: o._is_open())[:1]
            booking.earlier_offer_url = offer._get_url() if offer else False
            booking.earlier_offer_when = booking._get_when_label(offer.start) if offer else False

    # ------------------------------------------------------------------------------------
    # Asking
    # ------------------------------------------------------------------------------------
    def _earlier_offers_left(self):
        """How many more earlier times this appointment may be offered."""
        self.ensure_one()
        booking = self.sudo()
        return max(booking.type_id.earlier_offer_max - len(booking.offer_ids), 0)

    def _earlier_can_ask(self):
        """Whether an earlier time may still be offered for this appointment: the type
        offers them, the appointment holds a time, it can still change online, offers
        remain, and it is not within the last days before it."""
        self.ensure_one()
        booking = self.sudo()
        booking_type = booking.type_id
        return bool(
            booking_type.earlier_offers
            and booking.state in ACTIVE_STATES
            and booking._portal_can_change()
            and booking._earlier_offers_left()
            and booking.start - timedelta(days=booking_type.earlier_offer_stop_days) > fields.Datetime.now()
        )

    def write(self, vals):
        if vals.get("state") == "cancelled" and "wants_earlier" not in vals:
            vals = dict(vals, wants_earlier=False)  # a cancelled booking leaves the line
        if "wants_earlier" in vals:
            vals = dict(
                vals, wants_earlier_datetime=fields.Datetime.now() if vals["wants_earlier"] else False
            )
        result = super().write(vals)
        if vals.get("wants_earlier") or vals.get("state") == "cancelled" or {"start", "user_id"} & set(vals):
            self._trigger_earlier_offers()  # a time freed up, or someone joined the line
        return result

    def _set_wants_earlier(self, wanted):
        """The person's (or staff's) request to be told of an earlier time, or its withdrawal."""
        self.ensure_one()
        if wanted and not self._earlier_can_ask():
            raise UserError(self.env._("No earlier time can be offered for this appointment any more."))
        if bool(self.sudo().wants_earlier) != bool(wanted):
            self.sudo().write({"wants_earlier": bool(wanted)})
        return True

    @api.model
    def _trigger_earlier_offers(self):
        """Wake the offer job up right after the commit, when someone is in line: nothing in
        the request waits on the mail or SMS service."""
        if not self.sudo().search_count([("wants_earlier", "=", True)], limit=1):
            return
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(CRON_XMLID, raise_if_not_found=False)
        if cron_id:
            self.env["ir.cron"].sudo().browse(cron_id)._trigger()

    # ------------------------------------------------------------------------------------
    # Offering
    # ------------------------------------------------------------------------------------
    @api.model
    def _cron_offer_earlier_times(self):
        """Offer each earlier free time to the first in line of its type: one open offer per
        appointment, a time already offered (and still open) to someone else is not offered
        again, a time this person already had is not offered twice; at most the type's number
        of offers per appointment, none in its last days."""
        Offer = self.env["az.booking.offer"].sudo()
        Offer._expire_offers()
        now = fields.Datetime.now()
        line = self.sudo().search(
            [
                ("wants_earlier", "=", True),
                ("state", "in", ACTIVE_STATES),
                ("start", ">", now),
                ("type_id.earlier_offers", "=", True),
            ],
            order="wants_earlier_datetime, id",
        )
        by_type = defaultdict(lambda: self.browse())
        for booking in line:
            by_type[booking.type_id] |= booking
        made = Offer.browse()
        for booking_type, bookings in by_type.items():
            made |= self._offer_earlier_times_of_type(booking_type, bookings)
        for offer in made:
            offer.booking_id._send_portal_notification("earlier_offer")
        _logger.info("az_booking: %d earlier time(s) offered", len(made))
        return made

    def _offer_earlier_times_of_type(self, booking_type, bookings):
        Offer = self.env["az.booking.offer"].sudo()
        now = fields.Datetime.now()
        open_offers = Offer.search([("type_id", "=", booking_type.id), ("state", "=", "offered")])
        waiting = bookings - open_offers.booking_id
        waiting = waiting.filtered(lambda b: b._earlier_can_ask())
        if not waiting:
            return Offer
        taken = [(o.start, o.stop) for o in open_offers]
        slots = [
            slot
            for slot in booking_type._get_free_slots(now, max(waiting.mapped("start")))
            if slot["seats_left"] > 0
        ]
        made = Offer.browse()
        for booking in waiting:  # in line order
            had = set(booking.offer_ids.mapped("start"))
            slot = next(
                (
                    s
                    for s in slots
                    if s["stop"] <= booking.start
                    and s["start"] not in had
                    and not any(s["start"] < stop and start < s["stop"] for start, stop in taken)
                ),
                None,
            )
            if not slot:
                continue
            made |= Offer.create(Offer._prepare_values(booking, slot))
            taken.append((slot["start"], slot["stop"]))
        return made

    def _send_portal_notification(self, kind):
        if kind == "earlier_offer":
            return self._send_portal_mail("az_booking.mail_template_booking_earlier_offer", ics=False)
        return super()._send_portal_notification(kind)
