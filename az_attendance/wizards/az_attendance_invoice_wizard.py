from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import quantities as qty

UNIT_LABELS = {"hour": "h", "session": "sessions", "participant": "participants", "flat": ""}
MAX_SESSIONS_LISTED = 40


class AzAttendanceInvoiceWizard(models.TransientModel):
    """Turn validated attendance into draft invoices (and credit notes) per funder."""

    _name = "az.attendance.invoice.wizard"
    _description = "Invoice attendance"

    date_from = fields.Date(string="From", required=True,
                            default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    project_id = fields.Many2one("project.project", string="Project")
    funding_ids = fields.Many2many(
        "az.funding", string="Fundings",
        domain="[('state', 'in', ('active', 'closed'))]"
        " + ([('project_id', '=', project_id)] if project_id else [])",
        help="Leave empty to invoice every active or closed funding (of the project, if set).",
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise UserError(self.env._("The period ends before it starts."))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "az.funding":
            values["funding_ids"] = [Command.set(self.env.context.get("active_ids", []))]
        elif self.env.context.get("active_model") == "project.project":
            values["project_id"] = self.env.context.get("active_id")
        return values

    def _get_fundings(self):
        self.ensure_one()
        domain = [("state", "in", ("active", "closed")),
                  ("date_start", "<=", self.date_to), ("date_end", ">=", self.date_from)]
        if self.funding_ids:
            return self.funding_ids.filtered_domain(domain)
        if self.project_id:
            domain.append(("project_id", "=", self.project_id.id))
        return self.env["az.funding"].search(domain)

    def _validated_lines(self, funding, date_from, date_to):
        return self.env["az.attendance.line"].search([
            ("project_id", "=", funding.project_id.id),
            ("session_id.state", "=", "validated"),
            ("session_date", ">=", max(date_from, funding.date_start)),
            ("session_date", "<=", min(date_to, funding.date_end)),
        ])

    def _funding_deltas(self, funding, invoiced):
        """{key: difference to invoice} for one funding over the wizard's period, and the
        period's lines (for the references)."""
        if funding.unit == "participant":
            # a person counts once per funding: look at everything up to the period's end
            history = self._validated_lines(funding, funding.date_start, self.date_to)
            lines = history.filtered(lambda ln: ln.session_date >= self.date_from)
            period_partners = {("partner", partner.id) for partner in lines.partner_id}
            current = qty.quantities("participant", history._quantity_values(),
                                     funding.count_excused)
            return qty.deltas(current, invoiced, keys=period_partners), lines
        lines = self._validated_lines(funding, self.date_from, self.date_to)
        current = qty.quantities(funding.unit, lines._quantity_values(), funding.count_excused)
        return qty.deltas(current, invoiced, keys=set(current)), lines

    def action_create_invoices(self):
        self.ensure_one()
        fundings = self._get_fundings()
        if not fundings:
            raise UserError(self.env._("No active funding covers this period."))
        # One run at a time per funding, whatever the worker: lock them in a fixed order.
        self.env.cr.execute(
            "SELECT id FROM az_funding WHERE id IN %s ORDER BY id FOR UPDATE",
            [tuple(fundings.ids)])
        invoiced = self.env["az.attendance.invoice.entry"]._invoiced_quantities(fundings)
        # (funder, company, move type) -> list of (funding, quantity, entries, lines)
        plan = defaultdict(list)
        for funding in fundings.sorted("id"):
            deltas, lines = self._funding_deltas(funding, invoiced[funding.id])
            positive = {k: v for k, v in deltas.items() if v > 0}
            negative = {k: v for k, v in deltas.items() if v < 0}
            for move_type, part in (("out_invoice", positive), ("out_refund", negative)):
                if part:
                    plan[(funding.funder_id, funding.company_id, move_type)].append(
                        (funding, part, lines))
        if not plan:
            raise UserError(self.env._(
                "Nothing new to invoice between %(start)s and %(end)s: the validated attendance "
                "of these fundings is already invoiced.",
                start=self.date_from, end=self.date_to))
        moves = self.env["account.move"]
        for (funder, company, move_type), items in plan.items():
            moves |= self._create_move(funder, company, move_type, items)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Attendance invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"default_move_type": "out_invoice"},
        }

    def _create_move(self, funder, company, move_type, items):
        journal = self.env["account.journal"].search([
            *self.env["account.journal"]._check_company_domain(company),
            ("type", "=", "sale")], limit=1)
        if not journal:
            raise UserError(self.env._(
                "The company %(company)s has no sales journal: set up its accounting first.",
                company=company.name))
        period = self.env._("%(start)s to %(end)s", start=self.date_from, end=self.date_to)
        line_commands = []
        for funding, part, lines in items:
            quantity = abs(sum(part.values()))
            sessions = lines.session_id.sorted("start")
            listed = ", ".join(
                f"{s.name} ({s.date})" for s in sessions[:MAX_SESSIONS_LISTED])
            if len(sessions) > MAX_SESSIONS_LISTED:
                listed += ", …"
            label = self.env._(
                "%(funding)s – %(reference)s – %(period)s",
                funding=funding.name, reference=funding.reference or funding.project_id.name,
                period=period)
            if funding.unit != "flat" and listed:
                label += "\n" + self.env._("Sessions: %(sessions)s", sessions=listed)
            values = {
                "name": label,
                "quantity": quantity,
                "price_unit": funding.rate,
                "tax_ids": [Command.clear()],
            }
            if funding.analytic_account_id:
                values["analytic_distribution"] = {str(funding.analytic_account_id.id): 100.0}
            line_commands.append(Command.create(values))
        move = self.env["account.move"].with_company(company).create({
            "move_type": move_type,
            "partner_id": funder.id,
            "journal_id": journal.id,
            "company_id": company.id,
            "invoice_origin": self.env._("Attendance %(period)s", period=period),
            "invoice_line_ids": line_commands,
        })
        entries = []
        sign = 1 if move_type == "out_invoice" else -1
        invoice_lines = move.invoice_line_ids.sorted("id")
        for (funding, part, _lines), move_line in zip(items, invoice_lines):
            for (kind, key_id), quantity in part.items():
                entries.append({
                    "funding_id": funding.id, "key_kind": kind, "key_id": key_id,
                    "line_id": key_id if kind == "line" else False,
                    "session_id": key_id if kind == "session" else False,
                    "partner_id": key_id if kind == "partner" else False,
                    "quantity": sign * abs(quantity),
                    "move_id": move.id, "move_line_id": move_line.id,
                })
        self.env["az.attendance.invoice.entry"].sudo().create(entries)
        move.message_post(body=self.env._(
            "Created from validated attendance sheets (%(period)s).", period=period))
        return move
