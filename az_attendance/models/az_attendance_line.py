from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import seal as sealer
from .az_attendance_sealed_mixin import is_internal

STATUSES = [
    ("expected", "Expected"),
    ("present", "Present"),
    ("late", "Late"),
    ("absent", "Absent"),
    ("excused", "Excused"),
]
# Fields the GDPR purge may clear on a sealed line (the digests stay).
_PURGE_FIELDS = {"signature", "justification", "signature_purged"}
# Proof of a signature: written by the signing and sealing code only, never by a client.
_PROOF_FIELDS = {
    "signature",
    "signature_sha256",
    "signature_purged",
    "signed_at",
    "sign_method",
    "sign_ip",
    "sign_user_agent",
    "sign_ip_sha256",
    "sign_user_agent_sha256",
    "sign_user_id",
    "device_time",
    "device_time_skewed",
    "offline",
    "witness_name",
    "on_behalf_reason",
    "hash",
    "previous_hash",
    "justification_sha256",
    "sign_qr_step",
}
# Rows of the PDF sheet on its first page (under the organisation and the session's details)
# and on the next ones, measured on A4 and US Letter with a margin for rows of two lines.
REPORT_ROWS_FIRST_PAGE = 11
REPORT_ROWS_OTHER_PAGES = 17


class AzAttendanceLine(models.Model):
    """One participant on an attendance sheet, with their signature and its proof.

    This file holds the line itself: the person, their status and hours (as recorded and
    after amendments), the write guard and what the seal covers of a line. How the line gets
    signed (the signature's proof, the signing rule, the code and personal link) is the mixin
    ``az.attendance.line.signing``."""

    _name = "az.attendance.line"
    _inherit = ["az.attendance.sealed.mixin", "az.attendance.line.signing", "az.attendance.line.day"]
    _description = "Attendance line"
    _order = "session_id, partner_name, id"
    _check_company_auto = True

    session_id = fields.Many2one("az.attendance.session", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    project_id = fields.Many2one(related="session_id.project_id", store=True, index=True)
    session_state = fields.Selection(related="session_id.state", string="Session status")
    session_date = fields.Date(related="session_id.date", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Participant", required=True, index=True, ondelete="restrict"
    )
    partner_name = fields.Char(
        string="Name",
        compute="_compute_partner_name",
        store=True,
        readonly=False,
        precompute=True,
        help="The name as it appears on the sheet (kept as signed).",
    )
    status = fields.Selection(STATUSES, default="expected", required=True)
    arrived_at = fields.Datetime(string="Arrived at", help="For a late arrival: when the person arrived.")
    left_at = fields.Datetime(string="Left at", help="For an early departure.")
    justification = fields.Binary(
        attachment=True, copy=False, help="Proof of an excused absence (medical note, summons)."
    )
    justification_filename = fields.Char()
    justification_sha256 = fields.Char(copy=False, readonly=True)
    hours_attended = fields.Float(compute="_compute_hours_attended", store=True, digits=(16, 2))
    hash = fields.Char(copy=False, readonly=True)
    previous_hash = fields.Char(copy=False, readonly=True)
    seal_sequence = fields.Integer(
        string="Position in the seal",
        copy=False,
        readonly=True,
        help="Position of the line in the sheet's seal.",
    )
    amendment_ids = fields.One2many("az.attendance.amendment", "line_id")
    # Stored so that reports (the grant report's query) read them instead of deriving them
    # again in SQL. Not sealed: they follow the amendments, which have their own chain.
    effective_status = fields.Selection(
        STATUSES,
        compute="_compute_effective",
        compute_sudo=True,
        store=True,
        help="Status after amendments.",
    )
    effective_hours = fields.Float(
        compute="_compute_effective",
        compute_sudo=True,
        store=True,
        digits=(16, 2),
        help="Hours attended after amendments.",
    )

    _sql_constraints = [
        ("partner_unique", "UNIQUE(session_id, partner_id)", "A person appears only once on a sheet."),
    ]

    # ------------------------------------------------------------------ computes
    @api.depends("partner_name", "session_id.name")
    def _compute_display_name(self):
        # people read a name and a session, never "az.attendance.line,430"
        for line in self:
            line.display_name = self.env._(
                "%(name)s, %(session)s", name=line.partner_name or "", session=line.session_id.name or ""
            )

    @api.depends("partner_id")
    def _compute_partner_name(self):
        for line in self:
            if not line.signed_at:
                line.partner_name = line.partner_id.name

    @api.depends(
        "status", "arrived_at", "left_at", "session_id.start", "session_id.stop", "session_id.actual_stop"
    )
    def _compute_hours_attended(self):
        for line in self:
            line.hours_attended = line._hours_for(line.status)

    def _effective_times(self):
        """(start, stop) of the person's hours: from the session's start or their later
        arrival to the session's actual (else planned) end or their earlier departure. Every
        hour the sheet, the invoices, the certificates and the reports credit comes from here."""
        self.ensure_one()
        session = self.session_id
        session_stop = session._effective_stop()
        if not (session.start and session_stop):
            return False, False
        start = max(session.start, self.arrived_at or session.start)
        stop = min(session_stop, self.left_at or session_stop)
        return start, stop

    def _hours_for(self, status):
        if status not in ("present", "late"):
            return 0.0
        start, stop = self._effective_times()
        if not (start and stop):
            return 0.0
        return max((stop - start).total_seconds() / 3600.0, 0.0)

    @api.depends(
        "status",
        "hours_attended",
        "arrived_at",
        "left_at",
        "session_id.start",
        "session_id.stop",
        "session_id.actual_stop",
        "amendment_ids.field_name",
        "amendment_ids.new_value",
    )
    def _compute_effective(self):
        for line in self:
            line.effective_status, line.effective_hours = line._effective_values()

    def _effective_values(self, exclude=None):
        """(status, hours) once the recorded amendments are applied, in their order."""
        self.ensure_one()
        status, hours = self.status, self.hours_attended
        for amendment in self.amendment_ids.sorted("id"):
            if amendment == exclude or not amendment.new_value:
                continue
            if amendment.field_name == "status":
                status = amendment.new_value
                hours = self._hours_for(status)
            elif amendment.field_name == "hours_attended":
                hours = float(amendment.new_value)
        return status, hours

    def _quantity_values(self):
        """What the funding rules of ``tools/quantities.py`` read of each line, amendments
        applied."""
        values = []
        for line in self:
            status, hours = line._effective_values()
            values.append(
                {
                    "line_id": line.id,
                    "session_id": line.session_id.id,
                    "partner_id": line.partner_id.id,
                    "status": status,
                    "hours": hours,
                    "session_hours": line.session_id.hours_held,
                }
            )
        return values

    # ------------------------------------------------------------------ constraints
    @api.constrains("status", "arrived_at", "left_at")
    def _check_times(self):
        for line in self:
            session = line.session_id
            for value in (line.arrived_at, line.left_at):
                if value and session.start and session.stop and not (session.start <= value <= session.stop):
                    raise ValidationError(
                        self.env._(
                            "Arrival and departure times of %(name)s must fall within the session.",
                            name=line.partner_name,
                        )
                    )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        sessions = self.env["az.attendance.session"].browse(
            {vals.get("session_id") for vals in vals_list if vals.get("session_id")}
        )
        if sessions.filtered(lambda s: s.state in ("validated", "cancelled")):
            raise UserError(self.env._("Lines cannot be added to a validated or cancelled sheet."))
        for vals in vals_list:
            self._check_proof_fields(vals)
        lines = super().create(vals_list)
        lines.filtered("justification")._stamp_digests()
        return lines

    def write(self, vals):
        self._check_writable(vals)
        self._check_proof_fields(vals)
        result = super().write(vals)
        if "justification" in vals and not self._is_purge():
            self._stamp_digests()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sealed_or_signed(self):
        for line in self:
            if line.session_id.state == "validated" or line.hash:
                raise UserError(
                    self.env._(
                        "The sheet '%(name)s' is validated and sealed: its lines cannot be deleted.",
                        name=line.session_id.name,
                    )
                )
            if line.signed_at:
                raise UserError(
                    self.env._(
                        "%(name)s has signed: a signed line cannot be deleted; mark the person "
                        "absent instead.",
                        name=line.partner_name,
                    )
                )

    def _check_writable(self, vals):
        if self.filtered("signed_at") and ({"partner_id", "partner_name"} & set(vals)):
            if not self.filtered(lambda ln: ln._is_seal_locked()):
                raise UserError(self.env._("The person of a signed line cannot be changed."))
        self._check_seal_lock(vals)

    def _is_seal_locked(self):
        self.ensure_one()
        return self.session_id.state == "validated" or bool(self.hash)

    def _seal_locked_message(self):
        self.ensure_one()
        return self.env._(
            "The sheet '%(name)s' is validated and sealed: its lines can no longer be changed. "
            "Record a correction as an amendment.",
            name=self.session_id.name,
        )

    def _get_seal_purgeable_fields(self):
        return set(_PURGE_FIELDS)

    def _get_seal_guarded_extra_fields(self):
        """Besides the sealed fields: the proof, the files whose digests are sealed, the chain."""
        return set(_PROOF_FIELDS) | {
            "signature",
            "justification",
            "hash",
            "previous_hash",
            "seal_sequence",
            "session_id",
        }

    def _check_proof_fields(self, vals):
        if is_internal(self.env) or self._is_purge():
            return
        if _PROOF_FIELDS & set(vals):
            raise UserError(
                self.env._(
                    "Signatures are recorded through a signing method only (kiosk, QR code, "
                    "personal link, on behalf, paper, badge)."
                )
            )

    def _stamp_digests(self):  # pylint: disable=missing-return  # super().write passes the write guard; nothing to return
        for line in self:
            super(AzAttendanceLine, line).write(
                {
                    "justification_sha256": line._binary_sha256("justification") or False,
                }
            )

    # ------------------------------------------------------------------ seal
    def _get_seal_fields(self, version=None):
        """Fields of a line that the seal of ``version`` covers: the person as printed and
        what proves their presence. Images count through their SHA-256, so that the purge can
        clear them (the purge is recorded in the company ledger). The order of the lines is
        sealed by the sheet's list of sealed lines and by the chain. Version 1 is the frozen
        list of :meth:`_seal_values_v1`."""
        version = version or sealer.SEAL_VERSION
        if version < 2:
            raise NotImplementedError(f"No seal of version {version}")
        fields_v2 = [
            "session_id",
            "company_id",
            "project_id",
            "session_date",
            "partner_id",
            "partner_name",
            "status",
            "arrived_at",
            "left_at",
            "hours_attended",
            "signature_sha256",
            "signed_at",
            "sign_method",
            "sign_ip",
            "sign_user_agent",
            "sign_user_id",
            "device_time",
            "offline",
            "witness_name",
            "on_behalf_reason",
            "justification_sha256",
        ]
        if version == 2:
            return fields_v2
        # version 3: the flag of a device clock more than a day off, printed on the sheet
        fields_v3 = fields_v2 + ["device_time_skewed"]
        if version == 3:
            return fields_v3
        # version 4: the time step of the rotating QR code the signature was taken with; the IP
        # address and the browser, which the sheet does not print and which are personal,
        # sealed as their SHA-256 digests (the values stay stored), so that the sealed content
        # can travel inside the archived original
        personal = {"sign_ip": "sign_ip_sha256", "sign_user_agent": "sign_user_agent_sha256"}
        return [personal.get(name, name) for name in fields_v3] + ["sign_qr_step"]

    def _seal_values_v1(self):
        """Canonical text of a line sealed under version 1 (kept unchanged so that those
        sheets keep verifying)."""
        self.ensure_one()

        def dt(value):
            return fields.Datetime.to_string(value) if value else None

        return sealer.canonical(
            {
                "line_id": self.id,
                "session_id": self.session_id.id,
                "partner_id": self.partner_id.id,
                "partner_name": self.partner_name or "",
                "status": self.status,
                "arrived_at": dt(self.arrived_at),
                "left_at": dt(self.left_at),
                "hours_attended": f"{self.hours_attended:.2f}",
                "justification_sha256": self.justification_sha256 or "",
                "signature_sha256": self.signature_sha256 or "",
                "signed_at": dt(self.signed_at),
                "sign_method": self.sign_method or None,
                "sign_ip": self.sign_ip or None,
                "sign_user_agent": self.sign_user_agent or None,
                "sign_user_id": self.sign_user_id.id or None,
                "device_time": dt(self.device_time),
                "offline": bool(self.offline),
                "witness_name": self.witness_name or None,
                "on_behalf_reason": self.on_behalf_reason or None,
            }
        )

    # ------------------------------------------------------------------ signing
    def _get_checklist_problem(self):
        """Why this line keeps the sheet from being validated, or False."""
        self.ensure_one()
        if self.status == "excused":
            return False if self.justification else self.env._("excused without justification")
        if self.status == "absent":
            return False
        if self.signed_at:
            return False
        if self.status == "expected":
            return self.env._("neither signed nor marked absent or excused")
        return self.env._("marked present but not signed")

    def _session_label(self):
        """'Session, date start - end' in the session's timezone, for people."""
        self.ensure_one()
        session = self.session_id
        return self.env._(
            "%(session)s, %(start)s - %(stop)s",
            session=session.name,
            start=session._format_local(session.start),
            stop=session._format_local_time(session.stop),
        )

    def _report_pages(self, first=REPORT_ROWS_FIRST_PAGE, other=REPORT_ROWS_OTHER_PAGES):
        """The lines in pages of the PDF sheet: the renderer repeats no table head and cannot
        number pages, so the sheet cuts its table itself and heads each page."""
        pages = [self[:first]]
        pages += [self[start : start + other] for start in range(first, len(self), other)]
        return [page for page in pages if page] or [self]
