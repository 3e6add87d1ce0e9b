from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import completion


class AzGrantReport(models.Model):
    """Planned, attended and funded hours per funding, participant and month, with each
    funding's target, for the funders' reports. Read-only, computed by PostgreSQL."""

    _name = "az.grant.report"
    _description = "Grant report"
    _auto = False
    _order = "month desc, funding_id"
    _rec_name = "funding_id"
    # flushed before the report is read
    _depends = {
        "az.attendance.line": ["session_id", "partner_id", "effective_status", "effective_hours"],
        "az.attendance.session": ["project_id", "date", "hours_held", "state", "seal_broken"],
        "az.funding": [
            "funder_id",
            "project_id",
            "company_id",
            "unit",
            "rate",
            "date_start",
            "date_end",
            "state",
            "count_excused",
            "target_quantity",
        ],
        "az.attendance.enrolment": ["partner_id", "project_id", "partial_reason"],
    }

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
        return self.env["ir.actions.act_window"]._for_xml_id("az_attendance_funder.az_grant_report_action")

    @property
    def _table_query(self):
        """The report's rows, read by the ORM as a subquery (no view to create or drop).

        The status and hours after amendments are the line's stored ``effective_status`` and
        ``effective_hours``: derived once, in Python, by the line."""
        return SQL(
            "WITH eff AS (%s), rows AS (%s) %s",
            self._eff_query(),
            self._rows_query(),
            self._select_query(),
        )

    @api.model
    def _eff_query(self):
        """One row per line of a sheet that is not cancelled, amendments applied."""
        return SQL(
            """
            SELECT l.id AS line_id, l.session_id, l.partner_id,
                   s.project_id, s.date, s.hours_held,
                   -- a sheet changed since its seal counts as planned, never as attended
                   CASE WHEN %(counted)s THEN %(validated)s ELSE %(open)s END AS state,
                   l.effective_status AS status,
                   COALESCE(l.effective_hours, 0) AS hours
              FROM az_attendance_line l
              JOIN az_attendance_session s ON s.id = l.session_id
             WHERE s.state != %(cancelled)s
            """,
            counted=self.env["az.attendance.session"]._counted_sql("s"),
            validated="validated",
            open="open",
            cancelled="cancelled",
        )

    @api.model
    def _rows_query(self):
        """Hours per funding and line, and one row per funding carrying its target."""
        attended = ("present", "late")
        funding_states = ("active", "closed")
        return SQL(
            """
            SELECT f.id AS funding_id, f.funder_id, f.project_id, f.company_id,
                   c.currency_id, f.unit, e.partner_id, e.session_id,
                   date_trunc('month', e.date)::date AS month,
                   e.hours_held AS planned_hours,
                   CASE WHEN e.state = %(validated)s AND e.status IN %(attended)s
                        THEN e.hours ELSE 0 END AS attended_hours,
                   CASE WHEN e.state = %(validated)s AND e.status IN %(attended)s
                          THEN e.hours
                        WHEN e.state = %(validated)s AND e.status = %(excused)s
                             AND f.count_excused THEN e.hours_held
                        ELSE 0 END AS funded_hours,
                   f.rate, 0.0 AS target_quantity
              FROM eff e
              JOIN az_funding f ON f.project_id = e.project_id
                               AND e.date BETWEEN f.date_start AND f.date_end
                               AND f.state IN %(funding_states)s
              JOIN res_company c ON c.id = f.company_id
            UNION ALL
            SELECT f.id, f.funder_id, f.project_id, f.company_id, c.currency_id, f.unit,
                   NULL, NULL, NULL, 0, 0, 0, f.rate, f.target_quantity
              FROM az_funding f
              JOIN res_company c ON c.id = f.company_id
             WHERE f.state IN %(funding_states)s
            """,
            validated="validated",
            excused="excused",
            attended=attended,
            funding_states=funding_states,
        )

    @api.model
    def _select_query(self):
        return SQL(
            """
            SELECT row_number() OVER (ORDER BY funding_id, month, rows.partner_id, session_id)
                       AS id,
                   funding_id, funder_id, rows.project_id, rows.company_id, currency_id, unit,
                   rows.partner_id, session_id, month, planned_hours, attended_hours, funded_hours,
                   CASE WHEN unit = %(hour)s THEN funded_hours * rate ELSE 0 END AS funded_amount,
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
            """,
            hour="hour",
        )
