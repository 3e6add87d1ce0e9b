from odoo import models


class AzAttendanceSession(models.Model):
    """The reminders by SMS too: remote participants' links where the company texts signing
    links, and the trainers' and managers' reminders where it texts reminders to staff."""

    _inherit = "az.attendance.session"

    def _reminder_reachable_lines(self, lines):
        reachable = super()._reminder_reachable_lines(lines)
        if self.company_id.az_remote_link_sms:
            reachable |= lines.filtered(lambda ln: ln.partner_id.mobile or ln.partner_id.phone)
        return reachable

    def _send_reminder_links(self, lines):
        super()._send_reminder_links(lines)
        if self.company_id.az_remote_link_sms:
            lines.filtered(lambda ln: ln.partner_id.mobile or ln.partner_id.phone)._send_remote_sms()

    def _send_staff_reminder(self, kind, user):
        super()._send_staff_reminder(kind, user)
        if not self.company_id.az_reminder_sms:
            return
        partner = user.partner_id
        number = False
        for field in ("mobile", "phone"):
            if partner[field] and not number:
                number = partner._phone_format(fname=field, force_format="E164", raise_exception=False)
        if not number:
            return
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
        self._message_sms(body, partner_ids=partner.ids, sms_pid_to_number={partner.id: number}, put_in_queue=True)
        self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
