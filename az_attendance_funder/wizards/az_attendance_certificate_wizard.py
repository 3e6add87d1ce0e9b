from odoo import api, fields, models
from odoo.exceptions import UserError


class AzAttendanceCertificateWizard(models.TransientModel):
    """Issue the certificates of completion of an action or a funding over a period."""

    _name = "az.attendance.certificate.wizard"
    _description = "Issue certificates of completion"

    project_id = fields.Many2one("project.project", string="Action")
    funding_id = fields.Many2one(
        "az.funding", help="Certificates for the hours inside this funding's period."
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    send_by_email = fields.Boolean(
        string="Send them by e-mail", help="Each person with an e-mail address receives theirs."
    )

    @api.onchange("funding_id")
    def _onchange_funding_id(self):
        if self.funding_id:
            self.project_id = self.funding_id.project_id
            self.date_from = self.funding_id.date_start
            self.date_to = self.funding_id.date_end

    def action_issue(self):
        self.ensure_one()
        if not (self.project_id or self.funding_id):
            raise UserError(self.env._("Choose an action or a funding."))
        project = self.funding_id.project_id or self.project_id
        project.check_access("write")
        Certificate = self.env["az.attendance.certificate"]
        made = Certificate._issue(project, self.date_from, self.date_to, funding=self.funding_id or None)
        if self.send_by_email:
            made.filtered(lambda c: c.partner_id.email).action_send()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "az_attendance_funder.az_attendance_certificate_action"
        )
        action["domain"] = [("project_id", "=", project.id)]
        if not made:
            action["help"] = self.env._(
                "<p>No new certificate: none of the validated sheets of the period changed "
                "since the last ones were issued.</p>"
            )
        return action
