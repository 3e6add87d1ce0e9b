from odoo import http
from odoo.http import request

from odoo.addons.az_project_base.controllers.public_input import PublicInputMixin
from odoo.addons.az_project_base.tools import public_input as pi
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.az_attendance_line_signing import request_proof
from .qr import DEVICE_COOKIE, DeviceCookieMixin


class AttendancePortalPhones(DeviceCookieMixin, PublicInputMixin, CustomerPortal):
    """The person's recognised phones on the portal: recognise this one, revoke any."""

    def _my_devices(self):
        return (
            request.env["az.attendance.device"]
            .sudo()
            .search([("partner_id", "=", request.env.user.partner_id.id), ("pending", "=", False)])
        )

    def _phones_page(self, done=None):
        values = self._prepare_portal_layout_values()
        values.update({"devices": self._my_devices(), "done": done, "page_name": "az_attendance_phones"})
        return request.render("az_attendance.portal_my_phones", values)

    @http.route(
        "/my/attendance/phones", type="http", auth="user", website=True, methods=["GET"], sitemap=False
    )
    def portal_my_phones(self, **kwargs):
        return self._phones_page()

    @http.route(
        "/my/attendance/phones/enrol", type="http", auth="user", website=True, methods=["POST"], sitemap=False
    )
    def portal_phone_enrol(self, **kwargs):
        token = request.env["az.attendance.device"]._enrol(request.env.user.partner_id, request_proof()[1])
        response = self._phones_page(request.env._("This phone is now recognised as yours."))
        return self._set_device_cookie(response, token)

    @http.route(
        "/my/attendance/phones/<string:device_id>/revoke",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_phone_revoke(self, device_id, **kwargs):
        try:
            device_id = pi.parse_id(device_id, "device_id")
        except pi.InputError:
            return request.not_found()
        device = self._my_devices().filtered(lambda d: d.id == device_id)
        if not device:
            return request.not_found()
        device._revoke()
        response = self._phones_page(request.env._("This phone is no longer recognised."))
        if request.httprequest.cookies.get(DEVICE_COOKIE) and not self._device():
            response.delete_cookie(DEVICE_COOKIE)
        return response
