import logging

from odoo import models

_logger = logging.getLogger(__name__)

# SMS template of each message sent to the person (see az.booking._send_portal_notification).
SMS_TEMPLATES = {
    "confirmation": "az_booking_sms.sms_template_booking_confirmation",
    "waiting": "az_booking_sms.sms_template_booking_waiting",
    "reminder": "az_booking_sms.sms_template_booking_reminder",
    "cancelled": "az_booking_sms.sms_template_booking_cancelled",
    "promoted": "az_booking_sms.sms_template_booking_promoted",
    "occurrence_cancelled": "az_booking_sms.sms_template_booking_occurrence_cancelled",
    "moved": "az_booking_sms.sms_template_booking_moved",
    "earlier_offer": "az_booking_sms.sms_template_booking_earlier_offer",
}


class AzBooking(models.Model):
    _inherit = "az.booking"

    def _sms_number(self):
        """The person's mobile number in international form (Odoo's phone helpers, for the
        country of the contact or of the company), or False."""
        self.ensure_one()
        partner = self.partner_id
        for number in (partner.mobile, partner.phone):
            if number:
                formatted = partner._phone_format(
                    number=number,
                    country=partner.country_id or self.company_id.country_id,
                    force_format="E164",
                    raise_exception=False,
                )
                if formatted:
                    return formatted
        return False

    def _send_portal_notification(self, kind):
        """E-mail first; by SMS when the person has no e-mail address (and for reminders
        also when the type asks for them), queued and sent by the SMS queue job woken right
        after the commit: nothing waits on the SMS provider inside the request."""
        mailed = super()._send_portal_notification(kind)
        if kind == "confirmation":
            for booking in self:
                booking._send_portal_sms("waiting" if booking.state == "waiting" else "confirmation", mailed)
        else:
            for booking in self:
                booking._send_portal_sms(kind, mailed)
        return mailed

    def _get_notification_channels(self, kind="confirmation"):
        """By SMS too when the person has no e-mail (and for reminders when the type asks
        for them), as ``_send_portal_sms`` sends them."""
        channels = super()._get_notification_channels(kind)
        booking = self.sudo()
        by_sms = "email" not in channels or (kind == "reminder" and booking.type_id.sms_reminder)
        if by_sms and booking._sms_number():
            channels.add("sms")
        return channels

    def _send_portal_sms(self, kind, mailed):
        self.ensure_one()
        booking = self.sudo()
        if booking in mailed and not (kind == "reminder" and booking.type_id.sms_reminder):
            return False
        number = booking._sms_number()
        template = self.env.ref(SMS_TEMPLATES[kind], raise_if_not_found=False)
        if not number or not template:
            return False
        booking._message_sms_with_template(
            template=template,
            partner_ids=booking.partner_id.ids,
            sms_pid_to_number={booking.partner_id.id: number},
            put_in_queue=True,
        )
        booking._wake_queue("sms.ir_cron_sms_scheduler_action")
        return True

    def _send_series_message(self, series):
        """The dates of a series by SMS, with the link of each, when the person has no
        e-mail address."""
        if super()._send_series_message(series):
            return True
        first = self[:1].sudo()
        number = first._sms_number() if first else False
        if not number:
            return False
        bookings = self.sudo().with_context(lang=first._recipient_lang()).sorted("start")
        env = bookings.env
        body = env._(
            "%(company)s: your appointments %(type)s: %(dates)s",
            company=first.company_id.name,
            type=first.type_id.public_name,
            dates="; ".join(f"{b.when_label} ({b.manage_url})" for b in bookings),
        )
        series.sudo()._message_sms(
            body,
            partner_ids=first.partner_id.ids,
            sms_pid_to_number={first.partner_id.id: number},
            put_in_queue=True,
        )
        self._wake_queue("sms.ir_cron_sms_scheduler_action")
        return True
