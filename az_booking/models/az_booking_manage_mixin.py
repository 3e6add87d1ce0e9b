import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools import hmac as tools_hmac

from .az_booking_availability_mixin import ACTIVE_STATES

# How long a manage link stays valid after the end of its appointment.
MANAGE_TOKEN_GRACE_DAYS = 7
# States a person can still change from the website.
CHANGEABLE_STATES = ("waiting",) + ACTIVE_STATES


class AzBookingManageMixin(models.AbstractModel):
    """What a person does with their booking from its personal link (``portal.mixin``'s
    access token): see it until some days after it, claim it for the contact of the
    address they typed, cancel or move it up to the type's deadline."""

    _name = "az.booking.manage.mixin"
    _description = "Personal link of a booking"

    @api.depends("stop")
    def _compute_manage_token_expiry(self):
        for booking in self:
            booking.manage_token_expiry = (
                booking.stop + timedelta(days=MANAGE_TOKEN_GRACE_DAYS) if booking.stop else False
            )

    def _compute_claim_url(self):
        for booking in self:
            booking.claim_url = booking._get_claim_url() if booking.id else False

    def _compute_manage_url(self):
        """The personal link sent to the person: the portal address of the booking with its
        access token. None once cancelled (the token is revoked then)."""
        for booking in self:
            booking.manage_url = (
                booking.get_base_url() + booking.get_portal_url()
                if booking.id and booking.state != "cancelled"
                else False
            )

    def _portal_link_expired(self):
        """Whether the access token no longer opens this booking (some days after it)."""
        self.ensure_one()
        return bool(self.manage_token_expiry and self.manage_token_expiry < fields.Datetime.now())

    def _get_claim_signature(self):
        """Proof, sent only to the address typed on the website, that the person holding it
        receives that address's messages: it lets them add the booking to the existing
        contact of that address (see readme/DESCRIPTION.md)."""
        self.ensure_one()
        booking = self.sudo()
        if not booking.claim_partner_id or booking.state not in CHANGEABLE_STATES:
            return False
        return tools_hmac(self.env(su=True), "az_booking_claim", (booking.id, booking.claim_partner_id.id))

    def _get_claim_url(self):
        self.ensure_one()
        signature = self._get_claim_signature()
        if not signature or self.state == "cancelled":
            return False
        return self.get_base_url() + self.get_portal_url(query_string=f"&claim={signature}")

    def _portal_claim(self, signature):
        """Move the booking to the existing contact of the typed address, once the person
        proved they receive that address's messages; never a booking that is over or
        cancelled. The personal link changes with it: the one shown to whoever typed the
        address stops opening the booking (it would show the contact's name, and its
        calendar file their name and address); the person gets the new one."""
        self.ensure_one()
        booking = self.sudo()
        booking._lock_occurrences()
        expected = booking._get_claim_signature()
        if not expected or not consteq(expected, signature or ""):
            return False
        partner = booking.claim_partner_id
        booking.write(
            {"partner_id": partner.id, "claim_partner_id": False, "access_token": str(uuid.uuid4())}
        )
        booking.message_post(
            body=booking._staff_env()._(
                "The person confirmed through the link sent to them that this booking is theirs: "
                "it now belongs to their contact."
            )
        )
        booking._send_portal_notification("confirmation")  # with the new personal link
        return True

    @api.model
    def _portal_domain(self, partner):
        """Bookings a logged-in portal user may see: their own, and the ones they made for
        someone else (not the ones a referent made for a person they refer: those are on
        the referent's own page)."""
        return [
            "|",
            ("partner_id", "=", partner.id),
            "&",
            ("booked_by_id", "=", partner.id),
            ("referrer_org_id", "=", False),
        ]

    def _portal_deadline(self):
        self.ensure_one()
        return self.start - timedelta(hours=self.type_id.cancel_deadline_hours)

    def _portal_can_change(self):
        """Whether the person may still cancel or move this booking from the website."""
        self.ensure_one()
        return self.state in CHANGEABLE_STATES and fields.Datetime.now() < self._portal_deadline()

    def _portal_cancel(self, reason=False):
        self.ensure_one()
        if not self._portal_can_change():
            raise UserError(self.env._("This booking can no longer be changed online. Please call us."))
        self.action_cancel(cancel_by="person", reason=reason or False)
        self.message_post(body=self._staff_env()._("Cancelled by the person from the website."))
        return True

    def _portal_reschedule(self, start):
        """Move the booking to the free slot starting at ``start`` (naive UTC) and return
        the booking that now holds the appointment (a new one for a workshop seat)."""
        self.ensure_one()
        if not self._portal_can_change():
            raise UserError(self.env._("This booking can no longer be changed online. Please call us."))
        booking_type = self.type_id
        now = fields.Datetime.now()
        if not now < start <= now + timedelta(days=booking_type.horizon_days):
            raise UserError(self._slot_taken_message())
        slot = booking_type._find_free_slot(start, exclude=self)
        if not slot or (self.start == start and self.state in ACTIVE_STATES):
            raise UserError(self._slot_taken_message())
        if booking_type.is_collective:
            # the person's lock before the occurrences', as for any new booking
            self._lock_people(
                [{"partner_id": self.partner_id.id, "typed_address": self.sudo().typed_address}]
            )
            # the seat is given back first: the same person cannot hold two seats of the
            # same type at overlapping times, even for an instant
            self.action_cancel(cancel_by="person", reason=self._staff_env()._("Moved by the person."))
            new_booking = self.with_context(az_booking_no_waiting=True).create(
                booking_type._prepare_booking_values(
                    self.partner_id,
                    slot,
                    answers={answer.question_id.id: answer.value for answer in self.answer_ids},
                    booked_by_id=self.booked_by_id.id,
                    booked_by_kind=self.booked_by_kind,
                    consent_datetime=self.consent_datetime,
                    site_id=self.site_id.id,
                    lang=self.lang,
                    seats=self.seats,
                    typed_address=self.sudo().typed_address,
                )
            )
            # the former seat's link is revoked: the new seat's message carries its own
            self.write(
                {
                    "cancel_reason": self._staff_env()._("Moved to %s by the person.", new_booking.name),
                    "access_token": False,
                }
            )
            new_booking.message_post(
                body=self._staff_env()._("Booked by the person from the website, in place of %s.", self.name)
            )
            return new_booking
        user = (
            self.user_id
            if self.user_id.id in slot["user_ids"]
            else self.env["res.users"].browse(booking_type._pick_least_loaded(slot["user_ids"], start))
        )
        values = {"start": start, "stop": slot["stop"], "user_id": user.id}
        if self.state == "waiting":
            values["state"] = "requested" if booking_type.needs_validation else "confirmed"
        self.write(values)
        self.message_post(body=self._staff_env()._("Moved by the person from the website."))
        return self
