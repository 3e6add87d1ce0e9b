from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_datetime

from odoo.addons.az_project_base.tools.timezones import place_of

MIN_RETENTION_YEARS = 6
EU_RETENTION_YEARS = 10


class ResCompany(models.Model):
    _inherit = "res.company"

    az_signature_retention_years = fields.Integer(
        string="Signature retention (years)",
        default=MIN_RETENTION_YEARS,
        help="Signature images of validated attendance sheets are purged this many years after "
        "the session. Never less than 6 years (funders' proof period); sheets of projects "
        "co-funded by European funds are always kept at least 10 years.",
    )

    az_training_declaration = fields.Char(
        string="Training declaration number",
        help="Number of the declaration of activity as a training body (in France: numéro de "
        "déclaration d'activité), printed on attendance sheets.",
    )

    az_tsa_url = fields.Char(
        string="Time-stamping authority (RFC 3161)",
        help="Address of a trusted time-stamping authority. When set, each seal and each "
        "amendment of an attendance sheet gets a timestamp token from it, kept in the ledger "
        "and checked by every verification. Leave empty to seal without it.",
    )
    az_tsa_certificate = fields.Binary(
        string="Authority's certificate",
        attachment=False,
        help="Certificate (DER) the tokens must be signed with. Recorded from the first token "
        "when empty; a token signed by another certificate does not verify.",
    )

    az_reminder_unsigned_minutes = fields.Integer(
        string="Unsigned reminder after (minutes)",
        default=30,
        help="Minutes into a session after which its trainers are told who has not signed yet, "
        "and remote participants receive their signing link again.",
    )

    @api.constrains("az_reminder_unsigned_minutes")
    def _check_az_reminder_unsigned_minutes(self):
        for company in self:
            if not 5 <= company.az_reminder_unsigned_minutes <= 240:
                raise ValidationError(
                    self.env._("The unsigned reminder is sent between 5 and 240 minutes into a session.")
                )

    @api.constrains("az_tsa_url")
    def _check_az_tsa_url(self):
        for company in self:
            url = company.az_tsa_url or ""
            if url and (
                not url.startswith(("https://", "http://")) or len(url) > 512 or any(c.isspace() for c in url)
            ):
                raise ValidationError(
                    self.env._("The time-stamping authority must be an http or https address.")
                )

    @api.constrains("az_signature_retention_years")
    def _check_az_signature_retention_years(self):
        for company in self:
            if company.az_signature_retention_years < MIN_RETENTION_YEARS:
                raise ValidationError(
                    self.env._(
                        "Signatures must be kept at least %(years)s years: funders may ask for "
                        "proof during that time.",
                        years=MIN_RETENTION_YEARS,
                    )
                )

    def action_az_attendance_integrity_check(self):
        """Check the company's sealed attendance sheets and show the verdict (managers); the
        printable report is a download from there."""
        self.ensure_one()
        if not self.env.user.has_group("az_project_base.group_manager"):
            raise AccessError(self.env._("Only managers can run the integrity check."))
        check = self.env["az.attendance.integrity.check"]._run(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Integrity check of the attendance sheets"),
            "res_model": "az.attendance.integrity.check",
            "res_id": check.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _az_tz(self):
        """The company's time zone: its address's, else that of its first site (where its
        sheets are signed; not the first by name, an antenna overseas), else the reader's,
        else its working hours'."""
        self.ensure_one()
        if self.partner_id.tz:
            return self.partner_id.tz
        sites = (
            self.env["az.site"].sudo().search([("company_id", "in", [self.id, False])], order="id", limit=1)
        )
        return sites.tz or self.env.user.tz or self.resource_calendar_id.tz or "UTC"

    def _az_tz_label(self):
        """The company's time zone as people say it ("heure de Paris")."""
        self.ensure_one()
        return self.env._("%(place)s time", place=place_of(self._az_tz()))

    def _az_attendance_integrity(self):
        """Values of the integrity report (read as superuser once the manager is checked)."""
        self.ensure_one()
        if not self.env.user.has_group("az_project_base.group_manager"):
            raise AccessError(self.env._("Only managers can run the integrity check."))
        check = self.env["az.attendance.ledger"].sudo()._check_integrity(self)
        check["checked_at_label"] = self.env._(
            "%(date)s, %(tz)s",
            date=format_datetime(self.env, check["checked_at"], tz=self._az_tz(), dt_format=False),
            tz=self._az_tz_label(),
        )
        return check
