from odoo import api, fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    az_booking_type_ids = fields.One2many("az.booking.type", "project_id", string="Booking types")
    az_booking_count = fields.Integer(
        string="Bookings",
        compute="_compute_az_booking_kpis",
        help="Bookings held or to come (waiting list and cancelled ones excluded).",
    )
    az_booking_done_count = fields.Integer(string="Appointments held", compute="_compute_az_booking_kpis")
    az_booking_cancelled_count = fields.Integer(
        string="Cancelled bookings", compute="_compute_az_booking_kpis"
    )
    az_booking_no_show_rate = fields.Float(
        string="No-show rate (%)",
        compute="_compute_az_booking_kpis",
        digits=(16, 1),
        help="No-shows among the appointments whose outcome is known (held, no-show, excused).",
    )

    @api.depends("az_booking_type_ids")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_az_booking_kpis(self):
        """Counted among the bookings the current user may read."""
        groups = []
        if self.env["az.booking"].has_access("read"):
            groups = self.env["az.booking"]._read_group(
                [("project_id", "in", self.ids)], ["project_id", "state"], ["__count"]
            )
        counts = {}
        for project, state, count in groups:
            counts.setdefault(project.id, {})[state] = count
        for project in self:
            by_state = counts.get(project._origin.id, {})
            done = by_state.get("done", 0)
            no_show = by_state.get("no_show", 0)
            outcome = done + no_show + by_state.get("excused", 0)
            project.az_booking_count = sum(
                count for state, count in by_state.items() if state not in ("cancelled", "waiting")
            )
            project.az_booking_done_count = done
            project.az_booking_cancelled_count = by_state.get("cancelled", 0)
            project.az_booking_no_show_rate = 100.0 * no_show / outcome if outcome else 0.0

    def action_view_az_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("az_booking.az_booking_action")
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {}
        return action
