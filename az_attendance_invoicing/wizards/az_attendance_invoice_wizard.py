from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang

from odoo.addons.az_attendance_funder.tools import quantities as qty

MAX_SESSIONS_LISTED = 40


class AzAttendanceInvoiceWizard(models.TransientModel):
    """Turn validated attendance into draft invoices (and credit notes) per funder."""

    _name = "az.attendance.invoice.wizard"
    _description = "Invoice attendance"

    date_from = fields.Date(
        string="From", required=True, default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    project_id = fields.Many2one("project.project")
    funding_ids = fields.Many2many(
        "az.funding",
        string="Fundings",
        domain="[('state', 'in', ('active', 'closed'))]"
        " + ([('project_id', '=', project_id)] if project_id else [])",
        help="Leave empty to invoice every active or closed funding (of the project, if set).",
    )
    preview_html = fields.Html(string="Preview", compute="_compute_preview", sanitize=False, readonly=True)

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
        domain = [
            ("state", "in", ("active", "closed")),
            ("date_start", "<=", self.date_to),
            ("date_end", ">=", self.date_from),
        ]
        if self.funding_ids:
            return self.funding_ids.filtered_domain(domain)
        if self.project_id:
            domain.append(("project_id", "=", self.project_id.id))
        return self.env["az.funding"].search(domain)

    def _validated_lines(self, funding, date_from, date_to, checked=None):
        """Lines of the sheets of the period that count, once their seal and ledger are
        verified again now (the verification records its result on the sheet). Sheets that
        do not verify are left out and kept in ``checked`` ({session id: problems}) so that
        they can be listed."""
        lines = self.env["az.attendance.line"].search(
            [
                ("project_id", "=", funding.project_id.id),
                ("session_id.state", "=", "validated"),
                ("session_date", ">=", max(date_from, funding.date_start)),
                ("session_date", "<=", min(date_to, funding.date_end)),
            ]
        )
        checked = {} if checked is None else checked
        unchecked = [sid for sid in lines.session_id.ids if sid not in checked]
        if unchecked:
            Session = self.env["az.attendance.session"].sudo()
            self.env.flush_all()
            results = Session._seal_verify_batch(unchecked, record=True)
            for sid in unchecked:
                problems = results.get(sid)
                checked[sid] = problems if problems is not None else [self.env._("The sheet is not sealed.")]
        counted = lines.session_id._filtered_counted()
        return lines.filtered(lambda ln: not checked.get(ln.session_id.id) and ln.session_id in counted)

    def _funding_deltas(self, funding, invoiced, checked=None):
        """{key: difference to invoice} for one funding over the wizard's period, and the
        period's lines (for the references)."""
        if funding.unit == "participant":
            # a person counts once per funding: look at everything up to the period's end
            history = self._validated_lines(funding, funding.date_start, self.date_to, checked)
            lines = history.filtered(lambda ln: ln.session_date >= self.date_from)
            period_partners = {("partner", partner.id) for partner in lines.partner_id}
            current = qty.quantities("participant", history._quantity_values(), funding.count_excused)
            return qty.deltas(current, invoiced, keys=period_partners), lines
        lines = self._validated_lines(funding, self.date_from, self.date_to, checked)
        current = qty.quantities(funding.unit, lines._quantity_values(), funding.count_excused)
        return qty.deltas(current, invoiced, keys=set(current)), lines

    def _plan(self, fundings, invoiced, checked):
        """(funder, company, move type) -> [(funding, {key: quantity}, lines)]: what would be
        invoiced, from the verified sheets only."""
        plan = defaultdict(list)
        for funding in fundings.sorted("id"):
            deltas, lines = self._funding_deltas(funding, invoiced[funding.id], checked)
            positive = {k: v for k, v in deltas.items() if v > 0}
            negative = {k: v for k, v in deltas.items() if v < 0}
            for move_type, part in (("out_invoice", positive), ("out_refund", negative)):
                if part:
                    plan[(funding.funder_id, funding.company_id, move_type)].append((funding, part, lines))
        return plan

    def _quantity_text(self, quantity, unit):
        """A quantity with its unit, as the language writes it: "30,00 h", "3 sessions"."""
        if unit == "hour":
            return self.env._("%(hours)s h", hours=formatLang(self.env, quantity, digits=2))
        number = formatLang(self.env, quantity, digits=0 if quantity == int(quantity) else 2)
        if unit == "session":
            return self.env._("%(count)s sessions", count=number)
        if unit == "participant":
            return self.env._("%(count)s participants", count=number)
        return number

    def _period_text(self):
        """The wizard's period in the language of the environment (the invoice's partner's
        for the invoice lines)."""
        return self.env._(
            "%(start)s to %(end)s",
            start=format_date(self.env, self.date_from),
            end=format_date(self.env, self.date_to),
        )

    def _sessions_text(self, sessions):
        listed = ", ".join(
            f"{session.name} ({format_date(self.env, session.date)})"
            for session in sessions[:MAX_SESSIONS_LISTED]
        )
        if len(sessions) > MAX_SESSIONS_LISTED:
            listed += ", …"
        return listed

    def _broken_sheets(self, checked):
        """[(sheet, problems)] of the sheets left out because they do not verify."""
        Session = self.env["az.attendance.session"].sudo()
        return [(Session.browse(sid), problems) for sid, problems in sorted(checked.items()) if problems]

    @api.depends("date_from", "date_to", "project_id", "funding_ids")
    def _compute_preview(self):
        for wizard in self:
            if not (wizard.date_from and wizard.date_to) or wizard.date_to < wizard.date_from:
                wizard.preview_html = False
                continue
            wizard.preview_html = self.env["ir.qweb"]._render(
                "az_attendance_invoicing.invoice_wizard_preview", wizard._preview_values()
            )

    def _preview_values(self):
        """Per funder and funding: sessions, quantity (hours, sessions, people) and amount
        that the wizard would put on drafts; and the sheets left out, with what broke."""
        self.ensure_one()
        fundings = self._get_fundings()
        checked = {}
        invoiced = (
            self.env["az.attendance.invoice.entry"].sudo()._invoiced_quantities(fundings) if fundings else {}
        )
        plan = self._plan(fundings, invoiced, checked) if fundings else {}
        rows = []
        for (funder, _company, move_type), items in plan.items():
            sign = 1 if move_type == "out_invoice" else -1
            for funding, part, lines in items:
                quantity = sign * abs(sum(part.values()))
                rows.append(
                    {
                        "funder": funder.name,
                        "funding": funding.name,
                        "credit": move_type == "out_refund",
                        "sessions": len(lines.session_id),
                        "quantity": quantity,
                        "quantity_text": self._quantity_text(quantity, funding.unit),
                        "amount": quantity * funding.rate,
                        "currency": funding.company_id.currency_id,
                    }
                )
        return {"rows": rows, "broken": self._broken_sheets(checked)}

    def action_create_invoices(self):
        self.ensure_one()
        fundings = self._get_fundings()
        if not fundings:
            raise UserError(self.env._("No active funding covers this period."))
        # One run at a time per funding, whatever the worker.
        fundings._lock_rows()
        invoiced = self.env["az.attendance.invoice.entry"]._invoiced_quantities(fundings)
        checked = {}
        plan = self._plan(fundings, invoiced, checked)
        broken = self._broken_sheets(checked)
        left_out = "\n".join(
            f"{session.name} ({format_date(self.env, session.date)}): {'; '.join(problems)}"
            for session, problems in broken
        )
        if not plan:
            if broken:
                raise UserError(
                    self.env._(
                        "Nothing to invoice: the sheets of this period that do not verify are "
                        "left out:\n%(sheets)s",
                        sheets=left_out,
                    )
                )
            raise UserError(
                self.env._(
                    "Nothing new to invoice between %(start)s and %(end)s: the validated attendance "
                    "of these fundings is already invoiced.",
                    start=format_date(self.env, self.date_from),
                    end=format_date(self.env, self.date_to),
                )
            )
        moves = self.env["account.move"]
        for (funder, company, move_type), items in plan.items():
            moves |= self._create_move(funder, company, move_type, items)
        if broken:
            for move in moves:
                move.message_post(
                    body=self.env._(
                        "Sheets left out because they changed since their seal:\n%(sheets)s", sheets=left_out
                    )
                )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Attendance invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"default_move_type": "out_invoice"},
        }

    def _create_move(self, funder, company, move_type, items):
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        if not journal:
            raise UserError(
                self.env._(
                    "The company %(company)s has no sales journal: set up its accounting first.",
                    company=company.name,
                )
            )
        # what the funder reads (the lines, the origin) speaks the funder's language
        worded = self.with_context(lang=company._az_lang(funder.lang))
        period = worded._period_text()
        line_commands = []
        for funding, part, lines in items:
            quantity = abs(sum(part.values()))
            listed = worded._sessions_text(lines.session_id.sorted("start"))
            label = worded.env._(
                "%(funding)s – %(reference)s – %(period)s",
                funding=funding.name,
                reference=funding.reference or funding.project_id.name,
                period=period,
            )
            if funding.unit != "flat" and listed:
                label += "\n" + worded.env._("Sessions: %(sessions)s", sessions=listed)
            values = {
                "name": label,
                "quantity": quantity,
                "price_unit": funding.rate,
                "tax_ids": [Command.clear()],
            }
            if funding.analytic_account_id:
                values["analytic_distribution"] = {str(funding.analytic_account_id.id): 100.0}
            line_commands.append(Command.create(values))
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": funder.id,
                    "journal_id": journal.id,
                    "company_id": company.id,
                    "invoice_origin": worded.env._("Attendance %(period)s", period=period),
                    "invoice_line_ids": line_commands,
                }
            )
        )
        entries = []
        sign = 1 if move_type == "out_invoice" else -1
        invoice_lines = move.invoice_line_ids.sorted("id")
        for (funding, part, _lines), move_line in zip(items, invoice_lines, strict=False):
            for (kind, key_id), quantity in part.items():
                entries.append(
                    {
                        "funding_id": funding.id,
                        "key_kind": kind,
                        "key_id": key_id,
                        "line_id": key_id if kind == "line" else False,
                        "session_id": key_id if kind == "session" else False,
                        "partner_id": key_id if kind == "partner" else False,
                        "quantity": sign * abs(quantity),
                        "move_id": move.id,
                        "move_line_id": move_line.id,
                    }
                )
        self.env["az.attendance.invoice.entry"].sudo().create(entries)
        move.message_post(
            body=self.env._(
                "Created from validated attendance sheets (%(period)s).", period=self._period_text()
            )
        )
        return move
