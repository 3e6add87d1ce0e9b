from odoo import fields, models


class AzAttendanceLine(models.Model):
    """A participant who follows the session from elsewhere (a video call): they sign with
    their personal link, which the reminder job sends them when they have not signed some
    minutes into the session."""

    _inherit = "az.attendance.line"

    attends_remotely = fields.Boolean(
        string="Remote",
        help="Follows the session from elsewhere: receives their personal signing link when "
        "they have not signed some minutes into the session.",
    )
