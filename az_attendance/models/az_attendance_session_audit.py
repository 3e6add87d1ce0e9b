from datetime import timedelta

from odoo import api, fields, models

# A signature taken more than this long after the session's end is worth an auditor's question.
LATE_SIGNATURE_DELAY = timedelta(hours=24)


class AzAttendanceSessionAudit(models.AbstractModel):
    """What an auditor of the funder would question on a sheet, shown before validation:
    the warnings (a public holiday, a trainer on leave or elsewhere, late, offline or
    skewed signatures, more people than the site receives), which do not block it, and the
    checklist of what must be there before the sheet can be validated, which does."""

    _name = "az.attendance.session.audit"
    _description = "Auditor warnings and checklist of an attendance sheet"

    warning_message = fields.Text(compute="_compute_checks", string="Warnings")
    checklist_message = fields.Text(compute="_compute_checks", string="Auditor checklist")
    checklist_ok = fields.Boolean(compute="_compute_checks")

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
                missing.append(self.env._("%(name)s: %(reason)s", name=line.partner_name, reason=problem))
        return missing
