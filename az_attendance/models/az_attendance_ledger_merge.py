from odoo import fields, models


class AzAttendanceLedgerMerge(models.Model):
    """A contact named by a sealed sheet merged into another: recorded in the ledger."""

    _inherit = "az.attendance.ledger"

    kind = fields.Selection(selection_add=[("merge", "Contact merged")], ondelete={"merge": "cascade"})
