import logging
import threading
from datetime import datetime, time, timedelta

from odoo import fields, models

_logger = logging.getLogger(__name__)

# Sessions handled per transaction by the reminder job (committed one batch at a time).
REMINDER_BATCH = 50
# A sheet left unvalidated is reminded of on the morning after its day, site time...
UNVALIDATED_AT = time(8, 0)
# ...and never for sessions ended longer ago than this (a database that installs the job
# does not wake up its whole past).
UNVALIDATED_HORIZON = timedelta(days=7)


class AzAttendanceSessionReminder(models.AbstractModel):
    """Reminders by job: the trainers when the session starts (the links to open signing),
    the trainers when people have not signed some minutes in (``res.company``'s
    ``az_reminder_unsigned_minutes``), remote participants who have not signed (their
    personal link), the trainers and the project's manager when the sheet is not validated
    by the next morning. Each reminder goes out once per session (``az.attendance.reminder``
    holds the claim), in each recipient's language, by e-mail, as an activity for staff,
    and by SMS where the SMS add-on is installed; never for a cancelled or validated sheet."""

    _name = "az.attendance.session.reminder"
    _description = "Reminders of an attendance sheet"

    reminder_ids = fields.One2many("az.attendance.reminder", "session_id", string="Reminders sent")

    # ------------------------------------------------------------------ job
    def _cron_send_reminders(self):
        """Send the reminders due now, a batch of sessions per transaction."""
        now = fields.Datetime.now()
        commit = not getattr(threading.current_thread(), "testing", False)
        for kind in ("start", "unsigned", "remote", "unvalidated"):
            sessions = self._reminder_candidates(kind, now)
            for offset in range(0, len(sessions), REMINDER_BATCH):
                for session in sessions[offset : offset + REMINDER_BATCH]:
                    session._send_reminder(kind, now)
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit  # each batch kept as sent
                done = min(offset + REMINDER_BATCH, len(sessions))
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(sessions) - done)

    def _reminder_candidates(self, kind, now):
        """Sessions that may need the reminder ``kind`` at ``now`` and have not had it."""
        not_sent = ("reminder_ids", "not any", [("kind", "=", kind)])
        if kind == "start":
            domain = [("state", "in", ("draft", "open")), ("start", "<=", now), ("stop", ">", now)]
        elif kind in ("unsigned", "remote"):
            domain = [("state", "=", "open"), ("start", "<=", now), ("stop", ">", now)]
        else:
            domain = [
                ("state", "in", ("draft", "open")),
                ("stop", "<=", now),
                ("stop", ">", now - UNVALIDATED_HORIZON),
            ]
        sessions = self.sudo().search([*domain, not_sent], order="start, id")
        return sessions.filtered(lambda session: session._reminder_due(kind, now))

    def _reminder_due(self, kind, now):
        """Whether the reminder ``kind`` of this session is due at ``now`` (naive UTC)."""
        self.ensure_one()
        if kind in ("unsigned", "remote"):
            minutes = self.company_id.az_reminder_unsigned_minutes or 30
            if now < self.start + timedelta(minutes=minutes):
                return False
            return bool(self._reminder_lines(kind))
        if kind == "unvalidated":
            return now >= self._to_utc(datetime.combine(self.date + timedelta(days=1), UNVALIDATED_AT))
        return True

    def _reminder_lines(self, kind):
        """The lines a reminder is about: who has not signed and still may (``unsigned``),
        and among them those following remotely with an address (``remote``)."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda ln: not ln.signed_at and ln.status == "expected" and ln._can_sign()
        )
        if kind == "remote":
            lines = lines.filtered(lambda ln: ln.attends_remotely)
            return self._reminder_reachable_lines(lines)
        return lines

    def _reminder_reachable_lines(self, lines):
        """Remote lines a channel can reach (an e-mail address here; the SMS add-on adds
        those with a phone number)."""
        return lines.filtered(lambda ln: ln.partner_id.email)

    def _reminder_staff(self, kind):
        """Users a staff reminder goes to: the trainers (the project's manager when the
        session has none), and the project's manager too for an unvalidated sheet."""
        self.ensure_one()
        users = self.trainer_ids.filtered("active")
        if kind == "unvalidated" or not users:
            users |= self.project_id.user_id
        return users

    def _send_reminder(self, kind, now):
        """Claim the reminder ``kind`` and send it; False when another job already did."""
        self.ensure_one()
        claim = self.env["az.attendance.reminder"].sudo()._claim(self, kind)
        if not claim:
            return False
        if kind == "remote":
            lines = self._reminder_lines("remote")
            self._send_reminder_links(lines)
            claim.recipient_ids = lines.partner_id
        else:
            users = self._reminder_staff(kind)
            for user in users:
                self._send_staff_reminder(kind, user)
            claim.recipient_ids = users.partner_id
        _logger.info("attendance reminder %s sent for session %s", kind, self.id)
        return True

    def _send_reminder_links(self, lines):
        """Send remote participants their personal link again (the links' own sending, in
        each person's language; the SMS add-on texts it too)."""
        lines.filtered(lambda ln: ln.partner_id.email)._send_remote_link_mail()
        # the chatter speaks the company's language, whoever runs the job
        session = self.with_context(lang=self.company_id._az_lang())
        session.message_post(
            body=session.env._(
                "Reminder: signing links sent again to %(names)s.",
                names=", ".join(lines.mapped("partner_name")),
            )
        )
        return True

    def _send_staff_reminder(self, kind, user):
        """E-mail ``user`` the reminder ``kind`` and give them an activity, in their language."""
        lang = self.company_id._az_lang(user.partner_id.lang)
        session = self.with_context(lang=lang, az_reminder_lang=lang)
        template = self.env.ref(f"az_attendance.mail_template_reminder_{kind}")
        if user.partner_id.email:
            template.with_context(lang=lang, az_reminder_lang=lang).send_mail(
                self.id, email_values={"recipient_ids": [(4, user.partner_id.id)]}
            )
        # the activity's notice to its user goes through the mail queue: the job never waits
        # on the mail server
        session.with_context(mail_notify_force_send=False).activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=session._reminder_summary(kind),
            date_deadline=fields.Date.context_today(session),
        )
        return True

    def _reminder_summary(self, kind):
        """The reminder in a few words (the activity's summary, the SMS add-on's text)."""
        self.ensure_one()
        if kind == "start":
            return self.env._("Open signing: %(name)s", name=self.name)
        if kind == "unsigned":
            return self.env._(
                "%(count)s not signed yet: %(name)s",
                count=len(self._reminder_lines("unsigned")),
                name=self.name,
            )
        return self.env._("Validate the sheet: %(name)s", name=self.name)

    # ------------------------------------------------------------------ links in the reminders
    def _reminder_day_url(self):
        return f"{self.get_base_url()}/odoo/action-az_attendance.az_attendance_day_action"

    def _reminder_kiosk_url(self):
        return f"{self.get_base_url()}/attendance/kiosk/{self.id}"

    def _reminder_session_url(self):
        return f"{self.get_base_url()}/odoo/action-az_attendance.az_attendance_session_action/{self.id}"

    def _reminder_unsigned_names(self):
        return ", ".join(self._reminder_lines("unsigned").mapped("partner_name"))
