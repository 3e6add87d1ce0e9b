import base64
import hmac
import logging
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools.ics import make_ics
from .az_booking_type import ACTIVE_STATES

_logger = logging.getLogger(__name__)

# How long a manage link stays valid after the end of its appointment.
MANAGE_TOKEN_GRACE_DAYS = 7
# States a person can still change from the website.
CHANGEABLE_STATES = ("waiting",) + ACTIVE_STATES


def _new_manage_secret():
    return secrets.token_urlsafe(32)


class AzBookingType(models.Model):
    _inherit = "az.booking.type"

    consent_text = fields.Text(
        string="Consent text", translate=True,
        help="What people agree to when they book on the website. Empty: the text of the "
        "company is used.",
    )
    sms_reminder = fields.Boolean(
        string="SMS reminder",
        help="Also send the reminder by SMS (needs Odoo's SMS module and a phone number).",
    )
    website_url = fields.Char(compute="_compute_website_url")

    def _compute_website_url(self):
        for booking_type in self:
            booking_type.website_url = f"/booking/{booking_type.id}" if booking_type.id else False

    def _get_consent_text(self):
        self.ensure_one()
        return (
            self.consent_text
            or self.company_id.az_booking_consent_text
            or self.env._(
                "I agree that %(company)s processes the information in this form to manage my "
                "appointment and contact me about it.", company=self.company_id.name)
        )

    def _get_contact_phone(self):
        """Whom a person calls when the website can no longer change their booking."""
        self.ensure_one()
        site_phone = next((site.phone for site in self.site_ids if site.phone), False)
        return self.company_id.phone or site_phone or False


class ResCompany(models.Model):
    _inherit = "res.company"

    az_booking_consent_text = fields.Text(
        string="Booking consent text", translate=True,
        help="Default consent text of the website booking form.",
    )


