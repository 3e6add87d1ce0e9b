from odoo import fields, models


class AzBookingSlot(models.Model):
    """One occurrence of a collective workshop: the row that is locked while its seats are
    counted, so that concurrent requests are served one after the other."""

    _name = "az.booking.slot"
    _description = "Workshop slot"
    _order = "start desc, id desc"

    type_id = fields.Many2one("az.booking.type", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="type_id.company_id", store=True, index=True)
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    user_id = fields.Many2one("res.users", string="Staff member")
    seats_taken = fields.Integer(readonly=True)
    capacity = fields.Integer(related="type_id.capacity")
    booking_ids = fields.One2many("az.booking", "slot_id", string="Bookings")

    _sql_constraints = [
        ("type_start_unique", "UNIQUE(type_id, start)",
         "A workshop type holds one session at a given start time."),
    ]
