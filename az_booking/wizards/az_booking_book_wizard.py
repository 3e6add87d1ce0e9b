from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class AzBookingBookWizard(models.TransientModel):
    """Lets a staff member book an appointment for a person who cannot do it alone."""

    _name = "az.booking.book.wizard"
    _description = "Book on behalf"

    type_id = fields.Many2one(
        "az.booking.type",
        required=True,
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    partner_id = fields.Many2one("res.partner", string="Person", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Staff member",
        domain="[('id', 'in', allowed_user_ids)]",
        help="Leave empty to let the type's assignment rule choose.",
    )
    allowed_user_ids = fields.Many2many("res.users", compute="_compute_allowed_user_ids")
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=14),
    )
    booked_by_kind = fields.Selection(
        [("staff", "By staff on their behalf"), ("referrer", "By a referrer")],
        string="Booked",
        required=True,
        default="staff",
    )
    booked_by_id = fields.Many2one(
        "res.partner",
        string="Booked by",
        required=True,
        default=lambda self: self.env.user.partner_id,
    )
    consent = fields.Boolean(
        string="The person agrees",
        help="The person agreed that their data is processed to manage this appointment.",
    )
    notify = fields.Boolean(
        string="Send the confirmation",
        default=True,
        help="Send the person the confirmation with their personal link to see, move or "
        "cancel it (by e-mail, or by SMS without e-mail).",
    )
    site_id = fields.Many2one("az.site", domain="[('id', 'in', allowed_site_ids)]")
    allowed_site_ids = fields.Many2many("az.site", compute="_compute_allowed_user_ids")
    note = fields.Text(string="Internal note")
    line_ids = fields.One2many("az.booking.book.wizard.line", "wizard_id", string="Free slots")
    searched = fields.Boolean()

    @api.depends("type_id")
    def _compute_allowed_user_ids(self):
        for wizard in self:
            wizard.allowed_user_ids = wizard.type_id._get_staff() if wizard.type_id else False
            wizard.allowed_site_ids = wizard.type_id.site_ids

    @api.onchange("type_id")
    def _onchange_type_id(self):
        self.user_id = False
        self.site_id = self.type_id.site_ids[:1]
        self.line_ids = [fields.Command.clear()]
        self.searched = False

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Book on behalf"),
        }

    def action_search_slots(self):
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The end of the period comes before its start."))
        start, stop = self.type_id._local_day_bounds(self.date_from, self.date_to)
        start = max(start, fields.Datetime.now())
        slots = (
            self.type_id.sudo()._get_free_slots(start, stop, staff=self.user_id or None, apply_notice=False)
            if start < stop
            else []
        )
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create(
                {
                    "start": slot["start"],
                    "stop": slot["stop"],
                    "user_ids": [fields.Command.set(slot["user_ids"])],
                    "seats_left": slot["seats_left"],
                }
            )
            for slot in slots[:300]
        ]
        self.searched = True
        return self._reopen()

    def _book(self, line):
        self.ensure_one()
        if not self.consent:
            raise UserError(self.env._("Record the person's consent before booking on their behalf."))
        vals = self.type_id._prepare_booking_values(
            self.partner_id,
            {"start": line.start, "stop": line.stop},
            booked_by_kind=self.booked_by_kind,
            booked_by_id=self.booked_by_id.id,
            consent_datetime=fields.Datetime.now(),
            site_id=self.site_id.id,
            note=self.note,
        )
        if self.user_id:
            vals["user_id"] = self.user_id.id
        booking = self.env["az.booking"].create(vals)
        if self.notify:
            booking._send_portal_notification("confirmation")
        return {
            "type": "ir.actions.act_window",
            "res_model": "az.booking",
            "res_id": booking.id,
            "view_mode": "form",
            "target": "current",
        }
