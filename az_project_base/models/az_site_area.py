from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import territory

AREA_KINDS = [
    ("postcode", "Postcode"),
    ("commune", "Commune"),
    ("street", "Street"),
]


class AzSiteArea(models.Model):
    """An area a site serves: a postcode, a commune (INSEE code and/or name) or a street of
    a commune. When an address falls in several areas, the most precise one wins
    (street > commune > postcode); see ``tools/territory.py``."""

    _name = "az.site.area"
    _description = "Area served by a site"
    _order = "site_id, kind desc, postcode, city, street, id"
    _check_company_auto = True

    site_id = fields.Many2one("az.site", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="site_id.company_id", store=True, index=True)
    kind = fields.Selection(AREA_KINDS, compute="_compute_keys", store=True)
    postcode = fields.Char(help="Five digits, e.g. 75005.")
    insee_code = fields.Char(
        string="INSEE code", help="The commune's INSEE code, e.g. 75056 (2A004 in Corsica)."
    )
    city = fields.Char(string="Commune")
    street = fields.Char(help="The street's name without house number, e.g. Boulevard Saint-Michel.")
    city_key = fields.Char(compute="_compute_keys", store=True, index=True)
    street_key = fields.Char(compute="_compute_keys", store=True, index=True)

    @api.depends("postcode", "insee_code", "city", "street")
    def _compute_keys(self):
        for area in self:
            area.city_key = territory.city_key(area.city) or False
            area.street_key = territory.street_key(area.street) or False
            if area.street_key:
                area.kind = "street"
            elif area.city_key or area.insee_code:
                area.kind = "commune"
            else:
                area.kind = "postcode"

    @api.depends("kind", "postcode", "insee_code", "city", "street")
    def _compute_display_name(self):
        for area in self:
            commune = " ".join(p for p in (area.postcode, area.city or area.insee_code) if p)
            area.display_name = f"{area.street}, {commune}" if area.street else commune

    @api.constrains("postcode", "insee_code", "city", "street")
    def _check_codes(self):
        for area in self:
            message = area._get_error()
            if message:
                raise ValidationError(message)

    @api.model
    def _get_values_error(self, values):
        """What is wrong with an area's values (a dict of postcode, insee_code, city,
        street), or False. One rule for the form and the CSV import."""
        _ = self.env._
        postcode = (values.get("postcode") or "").strip()
        insee = (values.get("insee_code") or "").strip()
        if postcode and not territory.postcode_key(postcode):
            return _('The postcode "%s" is not five digits.', postcode)
        if insee and not territory.insee_key(insee):
            return _('The INSEE code "%s" is not five characters (digits, or 2A/2B then digits).', insee)
        if not (postcode or insee or (values.get("city") or "").strip()):
            return _("An area needs a postcode, an INSEE code or a commune.")
        if (values.get("street") or "").strip() and not territory.street_key(values["street"]):
            return _('The street "%s" has no name.', values["street"])
        return False

    def _get_error(self):
        self.ensure_one()
        return self._get_values_error(
            {
                "postcode": self.postcode,
                "insee_code": self.insee_code,
                "city": self.city,
                "street": self.street,
            }
        )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._normalise_codes(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._normalise_codes(vals))

    @api.model
    def _normalise_codes(self, vals):
        vals = dict(vals)
        if vals.get("postcode"):
            vals["postcode"] = territory.postcode_key(vals["postcode"]) or vals["postcode"].strip()
        if vals.get("insee_code"):
            vals["insee_code"] = territory.insee_key(vals["insee_code"]) or vals["insee_code"].strip()
        return vals

    def _as_territory_area(self, key=None):
        """This area as ``tools/territory.py`` matches it."""
        self.ensure_one()
        return territory.Area(
            key if key is not None else self.id,
            postcode=self.postcode or "",
            insee=self.insee_code or "",
            city=self.city_key or "",
            street=self.street_key or "",
        )
