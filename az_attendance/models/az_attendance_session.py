import base64
import hmac
import io
import re
import secrets
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_datetime, format_time

from ..tools import seal as sealer
from .az_attendance_seal_check import SealCheck

# the markers live with the sealed-record mixin; imported from here by the line and the tests
from .az_attendance_sealed_mixin import INTERNAL, PURGE, SEALING, is_internal  # noqa: F401

# Fields of a validated session that may still change: the chatter and its followers.
_SESSION_FREE_PREFIXES = ("message_", "activity_", "website_message")
# A signature taken more than this long after the session's end is worth an auditor's question.
LATE_SIGNATURE_DELAY = timedelta(hours=24)
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Proof of the sheet that only the code itself writes: validation, seal, digests.
_SESSION_PROOF_FIELDS = {
    "seal",
    "header_hash",
    "validated_by_id",
    "validated_at",
    "trainer_signature_sha256",
    "trainer_signed_by_id",
    "trainer_signed_at",
    "paper_sheet_sha256",
    "signatures_purged",
    "site_label",
    "seal_tz",
    "trainer_names",
    "funder_names",
    "sealed_funding_ids",
    "seal_manifest",
    "amendment_head",
}


def is_token(value):
    """Whether ``value`` looks like one of our random URL tokens (before any search)."""
    return isinstance(value, str) and bool(TOKEN_RE.fullmatch(value))


def _new_token(*_args):
    return secrets.token_urlsafe(24)


def qr_data_uri(text):
    """PNG of a QR code for ``text``, as a data URI (for pages, forms and the PDF sheet)."""
    import qrcode  # imported here so that a missing package fails clearly, not at import

    image = qrcode.make(text, box_size=6, border=2)
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()


# Every signing path (kiosk, QR code, personal link, badge) is open from this long before the
# session to this long after it, read from the session's current times.
SIGN_WINDOW = timedelta(hours=2)
# A kiosk without network keeps signatures and sends them later: up to a day after the end.
OFFLINE_GRACE = timedelta(hours=24)


def sign_window(session, offline=False):
    """(opens, closes) of a session's signing, naive UTC, from its current times; (None,
    None) without times. A signature taken offline on the kiosk may arrive up to a day
    after the end."""
    if not (session.start and session.stop):
        return None, None
    return session.start - SIGN_WINDOW, session.stop + (OFFLINE_GRACE if offline else SIGN_WINDOW)


