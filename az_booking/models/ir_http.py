from odoo import models
from odoo.http import request

from odoo.addons.http_routing.models.ir_http import ModelConverter


class BookingTypeConverter(ModelConverter):
    """``<az_booking_type:type_id>``: Odoo's model converter for ``az.booking.type``, read
    with Odoo's ``_slug`` / ``_unslug``: ``/booking/<slug>`` and the former
    ``/booking/<id>`` both resolve, and a GET of the id or of an outdated slug is redirected
    (301) to the type's address by Odoo's routing.

    Two differences from the generic converter, and why:

    - it hands the route the type's id, not a record: the generic converter checks read
      access as the visitor before the route runs, and visitors and portal users have no
      access to booking types (they see only what the published pages show). The route
      checks the publication itself, in sudo.
    - its pattern is stricter: an id of 1 to 9 ASCII digits, a slug of ASCII letters,
      digits and dashes. The generic pattern also reads non-ASCII digits, 0 (an empty record
      Odoo cannot redirect: an error 500) and ids beyond PostgreSQL's integers.

    Only a published type gets a slug, made of its public name (neutral for a sensitive
    type): the address of an unpublished type never shows its name."""

    def __init__(self, url_map, model="az.booking.type", domain="[]"):
        super().__init__(url_map, model="az.booking.type", domain=domain)
        self.regex = r"(?:[A-Za-z0-9][A-Za-z0-9_-]*-)?[1-9][0-9]{0,8}(?=$|/)"

    def to_python(self, value):
        return self.unslug(value)[1]

    def to_url(self, value):
        type_id = value.id if isinstance(value, models.BaseModel) else value
        booking_type = request.env["az.booking.type"].sudo().browse(type_id).exists() if request else None
        if not booking_type or not booking_type.is_published:
            return str(type_id)
        return booking_type.website_url.rsplit("/", 1)[-1]


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_converters(cls):
        return dict(super()._get_converters(), az_booking_type=BookingTypeConverter)
