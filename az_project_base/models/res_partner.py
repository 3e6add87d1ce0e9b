from odoo import api, fields, models
from odoo.exceptions import ValidationError

FUNDER_TYPES = [
    ("state", "State"),
    ("region", "Region"),
    ("department", "Département"),
    ("municipality", "Municipality"),
    ("france_travail", "France Travail"),
    ("opco", "OPCO"),
    ("eu", "European funds (ESF+)"),
    ("foundation", "Foundation"),
    ("company", "Company"),
    ("other", "Other"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    az_is_beneficiary = fields.Boolean(
        string="Beneficiary",
        index=True,
        help="A person the structure supports: books appointments, attends sessions.",
    )
    az_consent_date = fields.Date(
        string="Data processing consent",
        help="Date on which the person consented to the processing of their personal data.",
    )
    az_is_funder = fields.Boolean(
        string="Funder",
        index=True,
        help="An organisation that finances projects through fundings.",
    )
    az_funder_type = fields.Selection(FUNDER_TYPES, string="Funder type")
    az_funding_ids = fields.One2many("az.funding", "funder_id", string="Fundings")
    az_funding_count = fields.Integer(compute="_compute_az_funding_count")
    az_project_ids = fields.Many2many(
        "project.project",
        "az_project_beneficiary_rel",
        "partner_id",
        "project_id",
        string="Supported in projects",
    )

    @api.depends("az_funding_ids")
    def _compute_az_funding_count(self):
        counts = dict(
            self.env["az.funding"]._read_group([("funder_id", "in", self.ids)], ["funder_id"], ["__count"])
        )
        for partner in self:
            partner.az_funding_count = counts.get(partner._origin, 0)

    @api.constrains("az_consent_date")
    def _check_az_consent_date(self):
        today = fields.Date.context_today(self)
        for partner in self:
            if partner.az_consent_date and partner.az_consent_date > today:
                raise ValidationError(
                    self.env._("The consent date of %s cannot be in the future.", partner.display_name)
                )

    def action_view_az_fundings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("az_project_base.az_funding_action")
        action["domain"] = [("funder_id", "=", self.id)]
        action["context"] = {"default_funder_id": self.id}
        return action
