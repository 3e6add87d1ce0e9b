from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_datetime, format_time
from odoo.tools.misc import babel_locale_parse, posix_to_ldml

from .az_attendance_sealed_mixin import is_internal
from .az_attendance_session_sealing import SESSION_PROOF_FIELDS


class AzAttendanceSession(models.Model):
    """One attendance sheet: a session of a project (a workshop, a half-day of training,
    an individual appointment) with the people expected and their signatures.

    This file holds the sheet itself: its fields, its workflow (open, validate, cancel), its
    times in the site's timezone, the half-day split, the trainer's signature and what the
    PDF sheet reads. Each other concern has a mixin of its own file:

    - ``az.attendance.session.signing``: signing window, QR code, kiosk, personal links;
    - ``az.attendance.session.sealing``: what the seal covers, sealing, the write guard;
    - ``az.attendance.session.verification``: verify page, verification, integrity job;
    - ``az.attendance.session.purge``: retention period and GDPR purge of signatures;
    - ``az.attendance.session.audit``: auditor warnings and validation checklist;
    - ``az.attendance.session.wording``: the sheet in words (time zone, hours, the seal as a
      sentence);
    - ``az.attendance.session.reminder``: reminders by job to trainers and participants;
    - ``az.attendance.session.day``: the trainer's day screen and its actions.
    """

    _name = "az.attendance.session"
    _description = "Attendance session"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "az.attendance.session.signing",
        "az.attendance.session.sealing",
        "az.attendance.session.verification",
        "az.attendance.session.purge",
        "az.attendance.session.audit",
        "az.attendance.session.wording",
        "az.attendance.session.reminder",
        "az.attendance.session.day",
    ]
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
    early_validation_reason = fields.Text(
        string="Reason for validating early",
        copy=False,
        tracking=True,
        help="Why the sheet was validated before the end of the session (printed and sealed).",
    )

    _sql_constraints = [
        (
            "stop_after_start",
            "CHECK(stop IS NULL OR start IS NULL OR stop > start)",
            "A session must end after it starts.",
        ),
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
        if (SESSION_PROOF_FIELDS & set(vals)) or vals.get("state") == "validated":
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

    def _check_checklist_complete(self):
        """Refuse to validate a sheet while the auditor's checklist misses something, naming
        what is missing."""
        self.ensure_one()
        missing = self._get_checklist_missing()
        if missing:
            raise UserError(
                self.env._(
                    "The sheet '%(name)s' cannot be validated yet:\n%(missing)s",
                    name=self.name,
                    missing="\n".join(missing),
                )
            )

    def action_validate(self):
        for session in self:
            if session.state != "open":
                raise UserError(self.env._("Only a session open for signing can be validated."))
            if not (
                self.env.user in session.trainer_ids
                or self.env.user.has_group("az_project_base.group_manager")
            ):
                raise UserError(self.env._("Only a trainer of the session or a manager can validate it."))
            session._check_checklist_complete()
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

    def _format_local(self, value, dt_format=False):
        """A UTC datetime shown in the site's timezone, for sheets and pages: by default the
        reader's language's date and time, to the minute ("11/03/2025 09:00")."""
        if not value:
            return ""
        if not dt_format:
            lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
            if lang:
                locale = babel_locale_parse(lang.code)
                time_format = lang.time_format.replace(":%S", "").replace("%S", "")
                dt_format = f"{posix_to_ldml(lang.date_format, locale)} {posix_to_ldml(time_format, locale)}"
        return format_datetime(self.env, value, tz=self.tz, dt_format=dt_format)

    def _format_local_time(self, value):
        """The hour and minute of a UTC datetime in the site's timezone ("09:00")."""
        return format_time(self.env, value, tz=self.tz or "UTC", time_format="HH:mm") if value else ""

    def _stamp_trainer_signature(self):
        for session in self.filtered(lambda s: s.state != "validated")._internal():
            session.write(
                {
                    "trainer_signature_sha256": session._binary_sha256("trainer_signature"),
                    "trainer_signed_by_id": self.env.user.id,
                    "trainer_signed_at": fields.Datetime.now(),
                }
            )

    # ------------------------------------------------------------------ report
    def _report_fundings(self):
        """Fundings of the project covering the session's day (those shown on the sheet)."""
        self.ensure_one()
        return self.sudo().project_id.az_funding_ids.filtered(
            lambda f: (
                f.state in ("active", "closed") and (not self.date or f.date_start <= self.date <= f.date_end)
            )
        )

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
