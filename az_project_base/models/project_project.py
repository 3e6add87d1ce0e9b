from odoo import api, fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    az_funding_ids = fields.One2many("az.funding", "project_id", string="Fundings")
    az_site_ids = fields.Many2many("az.site", "az_project_site_rel", "project_id", "site_id", string="Sites")
    az_beneficiary_ids = fields.Many2many(
        "res.partner",
        "az_project_beneficiary_rel",
        "project_id",
        "partner_id",
        string="Beneficiaries",
        domain="[('az_is_beneficiary', '=', True)]",
    )
    az_funder_ids = fields.Many2many("res.partner", string="Funders", compute="_compute_az_funding_kpis")
    az_funding_count = fields.Integer(string="Fundings count", compute="_compute_az_funding_kpis")
    az_beneficiary_count = fields.Integer(
        string="Beneficiaries count", compute="_compute_az_beneficiary_count"
    )
    az_funding_amount = fields.Monetary(
        string="Funding planned",
        compute="_compute_az_funding_kpis",
        currency_field="currency_id",
    )
    az_funded_hours_target = fields.Float(
        string="Funded hours (target)",
        compute="_compute_az_funding_kpis",
        help="Sum of the targets of the active fundings paid by the hour.",
    )
    az_funded_hours_used = fields.Float(
        string="Funded hours (used)",
        compute="_compute_az_funding_kpis",
        help="Hours of validated attendance counted on the active fundings paid by the hour.",
    )

    @api.depends(
        "az_funding_ids.state",
        "az_funding_ids.amount_planned",
        "az_funding_ids.target_quantity",
        "az_funding_ids.funder_id",
    )
    def _compute_az_funding_kpis(self):
        fundings = self.env["az.funding"].search(
            [
                ("project_id", "in", self.ids),
                ("state", "in", ("active", "closed")),
            ]
        )
        used = fundings._get_quantities_used()
        for project in self:
            mine = fundings.filtered(lambda f, p=project: f.project_id == p)
            hourly = mine.filtered(lambda f: f.unit == "hour")
            project.az_funder_ids = mine.funder_id
            project.az_funding_count = len(mine)
            project.az_funding_amount = sum(mine.mapped("amount_planned"))
            project.az_funded_hours_target = sum(hourly.mapped("target_quantity"))
            project.az_funded_hours_used = sum(used.get(f.id, 0.0) for f in hourly)

    @api.depends("az_beneficiary_ids")
    def _compute_az_beneficiary_count(self):
        for project in self:
            project.az_beneficiary_count = len(project.az_beneficiary_ids)

    def action_view_az_fundings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("az_project_base.az_funding_action")
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action