class AzBooking(models.Model):
    _inherit = "az.booking"

    manage_secret = fields.Char(
        copy=False, groups="base.group_system",
        help="Secret part of the personal link that lets the person manage this booking.",
    )
    manage_token_expiry = fields.Datetime(
        compute="_compute_manage_token_expiry", store=True, copy=False,
        string="Manage link valid until",
    )
    manage_url = fields.Char(compute="_compute_manage_url", string="Manage link")
    reminder_sent_datetime = fields.Datetime(
        string="Reminder sent on", copy=False, readonly=True,
    )

    @api.depends("stop")
    def _compute_manage_token_expiry(self):
        for booking in self:
            booking.manage_token_expiry = (
                booking.stop + timedelta(days=MANAGE_TOKEN_GRACE_DAYS) if booking.stop else False
            )

    def _compute_manage_url(self):
        for booking in self:
            token = booking._get_manage_token()
            booking.manage_url = (
                f"{booking.get_base_url()}/booking/manage/{token}" if token else False)

    @api.model_create_multi
    def create(self, vals_list):
        bookings = super().create(vals_list)
        for booking in bookings.sudo():
            booking.manage_secret = _new_manage_secret()
        return bookings

    def write(self, vals):
        if {"start", "stop"} & set(vals) and "reminder_sent_datetime" not in vals:
            vals = dict(vals, reminder_sent_datetime=False)
        return super().write(vals)

    # ------------------------------------------------------------------------------------
    # Personal manage link
    # ------------------------------------------------------------------------------------
    def _get_manage_token(self):
        """``<id>-<secret>``: the id finds the booking, the secret proves the link."""
        self.ensure_one()
        if not self.id:
            return False
        secret = self.sudo().manage_secret
        if not secret:
            secret = _new_manage_secret()
            self.sudo().manage_secret = secret
        return f"{self.id}-{secret}"

    @api.model
    def _find_by_manage_token(self, token):
        """The booking a manage token opens, or an empty recordset when the token is
        malformed, unknown, tampered with or expired. The secret is compared in constant
        time. Returns a sudo record: the token is the access check."""
        if not isinstance(token, str) or len(token) > 128 or "-" not in token:
            return self.browse()
        booking_id, secret = token.split("-", 1)
        if not booking_id.isdigit() or len(booking_id) > 12 or not secret:
            return self.browse()
        booking = self.sudo().browse(int(booking_id)).exists()
        expected = booking.manage_secret if booking else None
        if not expected or not hmac.compare_digest(expected.encode(), secret.encode()):
            return self.browse()
        if booking.manage_token_expiry and booking.manage_token_expiry < fields.Datetime.now():
            return self.browse()
        return booking

    @api.model
    def _portal_domain(self, partner):
        """Bookings a logged-in portal user may see: their own, and the ones they made for
        someone else."""
        return ["|", ("partner_id", "=", partner.id), ("booked_by_id", "=", partner.id)]

    def _portal_deadline(self):
        self.ensure_one()
        return self.start - timedelta(hours=self.type_id.cancel_deadline_hours)

    def _portal_can_change(self):
        """Whether the person may still cancel or move this booking from the website."""
        self.ensure_one()
        return (
            self.state in CHANGEABLE_STATES
            and fields.Datetime.now() < self._portal_deadline()
        )

    def _portal_cancel(self, reason=False):
        self.ensure_one()
        if not self._portal_can_change():
            raise UserError(self.env._(
                "This booking can no longer be changed online. Please call us."))
        self.action_cancel(cancel_by="person", reason=reason or False)
        self.message_post(body=self.env._("Cancelled by the person from the website."))
        return True

    def _portal_reschedule(self, start):
        """Move the booking to the free slot starting at ``start`` (naive UTC) and return
        the booking that now holds the appointment (a new one for a workshop seat)."""
        self.ensure_one()
        if not self._portal_can_change():
            raise UserError(self.env._(
                "This booking can no longer be changed online. Please call us."))
        booking_type = self.type_id
        now = fields.Datetime.now()
        if not now < start <= now + timedelta(days=booking_type.horizon_days):
            raise UserError(self._slot_taken_message())
        stop = start + timedelta(hours=booking_type.duration)
        slots = booking_type.with_context(az_booking_exclude_ids=self.ids)._get_free_slots(
            start - timedelta(days=1), stop + timedelta(days=1))
        slot = next((s for s in slots if s["start"] == start and s["stop"] == stop), None)
        if not slot or (self.start == start and self.state in ACTIVE_STATES):
            raise UserError(self._slot_taken_message())
        if booking_type.is_collective:
            new_booking = self.with_context(az_booking_no_waiting=True).create({
                "type_id": booking_type.id,
                "partner_id": self.partner_id.id,
                "booked_by_id": self.booked_by_id.id,
                "booked_by_kind": self.booked_by_kind,
                "consent_datetime": self.consent_datetime,
                "site_id": self.site_id.id,
                "start": start,
                "stop": stop,
                "seats": self.seats,
                "answer_ids": [
                    fields.Command.create({"question_id": a.question_id.id, "value": a.value})
                    for a in self.answer_ids
                ],
            })
            self.action_cancel(cancel_by="person", reason=self.env._(
                "Moved to %s by the person.", new_booking.name))
            new_booking.message_post(body=self.env._(
                "Booked by the person from the website, in place of %s.", self.name))
            return new_booking
        user = self.user_id if self.user_id.id in slot["user_ids"] else self.env[
            "res.users"].browse(booking_type._pick_least_loaded(slot["user_ids"], start))
        values = {"start": start, "stop": stop, "user_id": user.id}
        if self.state == "waiting":
            values["state"] = "requested" if booking_type.needs_validation else "confirmed"
        self.write(values)
        self.message_post(body=self.env._("Moved by the person from the website."))
        return self

    # ------------------------------------------------------------------------------------
    # Calendar file and e-mails
    # ------------------------------------------------------------------------------------
    def _get_ics_content(self):
        """The appointment as an iCalendar file (bytes). A sensitive type shows only its
        neutral name."""
        self.ensure_one()
        booking = self.sudo()
        location = booking.site_id.address_line() if booking.site_id else ""
        if booking.site_id:
            location = ", ".join(p for p in (booking.site_id.name, location) if p)
        description = self.env._("Reference: %s", booking.name)
        if booking.manage_url:
            description += "\n" + self.env._(
                "See, move or cancel: %s", booking.manage_url)
        if not booking.is_sensitive and booking.type_id.description:
            description += "\n\n" + html2plaintext(booking.type_id.description)
        domain = (booking.get_base_url() or "odoo").split("//")[-1].split("/")[0]
        text = make_ics(
            uid=f"az-booking-{booking.id}@{domain}",
            start=booking.start, stop=booking.stop,
            summary=f"{booking.type_id.public_name} ({booking.company_id.name})",
            description=description, location=location, url=booking.manage_url or "",
            cancelled=booking.state == "cancelled",
            sequence=int(booking.write_date.timestamp()) // 60 if booking.write_date else 0,
        )
        return text.encode()

    def _get_ics_attachment(self):
        self.ensure_one()
        return self.env["ir.attachment"].sudo().create({
            "name": "appointment.ics",
            "datas": base64.b64encode(self._get_ics_content()),
            "mimetype": "text/calendar",
            "res_model": self._name,
            "res_id": self.id,
        })

    def _send_portal_mail(self, xmlid):
        """Send one of the website e-mails of these bookings, with the calendar file."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if not template:
            return
        for booking in self.sudo():
            if not booking.partner_id.email:
                continue
            attachment = booking._get_ics_attachment()
            template.sudo().send_mail(
                booking.id, email_values={"attachment_ids": [fields.Command.link(attachment.id)]})

    def _send_sms_reminder(self):
        """Queue the reminder SMS when Odoo's SMS module is installed (it sends them)."""
        if "sms.sms" not in self.env:
            return self.browse()
        sent = self.browse()
        for booking in self.sudo():
            if not booking.type_id.sms_reminder:
                continue
            number = booking.partner_id.mobile or booking.partner_id.phone
            if not number:
                continue
            local_start = fields.Datetime.context_timestamp(
                booking.with_context(tz=booking.type_id.tz), booking.start)
            body = booking.with_context(lang=booking.partner_id.lang).env._(
                "Reminder: %(what)s on %(date)s at %(time)s. %(company)s",
                what=booking.type_id.with_context(lang=booking.partner_id.lang).public_name,
                date=local_start.strftime("%d/%m/%Y"), time=local_start.strftime("%H:%M"),
                company=booking.company_id.name)
            self.env["sms.sms"].sudo().create({
                "number": number, "body": body, "partner_id": booking.partner_id.id,
            })
            sent |= booking
        return sent

    @api.model
    def _cron_send_reminders(self):
        """Remind people of their appointment ``reminder_hours`` before it: once each,
        never for a cancelled booking or one on the waiting list."""
        now = fields.Datetime.now()
        types = self.env["az.booking.type"].sudo().with_context(active_test=False).search(
            [("reminder_hours", ">", 0)])
        if not types:
            return
        longest = max(types.mapped("reminder_hours"))
        candidates = self.sudo().search([
            ("type_id", "in", types.ids),
            ("state", "in", ACTIVE_STATES),
            ("reminder_sent_datetime", "=", False),
            ("start", ">", now),
            ("start", "<=", now + timedelta(hours=longest)),
        ], order="start, id")
        due = candidates.filtered(
            lambda b: b.start <= now + timedelta(hours=b.type_id.reminder_hours))
        for booking in due:
            booking.reminder_sent_datetime = now
            booking._send_portal_mail("az_booking.mail_template_booking_reminder")
            booking._send_sms_reminder()
        _logger.info("az_booking: %d reminder(s) sent", len(due))
