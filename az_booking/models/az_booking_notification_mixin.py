import base64
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import MissingError
from odoo.tools import html2plaintext

from ..tools.ics import make_ics
from .az_booking_availability_mixin import ACTIVE_STATES

_logger = logging.getLogger(__name__)


class AzBookingNotificationMixin(models.AbstractModel):
    """What the person is told of their booking: the e-mails of each step with the calendar
    file (RFC 5546), the series message and the reminder job. The SMS channel
    (az_booking_sms) extends ``_send_portal_notification``."""

    _name = "az.booking.notification.mixin"
    _description = "Messages of a booking to its person"

    def _compute_when_label(self):
        for booking in self:
            booking.when_label = booking._get_when_label() if booking.start else False

    def _get_ics_content(self):
        """The appointment as an iCalendar file (bytes): a REQUEST, its updates with a
        higher SEQUENCE, and a CANCEL once cancelled (RFC 5546). A sensitive type shows only
        its neutral name."""
        self.ensure_one()
        booking = self.sudo().with_context(lang=self._recipient_lang())
        location = booking.site_id.address_line() if booking.site_id else ""
        if booking.site_id:
            location = ", ".join(p for p in (booking.site_id.name, location) if p)
        description = booking.env._("Reference: %s", booking.name)
        video_url = booking.video_url
        if video_url:  # the meeting link is where the appointment takes place
            location = video_url
            description += "\n" + booking.env._("Video call: %s", video_url)
        manage_url = booking.manage_url
        if manage_url:
            description += "\n" + booking.env._("See, move or cancel: %s", manage_url)
        if not booking.is_sensitive and booking.type_id.description:
            description += "\n\n" + html2plaintext(booking.type_id.description)
        domain = (booking.get_base_url() or "odoo").split("//")[-1].split("/")[0].split(":")[0]
        company = booking.company_id
        person = booking.partner_id
        number = "".join(c for c in (person.mobile or person.phone or "") if c.isdigit() or c == "+")
        person_address = (
            person.email_normalized or (number and f"tel:{number}") or f"urn:az-booking:{booking.id}"
        )
        text = make_ics(
            uid=f"az-booking-{booking.id}@{domain}",
            start=booking.start,
            stop=booking.stop,
            summary=f"{booking.type_id.public_name} ({company.name})",
            description=description,
            location=location,
            url=manage_url or "",
            cancelled=booking.state == "cancelled",
            tentative=booking.state == "requested",
            sequence=booking.ics_sequence,
            organizer=(company.name, company.email or f"noreply@{domain}"),
            attendee=(person.name, person_address),
        )
        return text.encode()

    def _get_ics_attachment(self):
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "appointment.ics",
                    "datas": base64.b64encode(self._get_ics_content()),
                    "mimetype": "text/calendar",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )

    def _get_when_label(self, moment=None):
        """ "Tuesday 3 March 2026, 10:00" in the booking's timezone and the person's
        language: what the messages to the person say (no seconds)."""
        self.ensure_one()
        booking = self.sudo()
        return booking.type_id._format_datetime(moment or booking.start, lang=booking._recipient_lang())

    def _recipient_lang(self):
        """The language of every e-mail and SMS to the person: their contact's language,
        else the one they booked in, else the company's (the templates' ``lang`` says the
        same)."""
        self.ensure_one()
        booking = self.sudo()
        company = booking.company_id[:1] or self.env.company
        return company._az_lang(booking.partner_id.lang, booking.lang)

    def _staff_env(self):
        """The environment in the company's language, for what staff read in the chatter
        (a job's or a visitor's action writes it)."""
        company = self.company_id[:1] or self.env.company
        return self.with_context(lang=company._az_lang()).env

    def _get_notification_channels(self, kind="confirmation"):
        """How a message of ``kind`` reaches the person: a set of ``"email"`` (and
        ``"sms"``, added by az_booking_sms); what the confirmation page tells them."""
        self.ensure_one()
        return {"email"} if self.sudo().partner_id.email else set()

    # Mail templates of each message sent to the person.
    _NOTIFICATION_TEMPLATES = {
        "confirmation": "az_booking.mail_template_booking_confirmation",
        "waiting": "az_booking.mail_template_booking_waiting",
        "reminder": "az_booking.mail_template_booking_reminder",
        "cancelled": "az_booking.mail_template_booking_cancelled",
        "promoted": "az_booking.mail_template_booking_promoted",
        "occurrence_cancelled": "az_booking.mail_template_booking_occurrence_cancelled",
        "moved": "az_booking.mail_template_booking_moved",
    }

    def _send_portal_notification(self, kind):
        """Tell the person about their booking (``kind``: confirmation, waiting, reminder,
        cancelled, promoted): by e-mail, with the calendar file when the booking holds a
        time. The SMS channel (az_booking_sms) extends this for people without e-mail.
        Returns the bookings that got an e-mail."""
        if kind == "confirmation":
            waiting = self.filtered(lambda b: b.state == "waiting")
            (self - waiting)._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind])
            waiting._send_portal_mail(self._NOTIFICATION_TEMPLATES["waiting"], ics=False)
            return self.filtered(lambda b: b.partner_id.email)
        if kind in ("occurrence_cancelled", "moved"):
            # the waiting list holds no time: no calendar file for it
            no_ics = self.env.context.get("az_booking_no_ics_ids") or []
            waiting = self.filtered(lambda b: b.state == "waiting" or b.id in no_ics)
            sent = (self - waiting)._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind])
            return sent | waiting._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind], ics=False)
        return self._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind])

    # Fields of the booking templates rendered for each e-mail: the person (the booking's
    # contact) is its recipient and the calendar file its attachment.
    _PORTAL_MAIL_FIELDS = (
        "auto_delete",
        "body_html",
        "email_cc",
        "email_from",
        "email_to",
        "mail_server_id",
        "model",
        "reply_to",
        "res_id",
        "scheduled_date",
        "subject",
    )

    def _send_portal_mail(self, xmlid, ics=True):
        """Queue one of the website e-mails of these bookings, addressed to the booking's
        person, with the calendar file unless ``ics`` is False (the waiting list holds no
        time), and wake the mail queue up once the transaction is committed: nothing waits
        on the mail server inside the request. The template gives the subject, the body,
        the sender and any copy; the recipient is the booking's contact and the attachment
        its calendar file."""
        sent = self.browse()
        if not self:
            return sent
        # the template's id is cached by its XML id; reading it below tells whether it
        # still exists
        template_id = self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False)
        template = self.env["mail.template"].sudo().browse(template_id)
        try:
            if not template_id or not template.model_id:
                return sent
        except MissingError:
            return sent
        bookings = self.sudo().filtered(lambda b: b.partner_id.email)
        if not bookings:
            return sent
        rendered = template._generate_template(bookings.ids, self._PORTAL_MAIL_FIELDS)
        mail_values = []
        for booking in bookings:
            values = rendered[booking.id]
            if not values.get("email_from"):
                values.pop("email_from", None)  # the mail's own default
            values.update(
                body=values["body_html"],
                recipient_ids=[fields.Command.link(booking.partner_id.id)],
            )
            if ics:
                values["attachment_ids"] = [fields.Command.link(booking._get_ics_attachment().id)]
            mail_values.append(values)
        self.env["mail.mail"].sudo().create(mail_values)
        self._wake_queue("mail.ir_cron_mail_scheduler_action")
        return bookings.with_env(self.env)

    @api.model
    def _wake_queue(self, cron_xmlid):
        """Run the queue job of ``cron_xmlid`` right after the commit rather than at its next
        hourly run."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(cron_xmlid, raise_if_not_found=False)
        if cron_id:
            self.env["ir.cron"].sudo().browse(cron_id)._trigger()

    def _send_series_message(self, series):
        """One e-mail to the person listing the dates of a series, each with its own
        link to see or cancel it. Returns whether it was sent."""
        partner = self.partner_id[:1]
        if not partner.email:
            return False
        bookings = self.sudo().with_context(lang=self[:1]._recipient_lang()).sorted("start")
        env = bookings.env
        items = Markup("").join(
            Markup('<li>%s - <a href="%s">%s</a></li>')
            % (booking.when_label, booking.manage_url, env._("see or cancel"))
            for booking in bookings
        )
        company = bookings[:1].company_id
        body = Markup("<div><p>%s</p><p>%s</p><ul>%s</ul><p>%s</p></div>") % (
            env._("Hello %s,", partner.name),
            env._(
                "Here are your %(count)s appointments %(type)s:",
                count=len(bookings),
                type=bookings[:1].type_id.public_name,
            ),
            items,
            company.name or "",
        )
        env["mail.mail"].sudo().create(
            {
                "subject": env._("Your appointments: %s", bookings[:1].type_id.public_name),
                "body_html": body,
                "email_from": company.email_formatted or env.user.email_formatted,
                "recipient_ids": [fields.Command.link(partner.id)],
                "model": "az.booking.series",
                "res_id": series.id,
                "auto_delete": True,
            }
        )
        return True

    @api.model
    def _cron_send_reminders(self):
        """Remind people of their appointment ``reminder_hours`` before it: once each,
        never for a cancelled booking or one on the waiting list."""
        now = fields.Datetime.now()
        types = (
            self.env["az.booking.type"]
            .sudo()
            .with_context(active_test=False)
            .search([("reminder_hours", ">", 0)])
        )
        if not types:
            return
        longest = max(types.mapped("reminder_hours"))
        candidates = self.sudo().search(
            [
                ("type_id", "in", types.ids),
                ("state", "in", ACTIVE_STATES),
                ("reminder_sent_datetime", "=", False),
                ("start", ">", now),
                ("start", "<=", now + timedelta(hours=longest)),
            ],
            order="start, id",
        )
        due = candidates.filtered(lambda b: b.start <= now + timedelta(hours=b.type_id.reminder_hours))
        for booking in due:
            booking.reminder_sent_datetime = now
            booking._send_portal_notification("reminder")
        _logger.info("az_booking: %d reminder(s) sent", len(due))
