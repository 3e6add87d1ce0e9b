import base64
import io
import math
import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from PIL import Image, ImageDraw

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..tools import completion

NATURES = [
    ("training", "Training action"),
    ("skills_review", "Skills assessment (bilan de compétences)"),
    ("vae", "Validation of acquired experience (VAE)"),
    ("apprenticeship", "Apprenticeship"),
]


# The workshops of the funder's file: weeks before the day the demo is made, title, trainer
# (xml id), and the minutes after the start at which each participant signed on the kiosk.
WORKSHOPS = [
    (3, "Atelier : naviguer sur internet", "az_attendance.res_users_trainer_nadia_demo", (4, 7, 11)),
    (2, "Atelier : démarches en ligne", "az_attendance.res_users_trainer_julien_demo", (2, 9, 13)),
    (1, "Atelier : sécuriser ses comptes", "az_attendance.res_users_trainer_nadia_demo", (5, 6, 12)),
]


def _drawn(seed):
    """A hand-written looking signature, different for each seed (the demo's signatures): a
    hurried run of loops along a slightly rising line and an underline, drawn three times
    larger then reduced, so that its edges are smooth as a pen's."""
    scale = 3
    shape = random.Random(seed)
    loops = 4 + seed % 4
    heights = [shape.uniform(14, 30) for _loop in range(loops + 1)]
    turn = shape.uniform(10, 15)
    steps = 600
    points = []
    for step in range(steps + 1):
        t = step / steps
        x = 25 + t * 230 + turn * math.cos(2 * math.pi * loops * t + seed)
        y = 58 - heights[int(t * loops)] * math.sin(2 * math.pi * loops * t) - 12 * t
        points.append((x * scale, y * scale))
    image = Image.new("RGBA", (300 * scale, 100 * scale), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    ink = (10, 20, 120, 255)
    draw.line(points, fill=ink, width=3 * scale, joint="curve")
    flourish = shape.uniform(-6, 6)
    draw.line([(35 * scale, 86 * scale), (265 * scale, (80 + flourish) * scale)], fill=ink, width=2 * scale)
    stream = io.BytesIO()
    image.resize((300, 100), Image.LANCZOS).save(stream, format="PNG")
    return stream.getvalue()


class AzAttendanceEnrolment(models.Model):
    """A person enrolled in a project's action: the hours they are expected to attend (set
    here, or read from the sheets they are on), the hours done on validated sheets, the
    excused hours, and the completion rate the CPF way."""

    _name = "az.attendance.enrolment"
    _description = "Enrolment in an action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "project_id, partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Participant", required=True, index=True, ondelete="restrict", tracking=True
    )
    project_id = fields.Many2one(
        "project.project",
        string="Action",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    employer_id = fields.Many2one(
        "res.partner",
        tracking=True,
        help="The participant's employer, when there is one (printed on the certificate).",
    )
    nature = fields.Selection(
        NATURES, string="Nature of the action", required=True, default="training", tracking=True
    )
    date_start = fields.Date(
        string="From", tracking=True, help="Sessions before this day are not counted (empty: all)."
    )
    date_end = fields.Date(
        string="To", tracking=True, help="Sessions after this day are not counted (empty: all)."
    )
    planned_hours_set = fields.Float(
        string="Planned hours (set)",
        digits=(16, 2),
        tracking=True,
        help="Hours the person is expected to attend. Leave at zero to count the hours of "
        "every sheet of the action the person is on.",
    )
    planned_hours = fields.Float(
        compute="_compute_hours", digits=(16, 2), help="Hours the person is expected to attend."
    )
    done_hours = fields.Float(
        string="Hours done",
        compute="_compute_hours",
        digits=(16, 2),
        help="Hours attended on validated sheets, amendments applied.",
    )
    excused_hours = fields.Float(
        compute="_compute_hours", digits=(16, 2), help="Hours of the sessions missed with an accepted excuse."
    )
    completion_rate = fields.Integer(
        string="Completion (%)",
        compute="_compute_hours",
        help="Integer part of hours done / hours planned x 100 (the CPF rule).",
    )
    completion_known = fields.Boolean(compute="_compute_hours")
    partial_reason = fields.Selection(
        [(code, label) for code, label in completion.PARTIAL_REASONS],
        string="Reason when partial",
        tracking=True,
        help="Why the action was not completed in full (asked by the CPF).",
    )
    referent_id = fields.Many2one(
        "res.users",
        tracking=True,
        help="The staff member who follows the person (drop-out alerts go to them).",
    )
    active = fields.Boolean(default=True)
    dropout_alert = fields.Char(
        string="Drop-out alert",
        readonly=True,
        tracking=True,
        help="Why the person may be dropping out, from the project's alert settings; cleared "
        "when they attend again.",
    )
    dropout_alert_date = fields.Date(readonly=True)

    _sql_constraints = [
        ("partner_project_unique", "UNIQUE(partner_id, project_id)", "A person is enrolled once per action."),
        ("planned_positive", "CHECK(planned_hours_set >= 0)", "Planned hours cannot be negative."),
        (
            "period_order",
            "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
            "An enrolment cannot end before it starts.",
        ),
    ]

    @api.depends("partner_id", "project_id")
    def _compute_display_name(self):
        for enrolment in self:
            enrolment.display_name = self.env._(
                "%(name)s, %(action)s",
                name=enrolment.partner_id.name or "",
                action=enrolment.project_id.name or "",
            )

    @api.depends("planned_hours_set", "date_start", "date_end", "partner_id", "project_id")
    def _compute_hours(self):
        for enrolment in self:
            totals = enrolment._hours(enrolment.date_start, enrolment.date_end)
            enrolment.planned_hours = totals["planned"]
            enrolment.done_hours = totals["done"]
            enrolment.excused_hours = totals["excused"]
            rate = completion.completion_rate(totals["done"], totals["planned"])
            enrolment.completion_known = rate is not None
            enrolment.completion_rate = rate or 0

    @api.constrains("partial_reason")
    def _check_partial_reason(self):
        for enrolment in self:
            if enrolment.partial_reason and enrolment.completion_known and enrolment.completion_rate >= 100:
                raise ValidationError(
                    self.env._(
                        "%(name)s completed the action in full: a reason is only for a partial completion.",
                        name=enrolment.partner_id.name,
                    )
                )

    def _period(self, date_from=None, date_to=None):
        """The enrolment's period narrowed to ``date_from``..``date_to``."""
        self.ensure_one()
        starts = [d for d in (self.date_start, date_from) if d]
        ends = [d for d in (self.date_end, date_to) if d]
        return (max(starts) if starts else None), (min(ends) if ends else None)

    def _hours(self, date_from=None, date_to=None):
        """{'planned', 'done', 'excused'} hours of the person over the period."""
        self.ensure_one()
        # the hours set by hand are for the whole enrolment, not for a part of it
        whole = (not date_from or (self.date_start and date_from <= self.date_start)) and (
            not date_to or (self.date_end and date_to >= self.date_end)
        )
        date_from, date_to = self._period(date_from, date_to)
        return self._hours_of(
            self.project_id,
            self.partner_id,
            date_from,
            date_to,
            planned_set=self.planned_hours_set,
            whole=bool(whole),
        )

    @api.model
    def _hours_of(self, project, partners, date_from=None, date_to=None, planned_set=0.0, whole=True):
        """Hours per person of ``partners`` on the sheets of ``project`` over the period:
        planned (every sheet not cancelled the person is on, or ``planned_set`` for the whole
        enrolment), done (present or late on validated, unbroken sheets, amendments applied)
        and excused (sessions missed with an accepted excuse, at the session's length).
        Returns a dict for one partner, {partner id: dict} for several."""
        lines = self._lines_of(project, partners, date_from, date_to)
        result = defaultdict(lambda: {"planned": 0.0, "done": 0.0, "excused": 0.0})
        for line in lines:
            totals = result[line.partner_id.id]
            session = line.session_id
            totals["planned"] += session.hours_held
            if not session._filtered_counted():
                continue
            status, hours = line._effective_values()
            if status in ("present", "late"):
                totals["done"] += hours
            elif status == "excused":
                totals["excused"] += session.hours_held
        for totals in result.values():
            for key in totals:
                totals[key] = round(totals[key], 2)
        if len(partners) == 1:
            totals = dict(result[partners.id])
            if planned_set and whole:
                totals["planned"] = round(planned_set, 2)
            return totals
        return dict(result)

    @api.model
    def _lines_of(self, project, partners, date_from=None, date_to=None):
        domain = [
            ("project_id", "=", project.id),
            ("partner_id", "in", partners.ids),
            ("session_id.state", "!=", "cancelled"),
        ]
        if date_from:
            domain.append(("session_date", ">=", date_from))
        if date_to:
            domain.append(("session_date", "<=", date_to))
        return self.env["az.attendance.line"].sudo().search(domain)

    # ------------------------------------------------------------------ drop-out alerts
    def _dropout_reason(self, today=None):
        """Why the person may be dropping out by their project's settings, or False: their
        last N sheets all marked absent, or attendance under X % of the planned hours of the
        sheets held over the last weeks. Excused absences are not held against them."""
        self.ensure_one()
        project = self.project_id
        now = fields.Datetime.now()
        today = today or fields.Date.context_today(self)
        lines = (
            self._lines_of(project, self.partner_id)
            .filtered(
                lambda ln: (
                    ln.session_id.stop
                    and ln.session_id.stop <= now
                    and ln.session_id.state in ("open", "validated")
                )
            )
            .sorted(lambda ln: (ln.session_id.start, ln.id), reverse=True)
        )
        count = project.az_dropout_absences
        if count and len(lines) >= count:
            last = lines[:count]
            if all(ln._effective_values()[0] == "absent" for ln in last):
                return self.env._(
                    "%(count)s absences in a row (last on %(date)s)",
                    count=count,
                    date=format_date(self.env, last[0].session_date),
                )
        rate_min, weeks = project.az_dropout_rate, project.az_dropout_weeks
        if rate_min and weeks:
            since = today - timedelta(weeks=weeks)
            recent = lines.filtered(lambda ln: ln.session_date >= since)
            planned = sum(ln.session_id.hours_held for ln in recent if ln._effective_values()[0] != "excused")
            done = sum(
                hours
                for status, hours in (ln._effective_values() for ln in recent)
                if status in ("present", "late")
            )
            rate = completion.completion_rate(done, planned)
            if rate is not None and rate < rate_min:
                return self.env._(
                    "Attendance of %(rate)s %% over the last %(weeks)s weeks (alert under %(min)s %%)",
                    rate=rate,
                    weeks=weeks,
                    min=rate_min,
                )
        return False

    def _check_dropout(self):
        """Set or clear each enrolment's alert; a new alert schedules an activity for the
        person's referent (the project's manager when there is none)."""
        summary = self.env._("Risk of drop-out")
        # the open activity of an earlier alert, whatever the language it was written in
        summaries = {summary} | {
            self.with_context(lang=code).env._("Risk of drop-out")
            for code, _name in self.env["res.lang"].get_installed()
        }
        for enrolment in self:
            reason = enrolment._dropout_reason()
            if reason == (enrolment.dropout_alert or False):
                continue
            enrolment.write(
                {"dropout_alert": reason, "dropout_alert_date": reason and fields.Date.context_today(self)}
            )
            if not reason:
                continue
            if enrolment.activity_ids.filtered(lambda a: a.summary in summaries):
                continue
            user = (
                enrolment.referent_id
                or enrolment.project_id.user_id
                or self.env.ref("base.user_admin", False)
            )
            enrolment.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id if user else self.env.uid,
                summary=summary,
                note=self.env._(
                    "%(name)s: %(reason)s. Get in touch to prevent a drop-out.",
                    name=enrolment.partner_id.name,
                    reason=reason,
                ),
            )

    @api.model
    def _cron_dropout_alerts(self):
        """Daily: check the enrolments of every project whose drop-out alerts are set."""
        projects = (
            self.env["project.project"]
            .sudo()
            .search(["|", ("az_dropout_absences", ">", 0), ("az_dropout_rate", ">", 0)])
        )
        enrolments = self.sudo().search([("project_id", "in", projects.ids)])
        # the alerts and the activities speak the language of the project's company (the
        # main company's for a project shared by all)
        main = self.env.company
        for company, own in enrolments.grouped(lambda e: e.project_id.company_id or main).items():
            own.with_context(lang=company._az_lang())._check_dropout()

    # ------------------------------------------------------------------ demo
    @api.model
    def _demo_funder_file(self):
        """Demo data of the funder's file: three workshops of the digital project in the last
        weeks, each planned a week ahead, signed on the kiosk during the session, signed and
        validated by the trainer who ran it at its end (the story is played at its own times,
        so that every date of the sheets, the ledger and the chatter is the day it happened),
        told in the company's language; enrolments (certificates ready to issue), one proof
        of absence waiting for a decision and one drop-out alert (Lucas missed all three)."""
        # freezegun comes with Odoo's requirements; imported here, where the demo needs it
        from freezegun import freeze_time

        ref = self.env.ref
        project = ref("az_project_base.project_project_digital_demo")
        if self.search_count([("project_id", "=", project.id)]):
            return True  # a database made before the funder's file was an addon has it already
        company = project.company_id or self.env.company
        lang = company._az_lang()
        self = self.with_context(lang=lang)
        amina = ref("az_project_base.res_partner_beneficiary_amina_demo")
        lucas = ref("az_project_base.res_partner_beneficiary_lucas_demo")
        sofia = ref("az_project_base.res_partner_beneficiary_sofia_demo")
        admin = ref("base.user_admin")
        company.write(
            {
                "az_legal_representative": company.az_legal_representative or "Claire Martin, présidente",
                "az_certificate_signature": company.az_certificate_signature or base64.b64encode(_drawn(11)),
            }
        )
        Session = self.env["az.attendance.session"]
        today = fields.Date.context_today(self)
        sheets = Session.browse()
        for weeks, title, trainer_xmlid, minutes in WORKSHOPS:
            trainer = ref(trainer_xmlid)
            # 09:00 in Bordeaux in winter, 10:00 in summer: the session is stored in UTC
            start = datetime.combine(today - timedelta(weeks=weeks, days=-1), time(8, 0))
            stop = start + timedelta(hours=3)
            with freeze_time(start - timedelta(days=7, hours=-1)):
                session = Session.create(
                    {
                        "name": title,
                        "project_id": project.id,
                        "site_id": ref("az_project_base.az_site_bordeaux_demo").id,
                        "trainer_ids": [(6, 0, trainer.ids)],
                        "start": start,
                        "stop": stop,
                    }
                )
                session._add_participants(amina | lucas | sofia)
            with freeze_time(start - timedelta(minutes=10)):
                session.with_user(trainer).action_open()
            for index, line in enumerate(session.line_ids.sorted("id"), start=1):
                if line.partner_id == lucas:
                    line.status = "absent"
                    continue
                with freeze_time(start + timedelta(minutes=minutes[index - 1])):
                    line.with_user(trainer)._record_signature(
                        "data:image/png;base64," + base64.b64encode(_drawn(index)).decode(),
                        "kiosk",
                        ip="10.0.0.%s" % index,
                        user_agent="Tablette de l'accueil",
                    )
            with freeze_time(stop - timedelta(minutes=5)):
                session.with_user(trainer).trainer_signature = base64.b64encode(_drawn(9))
            with freeze_time(stop + timedelta(minutes=10)):
                session.with_user(trainer).action_validate()
            sheets |= session
        employer = self.env["res.partner"].create(
            {"name": "Épicerie solidaire de la Bastide", "is_company": True, "lang": lang or False}
        )
        self.create(
            [
                {
                    "partner_id": amina.id,
                    "project_id": project.id,
                    "referent_id": admin.id,
                    "employer_id": employer.id,
                    "planned_hours_set": 12.0,
                },
                {"partner_id": lucas.id, "project_id": project.id, "referent_id": admin.id},
                {"partner_id": sofia.id, "project_id": project.id, "referent_id": admin.id},
            ]
        )
        # Lucas sent a medical note for the last workshop: it waits for a decision
        last_lucas = sheets[-1].line_ids.filtered(lambda ln: ln.partner_id == lucas)
        self.env["az.attendance.justification"].create(
            {
                "line_id": last_lucas.id,
                "filename": "certificat-medical.pdf",
                "note": "J'étais malade ce jour-là.",
                "file": base64.b64encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
            }
        )
        self.search([("project_id", "=", project.id)])._check_dropout()
        return True
