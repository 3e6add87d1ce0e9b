from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class AttendancePortal(CustomerPortal):
    """A person sees the attendance lines that concern them (GDPR right of access)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "attendance_count" in counters:
            Line = request.env["az.attendance.line"]
            values["attendance_count"] = Line.search_count(self._attendance_domain()) \
                if Line.has_access("read") else 0
        return values

    def _attendance_domain(self):
        return [("partner_id", "=", request.env.user.partner_id.id),
                ("session_id.state", "in", ("open", "validated"))]

    @http.route("/my/attendance", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_attendance(self, **kwargs):
        Line = request.env["az.attendance.line"]
        lines = Line.search(self._attendance_domain(), order="session_date desc, id desc",
                            limit=200) if Line.has_access("read") else Line
        values = self._prepare_portal_layout_values()
        values.update({"lines": lines, "page_name": "az_attendance"})
        return request.render("az_attendance.portal_my_attendance", values)
