from odoo import fields, models


class AzBookingQuestion(models.Model):
    """A question asked to the person booking an appointment of a type."""

    _name = "az.booking.question"
    _description = "Booking question"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    type_id = fields.Many2one("az.booking.type", required=True, index=True, ondelete="cascade")
    name = fields.Char(string="Question", required=True, translate=True)
    answer_type = fields.Selection(
        [("char", "Short text"), ("text", "Long text"), ("boolean", "Yes / no")],
        required=True,
        default="char",
    )
    is_required = fields.Boolean(string="Required")
