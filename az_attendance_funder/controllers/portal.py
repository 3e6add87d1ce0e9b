import base64

from odoo import http
from odoo.http import request

from odoo.addons.az_attendance.controllers.portal import AttendancePortal
from odoo.addons.az_project_base.tools import public_input as pi


class AttendanceCertificatePortal(AttendancePortal):
    """A person downloads their own current certificates of completion from /my/attendance."""

    def _prepare_my_attendance_values(self, lines, sent):
        values = super()._prepare_my_attendance_values(lines, sent)
        Certificate = request.env["az.attendance.certificate"]
        values["certificates"] = (
            Certificate.search(
                [("partner_id", "=", request.env.user.partner_id.id), ("state", "=", "current")],
                order="date_issued desc, id desc",
                limit=100,
            )
            if Certificate.has_access("read")
            else Certificate
        )
        return values

    @http.route(
        "/my/attendance/certificate/<string:certificate_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_attendance_certificate(self, certificate_id, **kwargs):
        """The PDF of one of the person's own current certificates (anything else: 404)."""
        try:
            certificate_id = pi.parse_id(certificate_id, field="certificate_id")
        except pi.InputError:
            return request.not_found()
        Certificate = request.env["az.attendance.certificate"]
        if not Certificate.has_access("read"):
            return request.not_found()
        certificate = Certificate.search(
            [
                ("id", "=", certificate_id),
                ("state", "=", "current"),
                ("partner_id", "=", request.env.user.partner_id.id),
            ],
            limit=1,
        )
        if not certificate or not certificate.sudo().pdf:
            return request.not_found()
        content = base64.b64decode(certificate.sudo().pdf)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(content))),
                (
                    "Content-Disposition",
                    f'attachment; filename="{certificate.pdf_filename or "certificate.pdf"}"',
                ),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
