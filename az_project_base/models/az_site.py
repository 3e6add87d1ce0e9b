from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get


class AzSite(models.Model):
    """A place where the structure receives people: office, antenna, partner premises."""

    _name = "az.site"
    _description = "Site"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=False, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    country_id = fields.Many2one("res.country", default=lambda self: self.env.ref("base.fr"))
    phone = fields.Char()
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        default=lambda self: self.env.user.tz or "Europe/Paris",
        help="Times of appointments and sessions held here are shown in this timezone.",
    )
    capacity = fields.Integer(
        help="How many people the site can receive at once; 0 means not set.", tracking=True
    )
    wheelchair_accessible = fields.Boolean()
    accessibility_note = fields.Text(
        string="Accessibility notes",
        help="Access, parking, public transport, hearing loop, anything a visitor may need.",
    )
    project_ids = fields.Many2many(
        "project.project", "az_project_site_rel", "site_id", "project_id", string="Projects"
    )

    _sql_constraints = [
        ("capacity_positive", "CHECK(capacity >= 0)", "A site's capacity cannot be negative."),
    ]

    @api.depends("name", "city")
    def _compute_display_name(self):
        for site in self:
            site.display_name = f"{site.name} ({site.city})" if site.city else site.name

    @api.constrains("tz")
    def _check_tz(self):
        valid = {tz for tz, _label in _tz_get(self)}
        for site in self:
            if site.tz not in valid:
                raise ValidationError(self.env._("'%s' is not a known timezone.", site.tz))

    def address_line(self):
        """One-line postal address, for pages, e-mails and PDF sheets."""
        self.ensure_one()
        parts = [self.street, self.street2, " ".join(p for p in (self.zip, self.city) if p)]
        return ", ".join(p for p in parts if p)
