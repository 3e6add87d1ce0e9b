from odoo import api, fields, models
from odoo.exceptions import ValidationError

MIN_RETENTION_YEARS = 6
EU_RETENTION_YEARS = 10


class ResCompany(models.Model):
    _inherit = "res.company"

    az_signature_retention_years = fields.Integer(
        string="Signature retention (years)",
        default=MIN_RETENTION_YEARS,
        help="Signature images of validated attendance sheets are purged this many years after "
        "the session. Never less than 6 years (funders' proof period); sheets of projects "
        "co-funded by European funds are always kept at least 10 years.",
    )

    az_training_declaration = fields.Char(
        string="Training declaration number",
        help="Number of the declaration of activity as a training body (in France: numéro de "
        "déclaration d'activité), printed on attendance sheets.",
    )

    @api.constrains("az_signature_retention_years")
    def _check_az_signature_retention_years(self):
        for company in self:
            if company.az_signature_retention_years < MIN_RETENTION_YEARS:
                raise ValidationError(self.env._(
                    "Signatures must be kept at least %(years)s years: funders may ask for "
                    "proof during that time.", years=MIN_RETENTION_YEARS))
