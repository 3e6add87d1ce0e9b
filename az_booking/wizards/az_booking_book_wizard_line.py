from odoo import fields, models


class AzBookingBookWizardLine(models.TransientModel):
    _name = "az.booking.book.wizard.line"
    _description = "Free slot"
    _order = "start"

    wizard_id = fields.Many2one("az.booking.book.wizard", required=True, ondelete="cascade")
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    user_ids = fields.Many2many("res.users", string="Free staff")
    seats_left = fields.Integer()

    def action_book(self):
        self.ensure_one()
        return self.wizard_id._book(self)
