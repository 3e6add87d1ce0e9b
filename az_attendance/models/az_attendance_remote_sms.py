from odoo import fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    az_remote_link_sms = fields.Boolean(
        string="Signing links by SMS",
        help="Also send personal signing links by SMS to participants with a mobile number. "
        "Needs Odoo's SMS module (SMS credits).",
    )


class AzAttendanceSession(models.Model):
    _inherit = "az.attendance.session"

    def action_send_remote_links(self):
        """E-mail the personal signing links, and text them where the company asks for it
        and Odoo's SMS module is installed."""
        self.ensure_one()
        sms_lines = self._remote_sms_lines()
        try:
            result = super().action_send_remote_links()
        except UserError:
            if not sms_lines:
                raise
            result = {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {"message": self.env._("%(count)s signing link(s) sent by SMS.",
                                                 count=len(sms_lines)),
                           "type": "success"},
            }
        sms_lines._send_remote_sms()
        return result

    def _remote_sms_lines(self):
        self.ensure_one()
        if "sms.sms" not in self.env or not self.company_id.az_remote_link_sms \
                or self.state != "open":
            return self.env["az.attendance.line"]
        return self.line_ids.filtered(
            lambda ln: not ln.signed_at and ln.status not in ("absent", "excused")
            and (ln.partner_id.mobile or ln.partner_id.phone))


class AzAttendanceLine(models.Model):
    _inherit = "az.attendance.line"

    def _send_remote_sms(self):
        """Queue an SMS with each line's personal link (Odoo's SMS module sends them)."""
        if "sms.sms" not in self.env or not self:
            return False
        values = []
        for line in self:
            partner = line.partner_id
            session = line.session_id
            body = line.with_context(lang=partner.lang).env._(
                "%(company)s: sign the attendance sheet of %(date)s here: %(url)s",
                company=session.company_id.name,
                date=session._format_local(session.start, dt_format="short"),
                url=line._get_remote_sign_url())
            values.append({"number": partner.mobile or partner.phone, "body": body,
                           "partner_id": partner.id})
        sms = self.env["sms.sms"].sudo().create(values)
        for session in self.session_id:
            session.message_post(body=self.env._(
                "Signing links sent by SMS to %(names)s.",
                names=", ".join(self.filtered(lambda ln, s=session: ln.session_id == s)
                                .mapped("partner_name"))))
        return sms
