from collections import defaultdict

from odoo import models


class AzFunding(models.Model):
    _inherit = "az.funding"

    def _get_quantities_used(self):
        """Units of validated attendance inside each funding's period: hours attended for an
        hourly funding, sessions held for a per-session one, distinct people for a
        per-participant one. Amendments are taken into account."""
        used = super()._get_quantities_used()
        fundings = self.filtered(lambda f: f.unit in ("hour", "session", "participant"))
        if not fundings:
            return used
        lines = self.env["az.attendance.line"].sudo().search([
            ("project_id", "in", fundings.project_id.ids),
            ("session_id.state", "=", "validated"),
            ("session_date", ">=", min(fundings.mapped("date_start"))),
            ("session_date", "<=", max(fundings.mapped("date_end"))),
        ])
        by_project = defaultdict(list)
        for line in lines:
            by_project[line.project_id.id].append(line)
        for funding in fundings:
            hours, sessions, people = 0.0, set(), set()
            for line in by_project.get(funding.project_id.id, []):
                if not funding.covers(line.session_date):
                    continue
                status = line.effective_status
                attended = status in ("present", "late") or (
                    status == "excused" and funding.count_excused)
                if not attended:
                    continue
                hours += (line.effective_hours if status != "excused"
                          else line.session_id.duration)
                sessions.add(line.session_id.id)
                people.add(line.partner_id.id)
            used[funding.id] = used.get(funding.id, 0.0) + {
                "hour": hours, "session": len(sessions), "participant": len(people),
            }[funding.unit]
        return used
