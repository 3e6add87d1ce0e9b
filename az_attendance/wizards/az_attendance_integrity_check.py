from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError


class AzAttendanceIntegrityCheck(models.TransientModel):
    """The company's integrity check shown on screen: the verdict in words, what is wrong,
    sheet by sheet, and the printable report as a download from there."""

    _name = "az.attendance.integrity.check"
    _description = "Integrity check of the attendance sheets"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    checked_at = fields.Datetime(string="Checked on", readonly=True)
    checked_at_label = fields.Char(string="Checked", readonly=True)
    sheet_count = fields.Integer(string="Sheets checked", readonly=True)
    entry_count = fields.Integer(string="Entries of the register", readonly=True)
    anomaly_count = fields.Integer(string="Anomalies", readonly=True)
    verdict = fields.Char(readonly=True)
    anomalies_html = fields.Html(string="What is wrong", readonly=True, sanitize=False)

    def _run(self, company):
        """Check ``company`` and keep the result to show (managers only)."""
        if not self.env.user.has_group("az_project_base.group_manager"):
            raise AccessError(self.env._("Only managers can run the integrity check."))
        check = company._az_attendance_integrity()
        anomalies = check["anomalies"]
        if anomalies:
            verdict = self.env._(
                "%(count)s anomaly(ies) found: the sheets below changed since their seal or "
                "the register of sealed sheets was altered.",
                count=len(anomalies),
            )
        else:
            verdict = self.env._(
                "No anomaly: each of the %(count)s sealed sheet(s) is intact and the register of "
                "sealed sheets is complete.",
                count=check["sheets"],
            )
        return self.create(
            {
                "company_id": company.id,
                "checked_at": check["checked_at"],
                "checked_at_label": check["checked_at_label"],
                "sheet_count": check["sheets"],
                "entry_count": check["entries"],
                "anomaly_count": len(anomalies),
                "verdict": verdict,
                "anomalies_html": self._anomalies_table(anomalies) if anomalies else False,
            }
        )

    def _anomalies_table(self, anomalies):
        head = Markup("<thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead>") % (
            self.env._("Anomaly"),
            self.env._("Sheet"),
            self.env._("What changed"),
        )
        rows = Markup("").join(
            Markup('<tr class="o_az_integrity_anomaly"><td>%s</td><td>%s</td><td>%s</td></tr>')
            % (
                anomaly["label"],
                anomaly["sheet"],
                Markup("<br/>").join((anomaly["detail"] or "").splitlines()),
            )
            for anomaly in anomalies
        )
        table = Markup('<table class="table table-sm o_az_integrity_anomalies">%s<tbody>%s</tbody></table>')
        return table % (head, rows)

    def action_download(self):
        """The printable report of the check (it runs the check again as it prints)."""
        self.ensure_one()
        return self.env.ref("az_attendance.action_report_attendance_integrity").report_action(self.company_id)
