from odoo import models

from ..tools import quantities as qty


class AzFunding(models.Model):
    _inherit = "az.funding"

    def _get_quantities_used(self):
        """Units of attendance on the sheets that count inside each funding's period: hours attended for an
        hourly funding, sessions held for a per-session one, distinct people for a
        per-participant one. Amendments are taken into account."""
        used = super()._get_quantities_used()
        fundings = self.filtered(lambda f: f.unit in ("hour", "session", "participant"))
        if not fundings:
            return used
        lines = (
            self.env["az.attendance.line"]
            .sudo()
            .search(
                [
                    ("project_id", "in", fundings.project_id.ids),
                    *self.env["az.attendance.session"]._counted_domain("session_id"),
                    ("session_date", ">=", min(fundings.mapped("date_start"))),
                    ("session_date", "<=", max(fundings.mapped("date_end"))),
                ]
            )
        )
        by_project = lines.grouped("project_id")
        for funding in fundings:
            mine = by_project.get(funding.project_id, lines.browse()).filtered(
                lambda ln, f=funding: f.covers(ln.session_date)
            )
            current = qty.quantities(funding.unit, mine._quantity_values(), funding.count_excused)
            used[funding.id] = used.get(funding.id, 0.0) + sum(current.values())
        return used
