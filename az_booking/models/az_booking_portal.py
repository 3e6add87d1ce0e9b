import base64
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, format_datetime, html2plaintext
from odoo.tools import hmac as tools_hmac

from ..tools.ics import make_ics
from .az_booking_type import ACTIVE_STATES

_logger = logging.getLogger(__name__)

# How long a manage link stays valid after the end of its appointment.
MANAGE_TOKEN_GRACE_DAYS = 7
# States a person can still change from the website.
CHANGEABLE_STATES = ("waiting",) + ACTIVE_STATES


class AzBookingType(models.Model):
    _inherit = "az.booking.type"

    consent_text = fields.Text(
        string="Consent text",
        translate=True,
        help="What people agree to when they book on the website. Empty: the text of the company is used.",
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
                "appointment and contact me about it.",
                company=self.company_id.name,
            )
        )

    def _get_contact_phone(self):
        """Whom a person calls when the website can no longer change their booking."""
        self.ensure_one()
        site_phone = next((site.phone for site in self.site_ids if site.phone), False)
        return self.company_id.phone or site_phone or False


class ResCompany(models.Model):
    _inherit = "res.company"

    az_booking_consent_text = fields.Text(
        string="Booking consent text",
        translate=True,
        help="Default consent text of the website booking form.",
    )


