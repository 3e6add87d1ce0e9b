import base64
import hashlib
import json
import logging

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, format_datetime, formatLang

from odoo.addons.az_attendance.tools import seal as sealer
from odoo.addons.az_project_base.tools.timezones import place_of

from ..tools import completion
from .az_attendance_enrolment import NATURES

_logger = logging.getLogger(__name__)

# First key of the advisory lock taken while a person's certificates are issued.
CERTIFICATE_LOCK = 74_210_611


class AzAttendanceCertificate(models.Model):
    """A certificate of completion (certificat de réalisation) of one person for one action
    over a period, following the Ministry of Labour's model, built from validated and intact
    sheets only. Each certificate keeps its PDF as issued and the seals of the sheets it rests
    on; issuing it again after an amendment makes a new version and keeps the former one."""

    _name = "az.attendance.certificate"
    _description = "Certificate of completion"
    _inherit = ["mail.thread"]
    _order = "date_issued desc, id desc"
    _check_company_auto = True
    _rec_name = "number"

    number = fields.Char(required=True, readonly=True, copy=False, index=True)
    version = fields.Integer(default=1, readonly=True)
    state = fields.Selection(
        [("current", "Current"), ("superseded", "Superseded")],
        default="current",
        required=True,
        readonly=True,
        tracking=True,
    )
    previous_id = fields.Many2one("az.attendance.certificate", string="Former version", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Participant", required=True, readonly=True, index=True, ondelete="restrict"
    )
    partner_name = fields.Char(readonly=True)
    employer_name = fields.Char(string="Employer", readonly=True)
    project_id = fields.Many2one(
        "project.project", string="Action", required=True, readonly=True, index=True, ondelete="restrict"
    )
    funding_id = fields.Many2one("az.funding", readonly=True, index=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    action_title = fields.Char(readonly=True)
    nature = fields.Selection(NATURES, string="Nature of the action", readonly=True)
    period_start = fields.Date(readonly=True, help="Start of the period asked for.")
    period_end = fields.Date(readonly=True, help="End of the period asked for.")
    first_date = fields.Date(string="First day", readonly=True)
    last_date = fields.Date(string="Last day", readonly=True)
    planned_hours = fields.Float(readonly=True, digits=(16, 2))
    done_hours = fields.Float(string="Hours followed", readonly=True, digits=(16, 2))
    completion_rate = fields.Integer(string="Completion (%)", readonly=True)
    completion_known = fields.Boolean(readonly=True)
    partial_reason = fields.Selection(
        [(code, label) for code, label in completion.PARTIAL_REASONS],
        string="Reason when partial",
        readonly=True,
    )
    representative_name = fields.Char(string="Legal representative", readonly=True)
    place = fields.Char(readonly=True)
    date_issued = fields.Date(string="Issued on", readonly=True)
    session_ids = fields.Many2many("az.attendance.session", string="Sheets", readonly=True)
    sheet_seals = fields.Text(
        readonly=True,
        help="The sheets the certificate rests on, with the seal of each (and "
        "the head of its amendments) and the address that verifies it.",
    )
    fingerprint = fields.Char(readonly=True, help="SHA-256 of what the certificate states.")
    pdf = fields.Binary(string="PDF", attachment=True, readonly=True, copy=False)
    pdf_filename = fields.Char(readonly=True)
    pdf_sha256 = fields.Char(string="SHA-256 of the PDF", readonly=True)

    _sql_constraints = [
        (
            "number_version_unique",
            "UNIQUE(number, version)",
            "A certificate number has one certificate per version.",
        ),
    ]

    def init(self):
        # one current certificate per person, action, funding and period, whatever the worker
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS az_attendance_certificate_one_current
                ON az_attendance_certificate (partner_id, project_id, COALESCE(funding_id, 0),
                                              period_start, period_end)
             WHERE state = 'current'
        """)

    def write(self, vals):
        if not self.env.context.get("az_certificate_issuing"):
            raise UserError(
                self.env._("A certificate cannot be changed: issue it again to make a new version.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_certificate(self):
        raise UserError(self.env._("A certificate is kept: it cannot be deleted."))

    # ------------------------------------------------------------------ issuing
    @api.model
    def _issue(self, project, date_from, date_to, funding=None, partners=None):
        """Issue (or issue again) the certificates of every person with hours followed on the
        validated, intact sheets of ``project`` between ``date_from`` and ``date_to`` (inside
        the period of ``funding`` when given). A certificate whose content has not changed is
        kept as it is. Returns the certificates made."""
        if funding:
            date_from = max(date_from, funding.date_start) if date_from else funding.date_start
            date_to = min(date_to, funding.date_end) if date_to else funding.date_end
            project = funding.project_id
        if date_from > date_to:
            raise UserError(self.env._("The period ends before it starts."))
        Line = self.env["az.attendance.line"].sudo()
        domain = [
            ("project_id", "=", project.id),
            *self.env["az.attendance.session"]._counted_domain("session_id"),
            ("session_date", ">=", date_from),
            ("session_date", "<=", date_to),
        ]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        lines = Line.search(domain)
        made = self.browse()
        for partner, own in lines.grouped("partner_id").items():
            values = self._certificate_values(project, partner, own, date_from, date_to, funding)
            if values:
                made |= self._issue_one(values)
        made._render_pdf()
        return made

    @api.model
    def _certificate_values(self, project, partner, lines, date_from, date_to, funding):
        attended = lines.filtered(lambda ln: ln._effective_values()[0] in ("present", "late"))
        if not attended:
            return None
        enrolment = (
            self.env["az.attendance.enrolment"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("project_id", "=", project.id)], limit=1)
        )
        if enrolment:
            hours = enrolment._hours(date_from, date_to)
        else:
            hours = self.env["az.attendance.enrolment"]._hours_of(project, partner, date_from, date_to)
        rate = completion.completion_rate(hours["done"], hours["planned"])
        company = project.company_id or self.env.company
        sessions = lines.session_id.sorted(lambda s: (s.start, s.id))
        # each sheet by its seal, and by the last amendment of the person's own line (chained
        # to that seal): an amendment of someone else's line changes nobody else's certificate
        last_amendment = {line.session_id.id: line.amendment_ids.sorted("id")[-1:].hash for line in lines}
        sheets = [
            {
                "id": s.id,
                "name": s.name,
                "date": str(s.date),
                "seal": s.seal,
                "amendments": last_amendment.get(s.id) or None,
                "verify": s.verify_url,
            }
            for s in sessions
        ]
        values = {
            "partner_id": partner.id,
            "partner_name": partner.name,
            "employer_name": enrolment.employer_id.name
            or (partner.parent_id.name if partner.parent_id.is_company else False)
            or False,
            "project_id": project.id,
            "funding_id": funding.id if funding else False,
            "company_id": company.id,
            "action_title": project.name,
            "nature": enrolment.nature or "training",
            "period_start": str(date_from),
            "period_end": str(date_to),
            "first_date": str(min(attended.mapped("session_date"))),
            "last_date": str(max(attended.mapped("session_date"))),
            "planned_hours": hours["planned"],
            "done_hours": hours["done"],
            "completion_rate": rate or 0,
            "completion_known": rate is not None,
            "partial_reason": (enrolment.partial_reason or False) if completion.is_partial(rate) else False,
            "representative_name": company.az_legal_representative or False,
            "place": company.city or False,
            "sheet_seals": json.dumps(sheets, ensure_ascii=False, indent=1),
        }
        values["fingerprint"] = hashlib.sha256(
            sealer.canonical(
                {k: v for k, v in values.items() if k != "sheet_seals"}
                | {"sheets": json.dumps(sheets, sort_keys=True)}
            ).encode()
        ).hexdigest()
        values["session_ids"] = [(6, 0, sessions.ids)]
        return values

    @api.model
    def _issue_one(self, values):
        # one issuing at a time per person, whatever the worker
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CERTIFICATE_LOCK, values["partner_id"]])
        current = self.sudo().search(
            [
                ("partner_id", "=", values["partner_id"]),
                ("project_id", "=", values["project_id"]),
                ("funding_id", "=", values["funding_id"]),
                ("state", "=", "current"),
                ("period_start", "=", values["period_start"]),
                ("period_end", "=", values["period_end"]),
            ],
            limit=1,
        )
        if current and current.fingerprint == values["fingerprint"]:
            return self.browse()
        issuing = self.sudo().with_context(az_certificate_issuing=True)
        if current:
            current.with_context(az_certificate_issuing=True).write({"state": "superseded"})
            current.flush_recordset(["state"])
            values.update(
                {"number": current.number, "version": current.version + 1, "previous_id": current.id}
            )
        else:
            values["number"] = self.env["ir.sequence"].sudo().next_by_code("az.attendance.certificate") or "/"
        values["date_issued"] = fields.Date.context_today(self)
        try:
            with self.env.cr.savepoint():
                certificate = issuing.create(values)
        except psycopg2.errors.UniqueViolation as error:
            if error.diag.constraint_name != "az_attendance_certificate_one_current":
                raise
            # Another worker issued this person's certificate for the period after this
            # transaction's snapshot was taken (Odoo runs REPEATABLE READ: the lock above
            # queues, it cannot show what was committed meanwhile). Run the request again,
            # as Odoo does for every serialization failure: it then sees that certificate
            # and keeps it or makes its next version.
            self.env.cr.execute(
                "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', "
                "MESSAGE = 'certificate issued meanwhile by another transaction'; END $$"
            )
        if current:
            certificate.sudo().message_post(
                body=self.env._(
                    "New version %(version)s: the sheets or their amendments changed since "
                    "version %(old)s, which is kept.",
                    version=certificate.version,
                    old=current.version,
                )
            )
        return certificate.with_env(self.env)

    def _render_pdf(self):
        """Keep each certificate's PDF: its original (the stored one, or rendered now with
        the others missing, many documents per run of wkhtmltopdf)."""
        originals = self.sudo()._az_original_pdfs()
        for certificate in self:
            content = originals[certificate.id]["pdf"]
            name = f"{certificate.number}-v{certificate.version}.pdf".replace("/", "-")
            certificate.sudo().with_context(az_certificate_issuing=True).write(
                {
                    "pdf": base64.b64encode(content),
                    "pdf_filename": name,
                    "pdf_sha256": originals[certificate.id]["sha256"],
                }
            )

    def _sheets(self):
        """The sheets listed on the certificate, as issued."""
        self.ensure_one()
        try:
            return json.loads(self.sheet_seals or "[]")
        except ValueError:
            return []

    # ------------------------------------------------------------------ wording
    def _hours_text(self, hours):
        """A number of hours as the language writes it: "15", "2,50" in French."""
        hours = round(hours or 0.0, 2)
        return formatLang(self.env, hours, digits=0 if hours == int(hours) else 2)

    def _sheet_lines(self):
        """The sheets the certificate rests on, as the PDF states them: the day in the
        language, the seal in words (intact, sealed on ... by ...) and, as a detail, its
        digest, the last amendment of the person's line and the address that verifies it."""
        self.ensure_one()
        sessions = {session.id: session for session in self.sudo().session_ids}
        # the words of a sheet are the same on every certificate that rests on it: kept for
        # the transaction, so that the certificates of a group are worded once per sheet
        words = self.env.cr.cache.setdefault("az_certificate_sheet_words", {})
        lines = []
        for sheet in self._sheets():
            session = sessions.get(sheet.get("id"))
            key = (self.env.lang, sheet.get("date"))
            if session:
                key += (session.id, session.validated_at, session.seal_tz, session.tz)
                key += (session.validated_by_id.name, session.trainer_names)
            if key not in words:
                words[key] = self._sheet_words(session, sheet.get("date"))
            lines.append(
                {
                    "name": sheet.get("name"),
                    **words[key],
                    "seal": sheet.get("seal") or "",
                    "amendments": sheet.get("amendments") or "",
                    "verify": sheet.get("verify") or "",
                }
            )
        return lines

    def _sheet_words(self, session, date):
        """{"date": the day in the language, "sealed": the seal in words} of a sheet."""
        day = fields.Date.to_date(date) if date else False
        sealed = self.env._("Intact when the certificate was issued.")
        if session and session.validated_at:
            tz = session.seal_tz or session.tz or "UTC"
            sealed = self.env._(
                "Intact, sealed on %(moment)s (%(zone)s) by %(person)s.",
                moment=format_datetime(self.env, session.validated_at, tz=tz, dt_format="short"),
                zone=self.env._("%(place)s time", place=place_of(tz)),
                person=session.validated_by_id.name or session.trainer_names or "-",
            )
        return {"date": format_date(self.env, day) if day else "", "sealed": sealed}

    # ------------------------------------------------------------------ sending
    def action_send(self):
        template = self.env.ref("az_attendance_funder.mail_template_certificate")
        for certificate in self:
            certificate.check_access("read")
            if not certificate.partner_id.email:
                raise UserError(self.env._("%(name)s has no e-mail address.", name=certificate.partner_name))
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": certificate.pdf_filename,
                        "datas": certificate.sudo().pdf,
                        "res_model": self._name,
                        "res_id": certificate.id,
                        "mimetype": "application/pdf",
                    }
                )
            )
            template.send_mail(certificate.id, email_values={"attachment_ids": [(4, attachment.id)]})
            certificate.sudo().message_post(
                body=self.env._("Certificate sent to %(email)s.", email=certificate.partner_id.email)
            )
        return True
