from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Proof retention: 6 years for every funding, 10 for European funds (ESF+).
DEFAULT_RETENTION_YEARS = 6
EU_RETENTION_YEARS = 10

UNITS = [
    ("hour", "Hour"),
    ("session", "Session"),
    ("participant", "Participant"),
    ("flat", "Flat amount"),
]


class AzFunding(models.Model):
    """A grant or agreement by which a funder finances (part of) a project."""

    _name = "az.funding"
    _description = "Funding"
    _inherit = ["mail.thread", "mail.activity.mixin", "az.row.lock.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    reference = fields.Char(
        help="The funder's reference for this agreement (convention number, file number).",
        tracking=True,
    )
    funder_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        domain="[('az_is_funder', '=', True)]",
        check_company=True,
    )
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
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(string="Start date", required=True, tracking=True)
    date_end = fields.Date(string="End date", required=True, tracking=True)
    unit = fields.Selection(
        UNITS,
        required=True,
        default="hour",
        tracking=True,
        help="What the funder pays for: each hour attended, each session held, each "
        "participant followed, or a flat amount for the whole period.",
    )
    rate = fields.Monetary(
        string="Unit rate",
        tracking=True,
        help="Amount per unit; for a flat funding, the whole amount.",
    )
    target_quantity = fields.Float(
        string="Target",
        tracking=True,
        digits=(16, 2),
        help="How many units the agreement plans over the period (hours, sessions, participants).",
    )
    amount_planned = fields.Monetary(compute="_compute_amount_planned", store=True)
    count_excused = fields.Boolean(
        string="Excused absences count",
        help="When set, excused absences count as attended for this funding's quantities.",
    )
    is_eu_funded = fields.Boolean(
        string="Co-funded by European funds",
        help="European funds (e.g. ESF+) require proof to be kept 10 years instead of 6.",
    )
    retention_years = fields.Integer(
        string="Proof retention (years)",
        compute="_compute_retention_years",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="How long the proofs of this funding (signed sheets, justifications) are kept: "
        "6 years by default, 10 when co-funded by European funds, or a longer period the "
        "agreement asks for. A sheet is kept as long as its longest-keeping funding asks.",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic account",
        compute="_compute_analytic_account_id",
        store=True,
        readonly=False,
        check_company=True,
        help="Invoices and costs of this funding are booked on this analytic account.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    quantity_used = fields.Float(
        compute="_compute_quantity_used",
        digits=(16, 2),
        help="Units consumed so far by validated attendance.",
    )
    quantity_progress = fields.Float(string="Progress (%)", compute="_compute_quantity_used", digits=(16, 1))
    note = fields.Html()

    _sql_constraints = [
        ("period_order", "CHECK(date_end >= date_start)", "A funding cannot end before it starts."),
        ("rate_positive", "CHECK(rate >= 0)", "A funding's rate cannot be negative."),
        (
            "retention_minimum",
            "CHECK(retention_years >= 6)",
            "Proofs of a funding are kept at least 6 years.",
        ),
        ("target_positive", "CHECK(target_quantity >= 0)", "A funding's target cannot be negative."),
    ]

    @api.depends("project_id")
    def _compute_company_id(self):
        for funding in self:
            funding.company_id = funding.project_id.company_id or funding.company_id or self.env.company

    @api.depends("is_eu_funded")
    def _compute_retention_years(self):
        for funding in self:
            floor = EU_RETENTION_YEARS if funding.is_eu_funded else DEFAULT_RETENTION_YEARS
            funding.retention_years = (
                max(funding.retention_years or 0, floor)
                if funding.is_eu_funded
                else (funding.retention_years or floor)
            )

    @api.constrains("retention_years", "is_eu_funded")
    def _check_retention_years(self):
        for funding in self:
            if funding.is_eu_funded and funding.retention_years < EU_RETENTION_YEARS:
                raise ValidationError(
                    self.env._(
                        "Proofs of '%(name)s', co-funded by European funds, are kept at least "
                        "%(years)s years.",
                        name=funding.name,
                        years=EU_RETENTION_YEARS,
                    )
                )

    @api.depends("project_id")
    def _compute_analytic_account_id(self):
        for funding in self:
            if not funding.analytic_account_id:
                funding.analytic_account_id = funding.project_id.account_id

    @api.depends("unit", "rate", "target_quantity")
    def _compute_amount_planned(self):
        for funding in self:
            if funding.unit == "flat":
                funding.amount_planned = funding.rate
            else:
                funding.amount_planned = funding.rate * funding.target_quantity

    def _compute_quantity_used(self):
        """Units consumed by attendance. Nothing consumes them in this addon alone; the
        attendance addon overrides ``_get_quantities_used``."""
        used = self._get_quantities_used()
        for funding in self:
            funding.quantity_used = used.get(funding.id, 0.0)
            funding.quantity_progress = (
                100.0 * funding.quantity_used / funding.target_quantity if funding.target_quantity else 0.0
            )

    def _get_quantities_used(self):
        """Return {funding id: units used}. Extended by addons that record attendance."""
        return {}

    @api.constrains("funder_id")
    def _check_funder(self):
        for funding in self:
            if not funding.funder_id.az_is_funder:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not marked as a funder: tick 'Funder' on the contact first.",
                        partner=funding.funder_id.display_name,
                    )
                )

    @api.constrains("unit", "target_quantity", "rate", "state")
    def _check_amounts(self):
        self.filtered(lambda f: f.state == "active")._check_ready_to_activate()

    def _check_ready_to_activate(self):
        for funding in self:
            if funding.unit != "flat" and funding.target_quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The active funding '%s' needs a target quantity greater than zero.", funding.name
                    )
                )
            if funding.rate <= 0:
                raise ValidationError(
                    self.env._("The active funding '%s' needs a rate greater than zero.", funding.name)
                )

    @api.constrains("project_id", "company_id")
    def _check_project_company(self):
        for funding in self:
            if funding.project_id.company_id and funding.project_id.company_id != funding.company_id:
                raise ValidationError(
                    self.env._("The funding '%s' must belong to the company of its project.", funding.name)
                )

    def action_activate(self):
        for funding in self:
            if funding.state != "draft":
                raise UserError(self.env._("Only a draft funding can be activated."))
        self._check_ready_to_activate()
        self.write({"state": "active"})

    def action_close(self):
        for funding in self:
            if funding.state != "active":
                raise UserError(self.env._("Only an active funding can be closed."))
        self.write({"state": "closed"})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_reset_to_draft(self):
        for funding in self:
            if funding.state != "cancelled":
                raise UserError(self.env._("Only a cancelled funding can be reset to draft."))
        self.write({"state": "draft"})

    def covers(self, day):
        """Whether ``day`` (a date) falls inside the funding's period."""
        self.ensure_one()
        return self.date_start <= day <= self.date_end
