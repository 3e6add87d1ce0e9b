from odoo import api, fields, models

from ..tools import territory


class AzSite(models.Model):
    """The areas a site serves, and which sites serve an address."""

    _inherit = "az.site"

    area_ids = fields.One2many("az.site.area", "site_id", string="Areas served")
    area_count = fields.Integer(compute="_compute_area_count")

    @api.depends("area_ids")
    def _compute_area_count(self):
        for site in self:
            site.area_count = len(site.area_ids)

    def _match_address(self, address):
        """``{site id: level}`` for the sites of ``self`` that serve ``address`` (a
        ``territory.Address``), each at the precision of its most precise matching area;
        sites that do not serve it are left out. One query whatever the number of sites."""
        if not address or not self:
            return {}
        self.env["az.site.area"].flush_model()
        clauses, params = [], {"sites": tuple(self.ids)}
        if address.postcode:
            clauses.append("a.postcode = %(postcode)s")
            params["postcode"] = address.postcode
        if address.insee:
            clauses.append("a.insee_code = %(insee)s")
            params["insee"] = address.insee
        if address.city:
            clauses.append("a.city_key = %(city)s")
            params["city"] = address.city
        self.env.cr.execute(
            f"""
            SELECT a.site_id, a.postcode, a.insee_code, a.city_key, a.street_key
              FROM az_site_area a
             WHERE a.site_id IN %(sites)s AND ({" OR ".join(clauses) or "FALSE"})
            """,  # the clauses are fixed text, the values parameters
            params,
        )
        levels = {}
        for site_id, postcode, insee, city, street in self.env.cr.fetchall():
            area = territory.Area(site_id, postcode or "", insee or "", city or "", street or "")
            level = territory.match_level(address, area)
            if level > levels.get(site_id, territory.NONE):
                levels[site_id] = level
        return levels
