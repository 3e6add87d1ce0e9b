from odoo import api, fields, models

# Stored fields that modules of Odoo's accounting compute when any contact is created, each
# with a search or a read of its own (the Peppol address of the e-invoicing modules, the VIES
# check of base_vat), although for a contact with neither country nor VAT number, as the
# website booking form makes, they are always empty.
EMPTY_WITHOUT_COUNTRY_OR_VAT = ("peppol_eas", "peppol_endpoint", "vies_valid")


class ResPartner(models.Model):
    _inherit = "res.partner"

    az_booking_typed = fields.Boolean(
        string="Made from a website booking",
        copy=False,
        readonly=True,
        help="Made by the website booking form from what a visitor typed (name, e-mail, "
        "phone), none of it proven. Only such a contact, holding exactly what is typed "
        "again, receives a later website booking; a contact made by staff never does.",
    )

    @api.model
    def _az_typed_contact_values(self, values):
        """``values`` of a contact typed on the website (no country, no VAT number), with
        the fields that are empty for such a contact given as such when their module is
        installed, so that creating it does not compute them one search at a time."""
        assert not values.get("country_id") and not values.get("vat")
        return {**dict.fromkeys(f for f in EMPTY_WITHOUT_COUNTRY_OR_VAT if f in self._fields), **values}
