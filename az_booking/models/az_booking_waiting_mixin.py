from odoo import models


class AzBookingWaitingMixin(models.AbstractModel):
    """The waiting list of a workshop occurrence: a booking made when the occurrence is full waits,
    first come first served, and takes a seat freed while the occurrence has not started."""

    _name = "az.booking.waiting.mixin"
    _description = "Waiting list of a workshop occurrence"

    def _compute_waiting_position(self):
        for booking in self:
            booking.waiting_position = booking._get_waiting_position() if booking.id else 0

    def _get_waiting_position(self):
        """Place of this booking on its workshop occurrence's waiting list (1 = next)."""
        self.ensure_one()
        if self.state != "waiting" or not self.occurrence_id:
            return 0
        ahead = self.sudo().search_count(
            [
                ("occurrence_id", "=", self.occurrence_id.id),
                ("state", "=", "waiting"),
                "|",
                ("create_date", "<", self.create_date),
                "&",
                ("create_date", "=", self.create_date),
                ("id", "<", self.id),
            ]
        )
        return ahead + 1

    def _promote_waiting(self, occurrence):
        """Give the seats freed in a locked workshop occurrence to the people waiting, first
        come first served, and tell them; never once the occurrence has started or when it is
        cancelled or done."""
        self.env.flush_all()
        occurrence = occurrence.sudo()
        occurrence.invalidate_recordset(["state", "start", "capacity"])
        if occurrence.state not in ("scheduled", "full") or occurrence._has_started():
            return self.browse()
        free = occurrence.capacity - occurrence._count_seats_taken()
        waiting = self.sudo().search(
            [("occurrence_id", "=", occurrence.id), ("state", "=", "waiting")], order="create_date, id"
        )
        promoted = self.browse()
        for booking in waiting:
            if booking.seats > free:
                continue
            free -= booking.seats
            promoted |= booking
        if not promoted:
            return promoted
        for booking in promoted:
            booking.with_context(az_booking_skip_check=True).state = (
                "requested" if booking.type_id.needs_validation else "confirmed"
            )
            booking.message_post(
                body=booking._staff_env()._("A seat became free: this booking left the waiting list.")
            )
        promoted.occurrence_id._update_seats()
        promoted._send_portal_notification("promoted")
        return promoted
