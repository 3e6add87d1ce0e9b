from odoo import fields, models

KEY_KINDS = [
    ("line", "Attendance line"),
    ("session", "Session"),
    ("partner", "Participant"),
    ("funding", "Flat amount"),
]


class AzAttendanceInvoiceEntry(models.Model):
    """What was invoiced (or credited) to a funder for one piece of attendance: the ledger
    that keeps attendance from being invoiced twice. Entries die with their draft invoice
    when it is deleted; a cancelled invoice no longer counts."""

    _name = "az.attendance.invoice.entry"
    _description = "Invoiced attendance"
    _order = "id"

    funding_id = fields.Many2one("az.funding", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="funding_id.company_id", store=True, index=True)
    key_kind = fields.Selection(KEY_KINDS, required=True)
    key_id = fields.Integer(required=True, help="Id of the line, session or participant.")
    line_id = fields.Many2one("az.attendance.line", string="Attendance line", index=True, ondelete="restrict")
    session_id = fields.Many2one("az.attendance.session", index=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Participant", ondelete="restrict")
    quantity = fields.Float(digits=(16, 2), help="Positive when invoiced, negative when credited.")
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, ondelete="cascade")
    move_line_id = fields.Many2one("account.move.line", string="Invoice line", ondelete="cascade")
    move_state = fields.Selection(related="move_id.state", string="Invoice status")

    def _invoiced_quantities(self, fundings):
        """{funding id: {(kind, id): quantity invoiced so far}} over invoices not cancelled."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT e.funding_id, e.key_kind, e.key_id, SUM(e.quantity)
              FROM az_attendance_invoice_entry e
              JOIN account_move m ON m.id = e.move_id
             WHERE e.funding_id IN %s AND m.state != 'cancel'
          GROUP BY e.funding_id, e.key_kind, e.key_id
        """,
            [tuple(fundings.ids) or (0,)],
        )
        result = {funding.id: {} for funding in fundings}
        for funding_id, kind, key_id, quantity in self.env.cr.fetchall():
            result[funding_id][(kind, key_id)] = quantity
        return result