class AzBooking(models.Model):
    _inherit = "az.booking"

    manage_token_expiry = fields.Datetime(
        compute="_compute_manage_token_expiry",
        store=True,
        copy=False,
        string="Manage link valid until",
    )
    manage_url = fields.Char(compute="_compute_manage_url", string="Manage link")
    reminder_sent_datetime = fields.Datetime(
        string="Reminder sent on",
        copy=False,
        readonly=True,
    )
    when_label = fields.Char(
        compute="_compute_when_label",
        string="When (as told to the person)",
        help="Day and time in the booking's timezone and language, without seconds.",
    )
    waiting_position = fields.Integer(
        compute="_compute_waiting_position",
        help="Place on the waiting list of the workshop session (1 = next).",
    )
    claim_url = fields.Char(
        compute="_compute_claim_url",
        groups="az_project_base.group_user",
        help="Link sent to the typed address only: it adds the booking to the existing "
        "contact of that address.",
    )
    ics_sequence = fields.Integer(
        string="Calendar version",
        copy=False,
        readonly=True,
        help="SEQUENCE of the calendar file: raised each time the appointment moves or is "
        "cancelled, so that calendar programs take the newest version.",
    )

    @api.depends("stop")
    def _compute_manage_token_expiry(self):
        for booking in self:
            booking.manage_token_expiry = (
                booking.stop + timedelta(days=MANAGE_TOKEN_GRACE_DAYS) if booking.stop else False
            )

    def _compute_when_label(self):
        for booking in self:
            booking.when_label = booking._get_when_label() if booking.start else False

    def _compute_waiting_position(self):
        for booking in self:
            booking.waiting_position = booking._get_waiting_position() if booking.id else 0

    def _compute_claim_url(self):
        for booking in self:
            booking.claim_url = booking._get_claim_url() if booking.id else False

    def _compute_access_url(self):  # pylint: disable=missing-return  # a compute returns nothing
        super()._compute_access_url()
        for booking in self:
            booking.access_url = f"/my/bookings/{booking.id}" if booking.id else "#"

    def _compute_manage_url(self):
        """The personal link sent to the person: the portal address of the booking with its
        access token. None once cancelled (the token is revoked then)."""
        for booking in self:
            booking.manage_url = (
                booking.get_base_url() + booking.get_portal_url()
                if booking.id and booking.state != "cancelled"
                else False
            )

    def write(self, vals):
        if {"start", "stop"} & set(vals) and "reminder_sent_datetime" not in vals:
            vals = dict(vals, reminder_sent_datetime=False)
        if ({"start", "stop"} & set(vals) or vals.get("state") == "cancelled") and "ics_sequence" not in vals:
            for booking in self:
                booking_vals = dict(vals, ics_sequence=booking.ics_sequence + 1)
                if vals.get("state") == "cancelled":
                    booking_vals["access_token"] = False  # the link stops working
                super(AzBooking, booking).write(booking_vals)
            return True
        return super().write(vals)

    # ------------------------------------------------------------------------------------
    # Personal manage link (portal.mixin access token)
    # ------------------------------------------------------------------------------------
    def _portal_link_expired(self):
        """Whether the access token no longer opens this booking (some days after it)."""
        self.ensure_one()
        return bool(self.manage_token_expiry and self.manage_token_expiry < fields.Datetime.now())

    def _get_claim_signature(self):
        """Proof, sent only to the address typed on the website, that the person holding it
        receives that address's messages: it lets them add the booking to the existing
        contact of that address (see readme/DESCRIPTION.md)."""
        self.ensure_one()
        booking = self.sudo()
        if not booking.claim_partner_id:
            return False
        return tools_hmac(self.env(su=True), "az_booking_claim", (booking.id, booking.claim_partner_id.id))

    def _get_claim_url(self):
        self.ensure_one()
        signature = self._get_claim_signature()
        if not signature or self.state == "cancelled":
            return False
        return self.get_base_url() + self.get_portal_url(query_string=f"&claim={signature}")

    def _portal_claim(self, signature):
        """Move the booking to the existing contact of the typed address, once the person
        proved they receive that address's messages."""
        self.ensure_one()
        booking = self.sudo()
        expected = booking._get_claim_signature()
        if not expected or not consteq(expected, signature or ""):
            return False
        partner = booking.claim_partner_id
        booking.write({"partner_id": partner.id, "claim_partner_id": False})
        booking.message_post(
            body=self.env._(
                "The person confirmed through the link sent to them that this booking is theirs: "
                "it now belongs to their contact."
            )
        )
        return True

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
        return self.state in CHANGEABLE_STATES and fields.Datetime.now() < self._portal_deadline()

    def _portal_cancel(self, reason=False):
        self.ensure_one()
        if not self._portal_can_change():
            raise UserError(self.env._("This booking can no longer be changed online. Please call us."))
        self.action_cancel(cancel_by="person", reason=reason or False)
        self.message_post(body=self.env._("Cancelled by the person from the website."))
        return True

    def _portal_reschedule(self, start):
        """Move the booking to the free slot starting at ``start`` (naive UTC) and return
        the booking that now holds the appointment (a new one for a workshop seat)."""
        self.ensure_one()
        if not self._portal_can_change():
            raise UserError(self.env._("This booking can no longer be changed online. Please call us."))
        booking_type = self.type_id
        now = fields.Datetime.now()
        if not now < start <= now + timedelta(days=booking_type.horizon_days):
            raise UserError(self._slot_taken_message())
        stop = start + timedelta(hours=booking_type.duration)
        slots = booking_type.with_context(az_booking_exclude_ids=self.ids)._get_free_slots(
            start - timedelta(days=1), stop + timedelta(days=1)
        )
        slot = next(
            (s for s in slots if s["start"] == start and (s["stop"] == stop or booking_type.is_collective)),
            None,
        )  # a session's own length
        if slot:
            stop = slot["stop"]
        if not slot or (self.start == start and self.state in ACTIVE_STATES):
            raise UserError(self._slot_taken_message())
        if booking_type.is_collective:
            # the seat is given back first: the same person cannot hold two seats of the
            # same type at overlapping times, even for an instant
            self.action_cancel(cancel_by="person", reason=self.env._("Moved by the person."))
            new_booking = self.with_context(az_booking_no_waiting=True).create(
                {
                    "type_id": booking_type.id,
                    "partner_id": self.partner_id.id,
                    "booked_by_id": self.booked_by_id.id,
                    "booked_by_kind": self.booked_by_kind,
                    "consent_datetime": self.consent_datetime,
                    "site_id": self.site_id.id,
                    "lang": self.lang,
                    "start": start,
                    "stop": stop,
                    **({"slot_id": slot["session_id"]} if slot.get("session_id") else {}),
                    "seats": self.seats,
                    "answer_ids": [
                        fields.Command.create({"question_id": a.question_id.id, "value": a.value})
                        for a in self.answer_ids
                    ],
                }
            )
            self.cancel_reason = self.env._("Moved to %s by the person.", new_booking.name)
            new_booking.message_post(
                body=self.env._("Booked by the person from the website, in place of %s.", self.name)
            )
            return new_booking
        user = (
            self.user_id
            if self.user_id.id in slot["user_ids"]
            else self.env["res.users"].browse(booking_type._pick_least_loaded(slot["user_ids"], start))
        )
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
        """The appointment as an iCalendar file (bytes): a REQUEST, its updates with a
        higher SEQUENCE, and a CANCEL once cancelled (RFC 5546). A sensitive type shows only
        its neutral name."""
        self.ensure_one()
        booking = self.sudo().with_context(lang=self.lang or self.env.lang)
        location = booking.site_id.address_line() if booking.site_id else ""
        if booking.site_id:
            location = ", ".join(p for p in (booking.site_id.name, location) if p)
        description = booking.env._("Reference: %s", booking.name)
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
        """ "Tuesday 3 March 2026, 10:00" in the booking's timezone and language: what the
        messages to the person say (no seconds)."""
        self.ensure_one()
        booking = self.sudo()
        lang = booking.lang or booking.partner_id.lang or self.env.lang or "en_US"
        return format_datetime(
            self.env,
            moment or booking.start,
            tz=booking.type_id.tz or "UTC",
            dt_format="EEEE d MMMM y, HH:mm",
            lang_code=lang,
        )

    def _get_waiting_position(self):
        """Place of this booking on its workshop session's waiting list (1 = next)."""
        self.ensure_one()
        if self.state != "waiting" or not self.slot_id:
            return 0
        ahead = self.sudo().search_count(
            [
                ("slot_id", "=", self.slot_id.id),
                ("state", "=", "waiting"),
                "|",
                ("create_date", "<", self.create_date),
                "&",
                ("create_date", "=", self.create_date),
                ("id", "<", self.id),
            ]
        )
        return ahead + 1

    # Mail templates of each message sent to the person.
    _NOTIFICATION_TEMPLATES = {
        "confirmation": "az_booking.mail_template_booking_confirmation",
        "waiting": "az_booking.mail_template_booking_waiting",
        "reminder": "az_booking.mail_template_booking_reminder",
        "cancelled": "az_booking.mail_template_booking_cancelled",
        "promoted": "az_booking.mail_template_booking_promoted",
        "session_cancelled": "az_booking.mail_template_booking_session_cancelled",
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
        if kind in ("session_cancelled", "moved"):
            # the waiting list holds no time: no calendar file for it
            no_ics = self.env.context.get("az_booking_no_ics_ids") or []
            waiting = self.filtered(lambda b: b.state == "waiting" or b.id in no_ics)
            sent = (self - waiting)._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind])
            return sent | waiting._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind], ics=False)
        return self._send_portal_mail(self._NOTIFICATION_TEMPLATES[kind])

    def _send_portal_mail(self, xmlid, ics=True):
        """Send one of the website e-mails of these bookings, with the calendar file unless
        ``ics`` is False (the waiting list holds no time)."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        sent = self.browse()
        if not template:
            return sent
        for booking in self.sudo():
            if not booking.partner_id.email:
                continue
            email_values = {}
            if ics:
                attachment = booking._get_ics_attachment()
                email_values["attachment_ids"] = [fields.Command.link(attachment.id)]
            template.sudo().send_mail(booking.id, email_values=email_values)
            sent |= booking
        return sent

    def _send_series_message(self, series):
        """One e-mail to the person listing the dates of a series, each with its own
        link to see or cancel it. Returns whether it was sent."""
        partner = self.partner_id[:1]
        if not partner.email:
            return False
        bookings = self.sudo().with_context(lang=self[:1].lang or partner.lang).sorted("start")
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
