from odoo import models

from odoo.addons.http_routing.models.ir_http import ModelConverter


class BookingTypeConverter(ModelConverter):
    """``<az_booking_type:booking_type>``: Odoo's model converter for ``az.booking.type``
    (slug URLs, read access checked, ``/booking/<id>`` redirected to ``/booking/<slug>``),
    with a stricter pattern than the generic one: the id is made of ASCII digits (1 to 9 of
    them, not 0) and the slug of ASCII letters, digits and dashes. The generic pattern also
    reads non-ASCII digits, 0 (an empty record that Odoo cannot redirect: an error 500) and
    ids beyond PostgreSQL's integers; these answer 404 here."""

    def __init__(self, url_map, model="az.booking.type", domain="[]"):
        super().__init__(url_map, model="az.booking.type", domain=domain)
        self.regex = r"(?:[A-Za-z0-9][A-Za-z0-9_-]*-)?[1-9][0-9]{0,8}(?=$|/)"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_converters(cls):
        return dict(super()._get_converters(), az_booking_type=BookingTypeConverter)
