from odoo import api, fields, models


class AzBookingAnswer(models.Model):
    """What the person answered to a question of the booking type."""

    _name = "az.booking.answer"
    _description = "Booking answer"
    _order = "booking_id, sequence, id"

    booking_id = fields.Many2one("az.booking", required=True, index=True, ondelete="cascade")
    question_id = fields.Many2one("az.booking.question", required=True, ondelete="restrict")
    sequence = fields.Integer(related="question_id.sequence", store=True)
    answer_type = fields.Selection(related="question_id.answer_type")
    value = fields.Text(string="Answer")
    display_value = fields.Char(compute="_compute_display_value")

    @api.depends("value", "answer_type")
    def _compute_display_value(self):
        for answer in self:
            if answer.answer_type == "boolean":
                answer.display_value = (
                    self.env._("Yes") if answer.value in ("1", "True", "true", "yes") else self.env._("No")
                )
            else:
                answer.display_value = answer.value or ""
