from odoo import models


class AzAttendanceSession(models.Model):
    """Signing links and reminders by SMS too: the participants' links where the company
    texts them (remote participants' reminders included), the reminders of trainers and
    managers where it texts reminders to staff."""

    _inherit = "az.attendance.session"

    def _send_remote_links(self):
        """E-mail the personal signing links, and text them where the company asks for it."""
        messages = super()._send_remote_links()
        sms_lines = self._remote_sms_lines()
        if sms_lines:
            sent = sms_lines._send_remote_sms()
            messages.append(self.env._("%(count)s signing link(s) sent by SMS.", count=len(sent)))
        return messages

    def _remote_sms_lines(self):
        """Lines that may still sign whose person has a mobile or phone number."""
        self.ensure_one()
        if not self.company_id.az_remote_link_sms:
            return self.env["az.attendance.line"]
        return self._remote_link_lines().filtered(lambda ln: ln.partner_id.mobile or ln.partner_id.phone)

    def _reminder_reachable_lines(self, lines):
        reachable = super()._reminder_reachable_lines(lines)
        if self.company_id.az_remote_link_sms:
            reachable |= lines.filtered(lambda ln: ln.partner_id.mobile or ln.partner_id.phone)
        return reachable

    def _send_reminder_links(self, lines):
        result = super()._send_reminder_links(lines)
        if self.company_id.az_remote_link_sms:
            lines.filtered(lambda ln: ln.partner_id.mobile or ln.partner_id.phone)._send_remote_sms()
        return result

    def _send_staff_reminder(self, kind, user):
        result = super()._send_staff_reminder(kind, user)
        if not self.company_id.az_reminder_sms:
            return result
        partner = user.partner_id
        number = False
        for field in ("mobile", "phone"):
            if partner[field] and not number:
                number = partner._phone_format(fname=field, force_format="E164", raise_exception=False)
        if not number:
            return result
        lang = self.company_id._az_lang(partner.lang)
        session = self.with_context(lang=lang)
        body = session.env._(
            "%(company)s: %(reminder)s (%(when)s) %(url)s",
            company=self.company_id.name,
            reminder=session._reminder_summary(kind),
            when=session._format_local(self.start, dt_format="short"),
            url=self._reminder_day_url() if kind != "unvalidated" else self._reminder_session_url(),
        )
        # queued, sent by Odoo's SMS job after the commit (as the signing links)
        self._message_sms(
            body, partner_ids=partner.ids, sms_pid_to_number={partner.id: number}, put_in_queue=True
        )
        self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        return result