class AzAttendanceSession(models.Model):
    """One attendance sheet: a session of a project (a workshop, a half-day of training,
    an individual appointment) with the people expected and their signatures."""

    _name = "az.attendance.session"
    _description = "Attendance session"
    _inherit = ["mail.thread", "mail.activity.mixin", "az.attendance.sealed.mixin"]
    _order = "start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    project_id = fields.Many2one(
        "project.project",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    site_id = fields.Many2one("az.site", tracking=True, check_company=True)
    tz = fields.Char(string="Timezone", compute="_compute_tz", compute_sudo=True)
    start = fields.Datetime(
        tracking=True,
        help="Start of the session (stored in UTC, shown in the site's timezone on sheets and pages).",
    )
    stop = fields.Datetime(string="End", tracking=True)
    date = fields.Date(
        compute="_compute_date", store=True, index=True, help="Day of the session in the site's timezone."
    )
    duration = fields.Float(compute="_compute_duration", store=True, help="In hours.")
    granularity = fields.Selection(
        [("session", "One sheet per session"), ("half_day", "One sheet per half-day")],
        default="session",
        required=True,
        help="A session spanning a whole day can be split into a morning and an afternoon "
        "sheet, each with its own times and signatures.",
    )
    trainer_ids = fields.Many2many(
        "res.users",
        "az_attendance_session_trainer_rel",
        "session_id",
        "user_id",
        string="Trainers",
        default=lambda self: self.env.user,
        tracking=True,
    )
    line_ids = fields.One2many("az.attendance.line", "session_id", string="Participants")
    amendment_ids = fields.One2many("az.attendance.amendment", "session_id", string="Amendments")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Signing open"),
            ("validated", "Validated"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    participant_count = fields.Integer(compute="_compute_counts", string="Participants count")
    signed_count = fields.Integer(compute="_compute_counts", string="Signed")
    note = fields.Text()
    qr_token = fields.Char(
        copy=False,
        default=_new_token,
        groups="az_project_base.group_user",
        help="Secret of the session's QR code for signing on a phone.",
    )
    verify_token = fields.Char(
        copy=False,
        default=_new_token,
        readonly=True,
        help="Secret of the public page that verifies the seal.",
    )
    qr_image = fields.Char(compute="_compute_qr_image", string="Signing QR code")
    qr_url = fields.Char(compute="_compute_qr_image", string="Signing page")
    trainer_signature = fields.Binary(copy=False, attachment=True, tracking=False)
    trainer_signature_sha256 = fields.Char(copy=False, readonly=True)
    trainer_signed_by_id = fields.Many2one("res.users", string="Signed by trainer", copy=False, readonly=True)
    trainer_signed_at = fields.Datetime(copy=False, readonly=True)
    paper_sheet = fields.Binary(
        string="Paper sheet scan",
        attachment=True,
        copy=False,
        help="Scan of a paper sheet signed during a network or device failure; lines marked "
        "'paper' refer to it.",
    )
    paper_sheet_filename = fields.Char(copy=False)
    paper_sheet_sha256 = fields.Char(copy=False, readonly=True)
    header_hash = fields.Char(copy=False, readonly=True)
    seal = fields.Char(
        copy=False,
        readonly=True,
        tracking=True,
        help="Final hash of the chained lines, computed at validation.",
    )
    validated_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    validated_at = fields.Datetime(copy=False, readonly=True)
    signatures_purged = fields.Boolean(copy=False, readonly=True)
    # What the sheet prints, recorded at sealing so that a later change of the site, the
    # trainers' names or the fundings does not change a sealed sheet (and is sealed with it).
    site_label = fields.Char(string="Place as sealed", copy=False, readonly=True)
    seal_tz = fields.Char(string="Timezone as sealed", copy=False, readonly=True)
    trainer_names = fields.Char(string="Trainers as sealed", copy=False, readonly=True)
    funder_names = fields.Char(string="Funders as sealed", copy=False, readonly=True)
    sealed_funding_ids = fields.Many2many(
        "az.funding",
        "az_attendance_session_sealed_funding_rel",
        "session_id",
        "funding_id",
        string="Fundings as sealed",
        copy=False,
        readonly=True,
    )
    early_validation_reason = fields.Text(
        string="Reason for validating early",
        copy=False,
        tracking=True,
        help="Why the sheet was validated before the end of the session (printed and sealed).",
    )
    seal_manifest = fields.Text(
        string="Sealed lines",
        copy=False,
        readonly=True,
        help="The lines sealed, in order: line, person, name.",
    )
    amendment_head = fields.Char(
        string="Head of the amendments",
        copy=False,
        readonly=True,
        help="Last hash of the chain of amendments (the seal when there is none).",
    )
    seal_version = fields.Integer(string="Seal version", compute="_compute_seal_version")
    # Result of the last verification run by the integrity check, the invoicing or the grant
    # report (never read by the verification itself): reports leave out broken sheets.
    seal_broken = fields.Boolean(
        string="Changed since its seal",
        copy=False,
        readonly=True,
        index=True,
        help="The last verification found the sheet changed since "
        "its seal: it is neither invoiced nor counted in reports.",
    )
    seal_problems = fields.Text(string="Verification problems", copy=False, readonly=True)
    seal_checked_at = fields.Datetime(string="Last verified on", copy=False, readonly=True)
    warning_message = fields.Text(compute="_compute_checks", string="Warnings")
    checklist_message = fields.Text(compute="_compute_checks", string="Auditor checklist")
    checklist_ok = fields.Boolean(compute="_compute_checks")
    verify_url = fields.Char(compute="_compute_verify_url")

    _sql_constraints = [
        (
            "stop_after_start",
            "CHECK(stop IS NULL OR start IS NULL OR stop > start)",
            "A session must end after it starts.",
        ),
        ("qr_token_unique", "UNIQUE(qr_token)", "Session QR tokens must be unique."),
        ("verify_token_unique", "UNIQUE(verify_token)", "Verification tokens must be unique."),
    ]

    # ------------------------------------------------------------------ computes
    @api.depends("project_id")
    def _compute_company_id(self):
        for session in self:
            session.company_id = session.project_id.company_id or session.company_id or self.env.company

    @api.depends("site_id.tz", "seal_tz")
    def _compute_tz(self):
        for session in self:
            # a sealed sheet keeps the timezone it was sealed in: its day and printed times
            # do not move when the site's timezone is changed later
            session.tz = session.seal_tz or session.site_id.tz or self.env.user.tz or "Europe/Paris"

    @api.depends("start", "site_id.tz", "seal_tz")
    def _compute_date(self):
        for session in self:
            session.date = session._to_local(session.start).date() if session.start else False

    @api.depends("start", "stop")
    def _compute_duration(self):
        for session in self:
            if session.start and session.stop:
                session.duration = (session.stop - session.start).total_seconds() / 3600.0
            else:
                session.duration = 0.0

    @api.depends("line_ids.signed_at", "line_ids.status")
    def _compute_counts(self):
        for session in self:
            session.participant_count = len(session.line_ids)
            session.signed_count = len(session.line_ids.filtered("signed_at"))

    @api.depends("qr_token")
    def _compute_qr_image(self):
        base = self.get_base_url()
        for session in self:
            token = session.sudo().qr_token
            if token and session.id:
                session.qr_url = f"{base}/attendance/qr/{token}"
                session.qr_image = qr_data_uri(session.qr_url)
            else:
                session.qr_url = session.qr_image = False

    @api.depends("verify_token", "seal")
    def _compute_verify_url(self):
        """The public verify page of the sheet. Once sealed, the address carries the seal
        itself, so that the paper and the database check each other."""
        for session in self:
            url = False
            if session.verify_token:
                # the website's address of each sheet's company (one record at a time)
                url = f"{session.get_base_url()}/attendance/verify/{session.verify_token}"
                _version, digest = sealer.parse_hash(session.seal)
                if digest:
                    url += f"?seal={sealer.seal_to_url(session.seal)}"
            session.verify_url = url

    @api.depends("seal")
    def _compute_seal_version(self):
        for session in self:
            session.seal_version = sealer.parse_hash(session.seal)[0] or 0

    @api.depends(
        "start",
        "stop",
        "site_id",
        "site_id.capacity",
        "trainer_ids",
        "trainer_signature",
        "line_ids.status",
        "line_ids.signed_at",
        "line_ids.justification",
        "line_ids.sign_method",
        "paper_sheet",
    )
    def _compute_checks(self):
        for session in self:
            warnings = session._get_warnings()
            missing = session._get_checklist_missing()
            session.warning_message = "\n".join(warnings) or False
            session.checklist_message = "\n".join(missing) or False
            session.checklist_ok = not missing

    # ------------------------------------------------------------------ constraints
    @api.constrains("project_id", "site_id", "company_id")
    def _check_consistent_company(self):
        for session in self:
            if session.project_id.company_id and session.project_id.company_id != session.company_id:
                raise ValidationError(
                    self.env._(
                        "The session '%(name)s' must belong to the company of its project.", name=session.name
                    )
                )

    @api.constrains("granularity", "start", "stop", "site_id")
    def _check_half_day(self):
        for session in self:
            if session.granularity != "half_day" or not (session.start and session.stop):
                continue
            start, stop = session._to_local(session.start), session._to_local(session.stop)
            if start.date() != stop.date() or (
                start.hour < 12 < stop.hour and (stop - start) > timedelta(hours=5)
            ):
                raise ValidationError(
                    self.env._(
                        "The half-day sheet '%(name)s' spans more than a half-day: split it into "
                        "a morning and an afternoon sheet.",
                        name=session.name,
                    )
                )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_proof_fields(vals)
            if vals.get("state", "draft") not in ("draft", "open"):
                raise UserError(self.env._("A session starts as a draft or open sheet."))
        sessions = super().create(vals_list)
        for session, vals in zip(sessions, vals_list, strict=False):
            if vals.get("trainer_signature"):
                session._stamp_trainer_signature()
            if vals.get("paper_sheet"):
                session._internal().paper_sheet_sha256 = session._binary_sha256("paper_sheet")
        return sessions

    def write(self, vals):
        self._check_writable(vals)
        self._check_proof_fields(vals)
        result = super().write(vals)
        if vals.get("trainer_signature"):
            self._stamp_trainer_signature()
        if "paper_sheet" in vals:
            for session in self._internal():
                session.paper_sheet_sha256 = session._binary_sha256("paper_sheet") or False
        return result

    def _check_proof_fields(self, vals):
        """Validation, seal and digests are written by the code that computes them only."""
        if is_internal(self.env) or self._is_purge():
            return
        if (_SESSION_PROOF_FIELDS & set(vals)) or vals.get("state") == "validated":
            raise UserError(self.env._("A sheet is validated and sealed with the Validate button only."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sealed_or_signed(self):
        for session in self:
            if session.state == "validated" or session.seal:
                raise UserError(
                    self.env._(
                        "The session '%(name)s' is validated and sealed: it cannot be deleted.",
                        name=session.name,
                    )
                )
            if session.line_ids.filtered("signed_at"):
                raise UserError(
                    self.env._(
                        "The session '%(name)s' holds signatures: cancel it instead of deleting it.",
                        name=session.name,
                    )
                )

    def _check_writable(self, vals):
        """A sealed session is frozen for everyone, superuser included: no field the seal
        declares (nor the files whose digests it holds, nor the chain) may change. Only the
        sealing code writes them; the GDPR purge may clear the trainer's signature image."""
        self._check_seal_lock(vals)

    def _is_seal_locked(self):
        self.ensure_one()
        return self.state == "validated" or bool(self.seal)

    def _seal_locked_message(self):
        self.ensure_one()
        return self.env._(
            "The session '%(name)s' is validated and sealed: it can no longer be changed. "
            "Record a correction as an amendment.",
            name=self.name,
        )

    def _get_seal_purgeable_fields(self):
        return {"trainer_signature", "signatures_purged"}

    # ------------------------------------------------------------------ actions
    def action_open(self):
        for session in self:
            if session.state != "draft":
                raise UserError(self.env._("Only a draft session can be opened for signing."))
            if not (session.start and session.stop):
                raise UserError(
                    self.env._(
                        "Set the start and end times of '%(name)s' before opening it.", name=session.name
                    )
                )
        self.write({"state": "open"})
        return True

    def action_reset_to_draft(self):
        for session in self:
            if session.state not in ("open", "cancelled"):
                raise UserError(self.env._("Only an open or cancelled session can go back to draft."))
        self.write({"state": "draft"})
        return True

    def action_cancel(self):
        for session in self:
            if session.state == "validated":
                raise UserError(self.env._("A validated session cannot be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_validate(self):
        for session in self:
            if session.state != "open":
                raise UserError(self.env._("Only a session open for signing can be validated."))
            if not (
                self.env.user in session.trainer_ids
                or self.env.user.has_group("az_project_base.group_manager")
            ):
                raise UserError(self.env._("Only a trainer of the session or a manager can validate it."))
            missing = session._get_checklist_missing()
            if missing:
                raise UserError(
                    self.env._(
                        "The sheet '%(name)s' cannot be validated yet:\n%(missing)s",
                        name=session.name,
                        missing="\n".join(missing),
                    )
                )
        early = self.filtered(lambda s: s._is_early() and not (s.early_validation_reason or "").strip())
        if early:
            if len(self) > 1:
                raise UserError(
                    self.env._(
                        "These sessions have not ended yet: validate them one by one and say why: %(names)s",
                        names=", ".join(early.mapped("name")),
                    )
                )
            return {
                "type": "ir.actions.act_window",
                "res_model": "az.attendance.validate.wizard",
                "view_mode": "form",
                "target": "new",
                "name": self.env._("Validate before the end of the session"),
                "context": {"default_session_id": self.id},
            }
        for session in self:
            if session.early_validation_reason and not session._is_early():
                session.early_validation_reason = False
            session._seal()
        return True

    def _is_early(self):
        """Whether the session has not ended yet: sealing it then needs a recorded reason."""
        self.ensure_one()
        return bool(self.stop and fields.Datetime.now() < self.stop)

    def action_verify(self):
        self.ensure_one()
        problems = self._verify_seal()
        if problems is None:
            message = self.env._("This sheet is not sealed yet: validate it first.")
            kind = "warning"
        elif problems:
            message = self.env._(
                "The seal is broken. Altered since validation:\n%(lines)s", lines="\n".join(problems)
            )
            kind = "danger"
        else:
            message = self.env._("The seal is intact: nothing changed since validation.")
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Seal verification"),
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
            },
        }

    def action_kiosk(self):
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("Open the session for signing first."))
        # a full-screen page of its own, without the back office's menus
        return {
            "type": "ir.actions.act_url",
            "url": f"/attendance/kiosk/{self.id}",
            "target": "self",
        }

    def action_show_qr(self):
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("Open the session for signing first."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("az_attendance.az_attendance_session_view_form_qr").id, "form")],
            "target": "new",
            "name": self.env._("Scan to sign"),
        }

    def action_regenerate_qr(self):
        for session in self:
            if session.state == "validated":
                raise UserError(self.env._("A validated session has no signing QR code."))
            session.sudo().qr_token = _new_token()
        return True

    def action_send_remote_links(self):
        """Send every personal signing link at once, through each channel of
        :meth:`_send_remote_links` (e-mail here; add-ons add theirs)."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("Open the session for signing first."))
        messages = self._send_remote_links()
        if not messages:
            raise UserError(self.env._("No participant left to sign has an e-mail address."))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": " ".join(messages), "type": "success"},
        }

    def _remote_link_lines(self):
        """Lines that may still sign (the line's one rule), to send their link to."""
        self.ensure_one()
        return self.line_ids.filtered(lambda ln: ln._can_sign())

    def _send_remote_links(self):
        """Send the personal signing links of an open session; return one message per
        channel that sent something (an empty list when none could). A channel (the SMS
        add-on) extends this method and appends its own message."""
        self.ensure_one()
        lines = self._remote_link_lines().filtered(lambda ln: ln.partner_id.email)
        if not lines:
            return []
        lines._send_remote_link_mail()
        self.message_post(
            body=self.env._("Signing links sent to %(names)s.", names=", ".join(lines.mapped("partner_name")))
        )
        return [self.env._("%(count)s signing link(s) sent.", count=len(lines))]

    def action_print(self):
        return self.env.ref("az_attendance.action_report_attendance_sheet").report_action(self)

    def action_add_amendment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "az.attendance.amendment",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Amend the sheet"),
            "context": {"default_session_id": self.id},
        }

    def action_split_half_days(self):
        """Split a day-long draft session at noon (site time) into a morning and an afternoon
        sheet with the same participants."""
        self.ensure_one()
        if self.state != "draft" or not (self.start and self.stop):
            raise UserError(self.env._("Only a draft session with times can be split."))
        start, stop = self._to_local(self.start), self._to_local(self.stop)
        if start.date() != stop.date() or not (start.hour < 12 and stop.hour >= 13):
            raise UserError(
                self.env._(
                    "Only a session running from the morning to the afternoon of one day can be "
                    "split into half-days."
                )
            )
        noon = self._to_utc(datetime.combine(start.date(), time(12, 0)))
        afternoon = self._to_utc(datetime.combine(start.date(), time(13, 30)))
        afternoon = min(afternoon, self.stop - timedelta(minutes=30))
        morning_name = self.env._("%(name)s (morning)", name=self.name)
        afternoon_name = self.env._("%(name)s (afternoon)", name=self.name)
        other = self.copy(
            {"name": afternoon_name, "start": afternoon, "stop": self.stop, "granularity": "half_day"}
        )
        other._add_participants(self.line_ids.partner_id)
        self.write({"name": morning_name, "stop": noon, "granularity": "half_day"})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("id", "in", (self | other).ids)],
        }

    # ------------------------------------------------------------------ business
    def _add_participants(self, partners):
        """Add an expected line for each partner not already on the sheet. Used by hand, by
        the half-day split and by bridge addons (e.g. participants coming from bookings).
        Returns the new lines."""
        self.ensure_one()
        if self.state in ("validated", "cancelled"):
            raise UserError(
                self.env._("Participants cannot be added to the session '%(name)s' any more.", name=self.name)
            )
        existing = self.line_ids.partner_id
        new = partners - existing
        return self.env["az.attendance.line"].create(
            [{"session_id": self.id, "partner_id": partner.id} for partner in new]
        )

    def _to_local(self, value):
        """Naive UTC datetime -> naive datetime in the session's timezone."""
        tz = pytz.timezone(self.tz or "UTC")
        return pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)

    def _to_utc(self, value):
        tz = pytz.timezone(self.tz or "UTC")
        return tz.localize(value).astimezone(pytz.utc).replace(tzinfo=None)

    def _sign_window_problem(self, at, offline=False):
        """Why nobody can sign this session at ``at`` (naive UTC) given its current times, or
        False: the time part of the line's signing rule, also asked by the QR page before a
        name is chosen."""
        self.ensure_one()
        opens, closes = sign_window(self, offline=offline)
        if opens and opens <= at <= closes:
            return False
        return self.env._(
            "Signing is only possible around the time of the session (%(start)s - %(stop)s).",
            start=self._format_local(self.start),
            stop=self._format_local_time(self.stop),
        )

    def _format_local(self, value, dt_format=False):
        """A UTC datetime shown in the site's timezone, for sheets and pages."""
        if not value:
            return ""
        return format_datetime(self.env, value, tz=self.tz, dt_format=dt_format)

    def _format_local_time(self, value):
        """The hour and minute of a UTC datetime in the site's timezone ("09:00")."""
        return format_time(self.env, value, tz=self.tz or "UTC", time_format="HH:mm") if value else ""

    def _binary_sha256(self, field_name, record=None):
        record = record or self
        data = record.with_context(bin_size=False)[field_name]
        return sealer.image_digest(base64.b64decode(data)) if data else ""

    def _stamp_trainer_signature(self):
        for session in self.filtered(lambda s: s.state != "validated")._internal():
            session.write(
                {
                    "trainer_signature_sha256": session._binary_sha256("trainer_signature"),
                    "trainer_signed_by_id": self.env.user.id,
                    "trainer_signed_at": fields.Datetime.now(),
                }
            )

    def _get_warnings(self):
        """What an auditor would question, shown before validation (does not block it)."""
        self.ensure_one()
        warnings = []
        if self.start and self.stop:
            Leave = self.env["resource.calendar.leaves"].sudo()
            overlap = [("date_from", "<", self.stop), ("date_to", ">", self.start)]
            holidays = Leave.search(
                overlap
                + [
                    ("resource_id", "=", False),
                    ("company_id", "in", [False, self.company_id.id]),
                ],
                limit=1,
            )
            if holidays:
                warnings.append(
                    self.env._("The session falls on a public holiday (%(name)s).", name=holidays.name or "")
                )
            if self.trainer_ids:
                leaves = Leave.search(
                    overlap + [("resource_id.user_id", "in", self.trainer_ids.ids)], limit=1
                )
                if leaves:
                    warnings.append(
                        self.env._(
                            "%(trainer)s is on leave during the session.",
                            trainer=leaves.resource_id.user_id.name,
                        )
                    )
                others = self.sudo().search(
                    [
                        ("id", "!=", self._origin.id or 0),
                        ("state", "!=", "cancelled"),
                        ("trainer_ids", "in", self.trainer_ids.ids),
                        ("start", "<", self.stop),
                        ("stop", ">", self.start),
                    ],
                    limit=3,
                )
                for other in others:
                    common = other.trainer_ids & self.trainer_ids
                    warnings.append(
                        self.env._(
                            "%(trainer)s also runs '%(session)s' at the same time.",
                            trainer=", ".join(common.mapped("name")),
                            session=other.name,
                        )
                    )
            late = self.line_ids.filtered(
                lambda ln: ln.signed_at and ln.signed_at > self.stop + LATE_SIGNATURE_DELAY
            )
            if late:
                warnings.append(
                    self.env._(
                        "Signed more than a day after the session: %(names)s.",
                        names=", ".join(late.mapped("partner_name")),
                    )
                )
        if self.site_id.capacity and len(self.line_ids) > self.site_id.capacity:
            warnings.append(
                self.env._(
                    "%(count)s participants for a site that receives %(capacity)s people.",
                    count=len(self.line_ids),
                    capacity=self.site_id.capacity,
                )
            )
        offline = self.line_ids.filtered("offline")
        if offline:
            warnings.append(
                self.env._(
                    "Signed offline on the kiosk, sent later: %(names)s.",
                    names=", ".join(offline.mapped("partner_name")),
                )
            )
        skewed = self.line_ids.filtered("device_time_skewed")
        if skewed:
            warnings.append(
                self.env._(
                    "The clock of the signing device was more than a day off for: %(names)s.",
                    names=", ".join(skewed.mapped("partner_name")),
                )
            )
        return warnings

    def _get_checklist_missing(self):
        """What must be there before the sheet can be validated."""
        self.ensure_one()
        missing = []
        if not (self.start and self.stop):
            missing.append(self.env._("Start and end times"))
        if not self.site_id:
            missing.append(self.env._("The site where the session takes place"))
        if not self.trainer_ids:
            missing.append(self.env._("At least one trainer"))
        if not self.trainer_signature:
            missing.append(self.env._("The trainer's signature"))
        if not self.line_ids:
            missing.append(self.env._("At least one participant"))
        for line in self.line_ids:
            problem = line._get_checklist_problem()
            if problem:
                missing.append(f"{line.partner_name}: {problem}")
        return missing

    # ------------------------------------------------------------------ seal
    def _get_seal_fields(self, version=None):
        """Fields of the sheet that the seal of ``version`` covers: everything the PDF, the
        verify page, the invoicing, the grant report and the purge read of the sheet itself
        (the lines and amendments declare their own). The write guard of a sealed sheet is
        derived from this list. Version 1 is the frozen list of :meth:`_seal_values_v1`."""
        version = version or sealer.SEAL_VERSION
        # the same list for version 2 and later, until a later version changes it
        if version >= 2:
            return [
                "name",
                "company_id",
                "project_id",
                "date",
                "start",
                "stop",
                "duration",
                "granularity",
                "site_id",
                "site_label",
                "seal_tz",
                "trainer_ids",
                "trainer_names",
                "sealed_funding_ids",
                "funder_names",
                "trainer_signature_sha256",
                "trainer_signed_by_id",
                "trainer_signed_at",
                "paper_sheet_sha256",
                "early_validation_reason",
                "seal_manifest",
                "validated_by_id",
                "validated_at",
                "verify_token",
            ]
        raise NotImplementedError(f"No seal of version {version}")

    def _seal_values_v1(self):
        """Canonical text of the header of a sheet sealed under version 1 (kept unchanged so
        that those sheets keep verifying)."""
        self.ensure_one()
        return sealer.canonical(
            {
                "session_id": self.id,
                "name": self.name,
                "project_id": self.project_id.id,
                "company_id": self.company_id.id,
                "site_id": self.site_id.id or None,
                "start": fields.Datetime.to_string(self.start) if self.start else None,
                "stop": fields.Datetime.to_string(self.stop) if self.stop else None,
                "trainer_ids": ",".join(str(i) for i in sorted(self.trainer_ids.ids)),
                "trainer_signature_sha256": self.trainer_signature_sha256 or "",
                "trainer_signed_by_id": self.trainer_signed_by_id.id or None,
                "trainer_signed_at": fields.Datetime.to_string(self.trainer_signed_at)
                if self.trainer_signed_at
                else None,
                "paper_sheet_sha256": self.paper_sheet_sha256 or "",
            }
        )

    def _get_seal_guarded_extra_fields(self):
        """Besides the sealed fields: the proof, the files whose digests are sealed, the chain."""
        return set(_SESSION_PROOF_FIELDS) | {"state", "trainer_signature", "paper_sheet", "amendment_head"}

    def _sealed_lines(self):
        """The lines in the order they were sealed (by id for sheets sealed under version 1
        and sheets not sealed yet)."""
        return self.line_ids.sorted(lambda ln: (ln.seal_sequence or 0, ln.id))

    def _report_fundings(self):
        """Fundings of the project covering the session's day (those shown on the sheet)."""
        self.ensure_one()
        return self.sudo().project_id.az_funding_ids.filtered(
            lambda f: (
                f.state in ("active", "closed") and (not self.date or f.date_start <= self.date <= f.date_end)
            )
        )

    def _site_label_now(self):
        self.ensure_one()
        site = self.site_id
        if not site:
            return ""
        address = site.address_line()
        return f"{site.name}, {address}" if address else site.name

    def _seal_manifest_now(self):
        """The list of the sheet's lines as the seal records it: (line, person, name), by id."""
        self.ensure_one()
        return sealer.manifest_text(
            [(line.id, line.partner_id.id, line.partner_name or "") for line in self.line_ids.sorted("id")]
        )

    def _seal(self, version=None):
        """Freeze the sheet: record what it prints, number its lines, chain the header and
        each line, and write the sheet's seal into the company ledger."""
        self.ensure_one()
        # One sealing per sheet, whatever the worker: a second validation waits here and then
        # finds the sheet sealed (one seal, one ledger entry).
        self.env.cr.execute("SELECT seal FROM az_attendance_session WHERE id = %s FOR UPDATE", [self.id])
        if self.env.cr.fetchone()[0]:
            raise UserError(self.env._("The sheet '%(name)s' is already sealed.", name=self.name))
        version = version or sealer.SEAL_VERSION
        session = self._sealing()
        lines = session.line_ids.sorted("id")
        now = fields.Datetime.now()
        if version == 1:
            # the layout of the first seal, kept for the tests of old sheets
            session.write({"validated_by_id": self.env.user.id, "validated_at": now})
            session.env.flush_all()
            session.invalidate_recordset()
            texts = [session._seal_values_v1()] + [line._seal_values_v1() for line in lines]
            chain = sealer.compute_chain(texts)
            session.write({"header_hash": chain[0][1]})
            for line, (previous, current) in zip(lines, chain[1:], strict=False):
                line.write({"previous_hash": previous, "hash": current})
            session.write({"seal": chain[-1][1], "state": "validated"})
        else:
            fundings = session._report_fundings()
            for sequence, line in enumerate(lines, start=1):
                line.write({"seal_sequence": sequence})
            session.write(
                {
                    "site_label": session._site_label_now() or False,
                    "seal_tz": session.tz,
                    "trainer_names": ", ".join(session.trainer_ids.sorted("id").mapped("name")) or False,
                    "sealed_funding_ids": [Command.set(fundings.ids)],
                    "funder_names": ", ".join(fundings.funder_id.mapped("name")) or False,
                    "seal_manifest": session._seal_manifest_now(),
                    "validated_by_id": self.env.user.id,
                    "validated_at": now,
                    "state": "validated",
                }
            )
            session.env.flush_all()
            header = session._seal_canonicals("az.attendance.session", session.ids, version)
            texts = session._seal_canonicals("az.attendance.line", lines.ids, version)
            previous = sealer.versioned_hash(version, sealer.GENESIS, header[session.id])
            session.write({"header_hash": previous})
            for line in lines:
                current = sealer.versioned_hash(version, previous, texts[line.id])
                line.write({"previous_hash": previous, "hash": current})
                previous = current
            session.write({"seal": previous, "amendment_head": previous})
        self.env["az.attendance.ledger"]._append(
            session, "seal", session.seal, manifest=session.seal_manifest or session._seal_manifest_now()
        )
        message = self.env._("Sheet validated and sealed: %(seal)s", seal=session.seal)
        if session.early_validation_reason:
            message = self.env._(
                "Sheet validated and sealed before the end of the session: %(seal)s. Reason: %(reason)s",
                seal=session.seal,
                reason=session.early_validation_reason,
            )
        self.message_post(body=message)

    @api.model
    def _seal_canonicals(self, model, ids, version):
        """{id: canonical text} of records of ``model`` for a seal of ``version``, read by SQL
        so that what is sealed and what is verified is what the database holds."""
        Model = self.env[model]
        names = Model._get_seal_fields(version)
        kinds = {name: Model._fields[name].type for name in names}
        columns = [n for n in names if kinds[n] not in ("many2many", "one2many")]
        ids = list(ids)
        values = {}
        if not ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM %s WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL.identifier(Model._table),
                ids,
            )
        )
        for row in self.env.cr.fetchall():
            values[row[0]] = dict(zip(columns, row[1:], strict=False))
        for name in names:
            if kinds[name] != "many2many":
                continue
            field = Model._fields[name]
            for vals in values.values():
                vals[name] = []
            self.env.cr.execute(
                SQL(
                    "SELECT %s, %s FROM %s WHERE %s = ANY(%s)",
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    ids,
                )
            )
            for record_id, other_id in self.env.cr.fetchall():
                values[record_id][name].append(other_id)
        return {
            record_id: sealer.record_canonical(version, model, record_id, kinds, vals)
            for record_id, vals in values.items()
        }

    def _verify_seal(self, paper_seal=None):
        """Recompute the sheet's chain from what is in the database now, and compare it with
        the company ledger (and with the seal printed on the paper, when given).

        Returns None when the sheet was never sealed, else a list of human-readable problems
        (empty when intact). Reads by SQL, so that a change made behind the ORM's back is
        seen too."""
        self.ensure_one()
        self.env.flush_all()
        result = self._seal_verify_batch(self.ids, paper_seals={self.id: paper_seal})
        return result.get(self.id)

    @api.model
    def _seal_verify_batch(self, ids, paper_seals=None, check_files=True, record=False):
        """{session id: [problems]} for the sheets of ``ids`` that were sealed (or recorded in
        the ledger). Everything is read in a few SQL queries per batch, for the company-wide
        integrity check as for one sheet. With ``record``, the result is kept on each sheet
        (``seal_broken``) for the reports."""
        results = SealCheck(self.env, check_files=check_files).run(ids, paper_seals or {})
        if record:
            self._record_seal_checks(results)
        return results

    @api.model
    def _record_seal_checks(self, results):
        """Keep the result of a verification on the sheets, behind the ORM: the sheets are
        sealed, and this is not part of what the seal covers."""
        now = fields.Datetime.now()
        broken = [(sid, "\n".join(problems)) for sid, problems in results.items() if problems]
        intact = [sid for sid, problems in results.items() if not problems]
        if intact:
            self.env.cr.execute(
                "UPDATE az_attendance_session SET seal_broken = false, seal_problems = NULL, "
                "seal_checked_at = %s WHERE id = ANY(%s)",
                [now, intact],
            )
        for sid, text in broken:
            self.env.cr.execute(
                "UPDATE az_attendance_session SET seal_broken = true, seal_problems = %s, "
                "seal_checked_at = %s WHERE id = %s",
                [text, now, sid],
            )
        self.invalidate_model(["seal_broken", "seal_problems", "seal_checked_at"])

    @api.model
    def _refresh_seal_checks(self, companies, check_files=True):
        """Verify every sealed sheet of ``companies`` and keep the results on the sheets."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM az_attendance_session WHERE company_id = ANY(%s) "
            "AND (seal IS NOT NULL OR state = 'validated')",
            [companies.ids],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self._seal_verify_batch(ids, check_files=check_files, record=True)

    @api.model
    def _cron_check_integrity(self):
        """Daily: verify every sealed sheet of every company, so that reports leave out the
        sheets changed since their seal."""
        self._refresh_seal_checks(self.env["res.company"].sudo().search([]))

    def _get_qr_token_session(self, token):
        """The open session of a signing QR token, or an empty recordset."""
        if not is_token(token):
            return self.browse()
        session = self.sudo().search([("qr_token", "=", token)], limit=1)
        if session and hmac.compare_digest(session.qr_token.encode(), token.encode()):
            return session
        return self.browse()

    # ------------------------------------------------------------------ GDPR
    def _retention_years(self):
        """Years the sheet's proofs are kept: the company's period, and as long as the
        longest-keeping of its fundings asks (those sealed with it and those of the project
        covering its day now; an EU-funded one at least 10 years)."""
        self.ensure_one()
        from .res_company import EU_RETENTION_YEARS, MIN_RETENTION_YEARS

        years = max(self.company_id.az_signature_retention_years, MIN_RETENTION_YEARS)
        session = self.sudo()
        fundings = session.sealed_funding_ids | session.project_id.az_funding_ids.filtered(
            lambda f: (
                f.state != "cancelled" and (not session.date or f.date_start <= session.date <= f.date_end)
            )
        )
        for funding in fundings:
            years = max(
                years, funding.retention_years or 0, EU_RETENTION_YEARS if funding.is_eu_funded else 0
            )
        return years

    def _sealed_date(self):
        """Day of the session as sealed: from its start in the site's timezone (the start is
        covered by every version of the seal, the stored day only from version 2 on)."""
        self.ensure_one()
        return self._to_local(self.start).date() if self.start else self.date

    @api.model
    def _cron_purge_signatures(self, limit=200):
        """Clear signature images (and justifications of absences) of validated sheets past
        their retention period, counted from the sealed date. Only sheets whose seal and
        ledger verify are purged; the purge is recorded in the company ledger, so that the
        sheet still verifies without its images. Sheets that do not verify are left alone
        and listed for the project's manager. Returns the purged sheets."""
        today = fields.Date.context_today(self)
        candidates = self.sudo().search(
            [
                ("state", "=", "validated"),
                ("signatures_purged", "=", False),
                ("start", "<", fields.Datetime.to_datetime(today - timedelta(days=365 * 6 - 1))),
            ],
            order="start",
            limit=limit,
        )
        self.env.flush_all()
        due = candidates.filtered(
            lambda s: s._sealed_date() < today - relativedelta(years=s._retention_years())
        )
        results = self._seal_verify_batch(due.ids)
        purged = self.browse()
        for session in due:
            problems = results.get(session.id)
            if problems is None or problems:
                session._purge_refused(problems or [self.env._("The sheet is not sealed.")])
                continue
            purge = session.with_context(az_attendance_purge=PURGE)
            purge.line_ids.filtered("signature").write({"signature": False})
            purge.line_ids.filtered("justification").write({"justification": False})
            purge.line_ids.write({"signature_purged": True})
            purge.write({"trainer_signature": False, "signatures_purged": True})
            self.env["az.attendance.ledger"]._append(session, "purge", session.seal)
            purged |= session
        for session in purged:
            session.message_post(
                body=self.env._(
                    "Signature images purged after the retention period; the seal is kept and "
                    "the purge is recorded in the company ledger."
                )
            )
        return purged

    def _purge_refused(self, problems):
        """Tell the project's manager that a sheet due for purge does not verify (once)."""
        self.ensure_one()
        summary = self.env._("Signatures not purged: the seal does not verify")
        if self.activity_ids.filtered(lambda a: a.summary == summary):
            return
        user = self.project_id.user_id or self.env.ref("base.user_admin", False)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id if user else self.env.uid,
            summary=summary,
            note="<br/>".join(problems),
        )

    # ------------------------------------------------------------------ report
    def _report_funders(self):
        """Funders of the project's fundings covering the session's day (as sealed, once the
        sheet is sealed)."""
        self.ensure_one()
        if self.seal_version >= 2:
            return self.sudo().sealed_funding_ids.funder_id
        return self._report_fundings().funder_id

    def _report_method_counts(self):
        """(method label, number of lines) for each signing method used on the sheet, in the
        order of the methods: an auditor sees how the presences were proven."""
        self.ensure_one()
        lines = self.sudo().line_ids
        labels = self.env["az.attendance.line"]._fields["sign_method"]._description_selection(self.env)
        counts = [
            (label, len(lines.filtered(lambda ln, m=method: ln.sign_method == m))) for method, label in labels
        ]
        return [(label, count) for label, count in counts if count]

    def _report_verify_qr(self):
        self.ensure_one()
        return qr_data_uri(self.verify_url)

    # ------------------------------------------------------------------ kiosk
    def kiosk_data(self):
        """What the kiosk shows: the session and its people. Staff only (record rules)."""
        self.ensure_one()
        self.check_access("read")
        return {
            "id": self.id,
            "name": self.name,
            "open": self.state == "open",
            "when": f"{self._format_local(self.start)} – {self._format_local_time(self.stop)}",
            "site": self.site_id.name or "",
            "lines": [line._kiosk_values() for line in self.line_ids],
        }

    @api.model
    def kiosk_open_sessions(self):
        """Open sessions the current user may run the kiosk for, soonest first."""
        sessions = self.search([("state", "=", "open")], order="start", limit=50)
        return [
            {
                "id": s.id,
                "name": s.name,
                "when": f"{s._format_local(s.start)} – {s._format_local_time(s.stop)}",
            }
            for s in sessions
        ]

    # ------------------------------------------------------------------ sheets that count
    # Which sheets count for a funder (hours done, certificates, bundles, invoices, the grant
    # report, the fundings' quantities): validated, and whose seal held at its last check.
    # One rule, read by the ORM (domain), in Python (filter) and in SQL (the grant report).
    @api.model
    def _counted_domain(self, path=None):
        """Domain of the sheets that count; ``path`` reaches the sheet from another model
        (``"session_id"`` from a line)."""
        prefix = f"{path}." if path else ""
        return [(f"{prefix}state", "=", "validated"), (f"{prefix}seal_broken", "=", False)]

    def _filtered_counted(self):
        """The sheets of ``self`` that count."""
        return self.filtered(lambda session: session.state == "validated" and not session.seal_broken)

    @api.model
    def _counted_sql(self, alias):
        """SQL condition on the sheet ``alias`` (a table alias of az_attendance_session)."""
        table = SQL.identifier(alias)
        return SQL("(%s.state = %s AND NOT COALESCE(%s.seal_broken, false))", table, "validated", table)
