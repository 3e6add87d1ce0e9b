from odoo import fields, models
from odoo.tools import SQL


class ProjectProject(models.Model):
    _inherit = "project.project"

    az_session_ids = fields.One2many("az.attendance.session", "project_id", string="Sessions")
    az_session_count = fields.Integer(string="Sessions count", compute="_compute_az_attendance_kpis")
    az_attendance_hours = fields.Float(
        string="Attendance hours",
        compute="_compute_az_attendance_kpis",
        digits=(16, 2),
        help="Hours attended on validated sheets.",
    )
    az_attendance_hours_label = fields.Char(
        string="Hours attended",
        compute="_compute_az_attendance_kpis",
        help="Hours attended on validated sheets, as people read them ('12 h 30 min').",
    )
    az_next_session_id = fields.Many2one(
        "az.attendance.session", string="Next session", compute="_compute_az_attendance_kpis"
    )

    def _compute_az_attendance_kpis(self):
        Session = self.env["az.attendance.session"]
        counts = dict(
            Session._read_group(
                [("project_id", "in", self.ids), ("state", "!=", "cancelled")], ["project_id"], ["__count"]
            )
        )
        hours = dict(
            self.env["az.attendance.line"]._read_group(
                [("project_id", "in", self.ids), ("session_id.state", "=", "validated")],
                ["project_id"],
                ["hours_attended:sum"],
            )
        )
        # the next session of every project in one query (access rules applied)
        upcoming = Session._search(
            [
                ("project_id", "in", self.ids),
                ("start", ">=", fields.Datetime.now()),
                ("state", "in", ("draft", "open")),
            ]
        )
        next_session = dict(
            self.env.execute_query(
                SQL(
                    "SELECT DISTINCT ON (s.project_id) s.project_id, s.id FROM az_attendance_session s"
                    " WHERE s.id IN %s ORDER BY s.project_id, s.start, s.id",
                    upcoming.subselect(),
                )
            )
        )
        for project in self:
            project.az_session_count = counts.get(project, 0)
            project.az_attendance_hours = hours.get(project, 0.0)
            project.az_attendance_hours_label = Session._format_hours(project.az_attendance_hours)
            project.az_next_session_id = Session.browse(next_session.get(project.id))

    def action_view_az_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("az_attendance.az_attendance_session_action")
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action
