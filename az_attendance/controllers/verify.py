from odoo import fields, http
from odoo.http import request

from odoo.addons.az_project_base.controllers.public_input import PublicInputMixin
from odoo.addons.az_project_base.tools import public_input as pi

from ..models.az_attendance_session_signing import is_token
from ..tools import seal as sealer

# Longest seal text an address may carry: "<version>-<64 hex digits>".
SEAL_TEXT_MAX = 80


class AttendanceVerifyController(PublicInputMixin, http.Controller):
    """The public page that an auditor reaches from the QR code of a printed sheet. The
    address carries the seal printed on the paper; the page recomputes the sheet's chain from
    the database and compares the three: the paper, the database and the company ledger."""

    def _message(self, title, message, status):
        return request.render(
            "az_attendance.public_message",
            {"title": title, "message": message, "kind": "danger"},
            status=status,
        )

    def _parse_paper_seal(self, seal):
        """The seal read from the address (stored form), None when absent; InputError when it
        is not a seal."""
        if seal in (None, ""):
            return None
        text = pi.clean_text(seal, SEAL_TEXT_MAX, field="seal")
        stored = sealer.seal_from_url(text)
        if not stored:
            raise pi.InputError(pi.BAD_CODE, "seal")
        return stored

    def _prepare_verify_values(self, session, problems, paper_seal):
        entry = (
            request.env["az.attendance.ledger"]
            .sudo()
            .search([("session_ref", "=", session.id), ("kind", "=", "seal")], limit=1)
        )
        return {
            "session": session,
            "problems": problems,
            "paper_seal": paper_seal,
            "ledger_entry": entry,
            "ledger_at": session._format_local(entry.recorded_at) if entry else "",
            "timestamped_at": session._format_local(entry.timestamped_at) if entry else "",
            "seal_words": session._seal_words(problems),
            "method_lines": [
                request.env._("%(method)s: %(count)s", method=method, count=count)
                for method, count in session._report_method_counts()
            ],
            "tz_label": session._tz_label(),
            "start": session._format_local(session.start),
            "stop": session._format_local_time(session.stop),
            "validated_at": session._format_local(session.validated_at),
            "checked_at": session._format_local(fields.Datetime.now()),
        }

    @http.route(
        "/attendance/verify/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def verify_page(self, token, seal=None, **kwargs):
        env = request.env
        try:
            paper_seal = self._parse_paper_seal(seal)
        except pi.InputError as error:
            return self._message(
                env._("Unreadable seal"), self._input_error_message(error, env._("Seal")), 400
            )
        Session = env["az.attendance.session"].sudo()
        session = Session.search([("verify_token", "=", token)], limit=1) if is_token(token) else Session
        problems = session._verify_seal(paper_seal=paper_seal) if session else None
        if problems is None:
            entry = (
                env["az.attendance.ledger"]
                .sudo()
                .search([("value", "=", paper_seal), ("kind", "=", "seal")], limit=1)
                if paper_seal
                else None
            )
            if entry and not entry.session_id:
                return self._message(
                    env._("Sheet deleted"),
                    env._(
                        "This seal was recorded in the ledger of %(company)s for the sheet "
                        "'%(name)s', but that sheet is no longer in the database.",
                        company=entry.company_id.name,
                        name=entry.session_name,
                    ),
                    410,
                )
            return self._message(
                env._("Unknown sheet"), env._("No sealed attendance sheet matches this code."), 404
            )
        return request.render(
            "az_attendance.public_verify", self._prepare_verify_values(session, problems, paper_seal)
        )
