import base64

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.az_project_base.controllers.public_input import PublicInputMixin
from odoo.addons.az_project_base.tools import public_input as pi
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.az_attendance_justification import JUSTIFIABLE_STATUSES
from ..tools import upload_file

NOTE_MAX = 1000


class AttendancePortal(PublicInputMixin, CustomerPortal):
    """A person sees the attendance lines that concern them (GDPR right of access) and sends
    the proof of an absence for their own lines."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "attendance_count" in counters:
            Line = request.env["az.attendance.line"]
            values["attendance_count"] = (
                Line.search_count(self._attendance_domain()) if Line.has_access("read") else 0
            )
        return values

    def _attendance_domain(self):
        return [
            ("partner_id", "=", request.env.user.partner_id.id),
            ("session_id.state", "in", ("open", "validated")),
        ]

    @http.route("/my/attendance", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_attendance(self, sent=None, **kwargs):
        Line = request.env["az.attendance.line"]
        lines = (
            Line.search(self._attendance_domain(), order="session_date desc, id desc", limit=200)
            if Line.has_access("read")
            else Line
        )
        values = self._prepare_portal_layout_values()
        values.update(self._prepare_my_attendance_values(lines, sent))
        return request.render("az_attendance.portal_my_attendance", values)

    def _prepare_my_attendance_values(self, lines, sent):
        """Values of the page /my/attendance for the person's ``lines`` (addons add theirs)."""
        return {
            "lines": lines,
            "page_name": "az_attendance",
            "justification_sent": sent == "1",
            "justifications": self._latest_justifications(lines),
            "justifiable": JUSTIFIABLE_STATUSES,
        }

    def _latest_justifications(self, lines):
        """{line id: latest justification} of the person's lines (read after the lines'
        access check)."""
        if not lines:
            return {}
        found = (
            request.env["az.attendance.justification"]
            .sudo()
            .search([("line_id", "in", lines.ids)], order="id desc")
        )
        latest = {}
        for justification in found:
            latest.setdefault(justification.line_id.id, justification)
        return latest

    def _own_line(self, line_id):
        """The person's own line of an open or validated sheet, or None (another person's
        line, or one that does not exist, are the same: not found)."""
        try:
            line_id = pi.parse_id(line_id, field="line_id")
        except pi.InputError:
            return None
        Line = request.env["az.attendance.line"]
        if not Line.has_access("read"):
            return None
        return Line.search([("id", "=", line_id)] + self._attendance_domain(), limit=1) or None

    def _justify_page(self, line, error=None, note="", status=200):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "line": line,
                "error": error,
                "note": note,
                "page_name": "az_attendance_justify",
                "max_mb": upload_file.MAX_BYTES // (1024 * 1024),
            }
        )
        return request.render("az_attendance.portal_attendance_justify", values, status=status)

    @http.route(
        "/my/attendance/<string:line_id>/justification",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_attendance_justify(self, line_id, **post):
        line = self._own_line(line_id)
        if not line:
            return request.not_found()
        env = request.env
        if line.effective_status not in JUSTIFIABLE_STATUSES:
            return self._justify_page(
                line,
                env._("You are marked present at this session: there is no absence to justify."),
                status=409,
            )
        pending = (
            env["az.attendance.justification"]
            .sudo()
            .search_count([("line_id", "=", line.id), ("state", "=", "pending")])
        )
        if request.httprequest.method == "GET":
            return self._justify_page(
                line,
                env._("A proof for this session is already waiting for a decision.") if pending else None,
            )
        try:
            note = pi.clean_text(post.get("note"), NOTE_MAX, field="note", multiline=True)
        except pi.InputError as error:
            return self._justify_page(line, self._input_error_message(error, env._("Message")), status=400)
        if pending:
            return self._justify_page(
                line,
                env._("A proof for this session is already waiting for a decision."),
                note=note,
                status=409,
            )
        upload = post.get("file")
        if not hasattr(upload, "stream"):
            return self._justify_page(line, env._("Choose a file to send."), note=note, status=400)
        raw = upload.stream.read(upload_file.MAX_BYTES + 1)
        Justification = env["az.attendance.justification"]
        try:
            clean, _mimetype, filename = upload_file.clean_upload(raw, upload.filename or "")
        except upload_file.UploadError as error:
            return self._justify_page(line, Justification._upload_message(error.code), note=note, status=400)
        try:
            # the line is the person's own (checked above with their rights)
            Justification.sudo().create(
                {
                    "line_id": line.id,
                    "file": base64.b64encode(clean),
                    "filename": filename,
                    "note": note or False,
                }
            )
        except (UserError, ValidationError) as error:
            return self._justify_page(line, str(error.args[0]), note=note, status=400)
        return request.redirect("/my/attendance?sent=1")
