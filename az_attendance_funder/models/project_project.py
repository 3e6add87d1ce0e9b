from odoo import fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    az_dropout_absences = fields.Integer(
        string="Alert after absences in a row",
        default=3,
        help="A drop-out alert is raised when a person misses this many sheets in a row "
        "(excused absences aside). 0 turns this alert off.",
    )
    az_dropout_rate = fields.Integer(
        string="Alert under attendance (%)",
        default=0,
        help="A drop-out alert is raised when a person attends less than this share of the "
        "planned hours over the last weeks. 0 turns this alert off.",
    )
    az_dropout_weeks = fields.Integer(
        string="Over the last weeks", default=4, help="How many weeks the attendance share is measured over."
    )
    az_dropout_alert_count = fields.Integer(
        string="Drop-out alerts", compute="_compute_az_dropout_alert_count"
    )

    _sql_constraints = [
        (
            "az_dropout_settings",
            "CHECK(az_dropout_absences >= 0 AND az_dropout_rate >= 0 "
            "AND az_dropout_rate <= 100 AND az_dropout_weeks >= 0)",
            "Drop-out alert settings cannot be negative, and a share is at most 100 %.",
        ),
    ]

    def _compute_az_dropout_alert_count(self):
        counts = dict(
            self.env["az.attendance.enrolment"]._read_group(
                [("project_id", "in", self.ids), ("dropout_alert", "!=", False)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.az_dropout_alert_count = counts.get(project, 0)

    def action_view_az_dropout_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "az_attendance_funder.az_attendance_enrolment_action"
        )
        action["domain"] = [("project_id", "=", self.id), ("dropout_alert", "!=", False)]
        action["context"] = {"default_project_id": self.id}
        return action
