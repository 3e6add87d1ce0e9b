from odoo import api, fields, models, tools

from ..tools import completion


class AzGrantReport(models.Model):
    """Planned, attended and funded hours per funding, participant and month, with each
    funding's target, for the funders' reports. Read-only, computed by PostgreSQL."""

    _name = "az.grant.report"
    _description = "Grant report"
    _auto = False
    _order = "month desc, funding_id"
    _rec_name = "funding_id"

    funding_id = fields.Many2one("az.funding", readonly=True)
    funder_id = fields.Many2one("res.partner", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Participant", readonly=True)
    session_id = fields.Many2one("az.attendance.session", readonly=True)
    month = fields.Date(readonly=True)
    unit = fields.Selection(
        [("hour", "Hour"), ("session", "Session"), ("participant", "Participant"), ("flat", "Flat amount")],
        readonly=True,
    )
    planned_hours = fields.Float(
        readonly=True, digits=(16, 2), help="Hours of the sessions each person was expected at."
    )
    attended_hours = fields.Float(readonly=True, digits=(16, 2), help="Hours attended on validated sheets.")
    funded_hours = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="Hours that count for the funding: attended, plus excused absences when the "
        "funding counts them.",
    )
    funded_amount = fields.Monetary(
        readonly=True, help="Funded hours at the funding's rate (hourly fundings)."
    )
    completion_rate = fields.Integer(
        string="Completion (%)",
        readonly=True,
        aggregator="max",
        help="Per participant and funding: integer part of hours attended / hours planned "
        "x 100 over the funding's period (the CPF rule). Group by participant to read it.",
    )
    partial_reason = fields.Selection(
        [(code, label) for code, label in completion.PARTIAL_REASONS],
        string="Reason when partial",
        readonly=True,
        help="From the person's enrolment in the action.",
    )
    target_quantity = fields.Float(
        string="Target",
        readonly=True,
        digits=(16, 2),
        help="The funding's target, carried once per funding (on a line without participant or month).",
    )

    @api.model
    def action_open(self):
        """Open the report once every sealed sheet it counts has been verified again: a sheet
        changed since its seal is left out of the attended and funded hours."""
        self.check_access("read")
        self.env["az.attendance.session"].sudo()._refresh_seal_checks(self.env.companies, check_files=False)
        return self.env["ir.actions.act_window"]._for_xml_id("az_attendance.az_grant_report_action")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE VIEW {self._table} AS (
            WITH eff AS (
                SELECT l.id AS line_id, l.session_id, l.partner_id,
                       s.project_id, s.date, s.duration, s.start, s.stop,
                       -- a sheet changed since its seal counts as planned, never as attended
                       CASE WHEN s.state = 'validated' AND NOT COALESCE(s.seal_broken, false)
                            THEN 'validated' ELSE 'open' END AS state,
                       COALESCE(st.new_value, l.status) AS status,
                       CASE
                         WHEN hr.id IS NOT NULL AND hr.id > COALESCE(st.id, 0)
                           THEN hr.new_value::numeric
                         WHEN st.id IS NULL THEN l.hours_attended
                         WHEN st.new_value IN ('present', 'late') THEN GREATEST(
                              EXTRACT(EPOCH FROM LEAST(s.stop, COALESCE(l.left_at, s.stop))
                                      - GREATEST(s.start, COALESCE(l.arrived_at, s.start)))
                              / 3600.0, 0)
                         ELSE 0
                       END AS hours
                  FROM az_attendance_line l
                  JOIN az_attendance_session s ON s.id = l.session_id
                  LEFT JOIN LATERAL (
                        SELECT a.id, a.new_value FROM az_attendance_amendment a
                         WHERE a.line_id = l.id AND a.field_name = 'status'
                           AND a.new_value IS NOT NULL
                      ORDER BY a.id DESC LIMIT 1) st ON TRUE
                  LEFT JOIN LATERAL (
                        SELECT a.id, a.new_value FROM az_attendance_amendment a
                         WHERE a.line_id = l.id AND a.field_name = 'hours_attended'
                           AND a.new_value IS NOT NULL
                      ORDER BY a.id DESC LIMIT 1) hr ON TRUE
                 WHERE s.state != 'cancelled'
            ), rows AS (
                SELECT f.id AS funding_id, f.funder_id, f.project_id, f.company_id,
                       c.currency_id, f.unit, e.partner_id, e.session_id,
                       date_trunc('month', e.date)::date AS month,
                       e.duration AS planned_hours,
                       CASE WHEN e.state = 'validated' AND e.status IN ('present', 'late')
                            THEN e.hours ELSE 0 END AS attended_hours,
                       CASE WHEN e.state = 'validated' AND e.status IN ('present', 'late')
                              THEN e.hours
                            WHEN e.state = 'validated' AND e.status = 'excused'
                                 AND f.count_excused THEN e.duration
                            ELSE 0 END AS funded_hours,
                       f.rate, 0.0 AS target_quantity
                  FROM eff e
                  JOIN az_funding f ON f.project_id = e.project_id
                                   AND e.date BETWEEN f.date_start AND f.date_end
                                   AND f.state IN ('active', 'closed')
                  JOIN res_company c ON c.id = f.company_id
                UNION ALL
                SELECT f.id, f.funder_id, f.project_id, f.company_id, c.currency_id, f.unit,
                       NULL, NULL, NULL, 0, 0, 0, f.rate, f.target_quantity
                  FROM az_funding f
                  JOIN res_company c ON c.id = f.company_id
                 WHERE f.state IN ('active', 'closed')
            )
            SELECT row_number() OVER (ORDER BY funding_id, month, rows.partner_id, session_id)
                       AS id,
                   funding_id, funder_id, rows.project_id, rows.company_id, currency_id, unit,
                   rows.partner_id, session_id, month, planned_hours, attended_hours, funded_hours,
                   CASE WHEN unit = 'hour' THEN funded_hours * rate ELSE 0 END AS funded_amount,
                   target_quantity,
                   -- the CPF rate, in hundredths of hours as tools/completion.py counts them
                   CASE WHEN rows.partner_id IS NULL THEN NULL
                        WHEN ROUND(SUM(planned_hours) OVER w * 100) <= 0 THEN NULL
                        ELSE LEAST(100, FLOOR(
                             ROUND(SUM(attended_hours) OVER w * 100) * 100
                             / ROUND(SUM(planned_hours) OVER w * 100)))::integer
                   END AS completion_rate,
                   en.partial_reason
              FROM rows
              LEFT JOIN az_attendance_enrolment en
                     ON en.partner_id = rows.partner_id AND en.project_id = rows.project_id
            WINDOW w AS (PARTITION BY funding_id, rows.partner_id)
            )
        """)
