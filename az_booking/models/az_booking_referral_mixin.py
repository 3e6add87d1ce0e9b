from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, html_escape

# What a referent reads of each state of a booking they made.
REFERRAL_STATUS = {
    "waiting": "waiting",
    "requested": "confirmed",
    "confirmed": "confirmed",
    "done": "attended",
    "no_show": "absent",
    "excused": "excused",
    "cancelled": "cancelled",
}


class AzBookingReferralMixin(models.AbstractModel):
    """A booking a referent of a referring organisation made for a person they refer: who
    made it and for which organisation, the person's consent as the referent recorded it,
    what the referent may follow of it (its status, never the person's other bookings) and
    the message they get when the person did not come."""

    _name = "az.booking.referral.mixin"
    _description = "Booking made by a referent for a person they refer"

    referrer_org_id = fields.Many2one(
        "res.partner",
        string="Referring organisation",
        compute="_compute_referrer_org_id",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="The organisation of the referent who booked for the person.",
    )
    consent_by_id = fields.Many2one(
        "res.partner",
        string="Consent recorded by",
        copy=False,
        readonly=True,
        help="Who recorded the person's consent: the person, or the referent who booked for them.",
    )
    consent_text = fields.Text(
        string="Consent text",
        copy=False,
        readonly=True,
        help="The words the person (or their referent) agreed to when booking.",
    )
    referred_name = fields.Char(
        string="Name given by the referent",
        copy=False,
        readonly=True,
        help="The person's name as the referent typed it: what the referent's page shows.",
    )
    referral_moved = fields.Boolean(
        string="Moved",
        copy=False,
        readonly=True,
        help="The appointment was moved to another time after the referent booked it.",
    )
    referrer_absence_notified = fields.Boolean(
        string="Referent told of the absence",
        copy=False,
        readonly=True,
    )

    @api.depends("booked_by_id", "booked_by_kind")
    def _compute_referrer_org_id(self):
        for booking in self:
            booking.referrer_org_id = (
                booking.booked_by_id._az_referrer_organisation()
                if booking.booked_by_kind == "referrer" and booking.booked_by_id
                else False
            )

    def _referral_moves(self, vals):
        """Whether writing ``vals`` moves a referred booking to another time (the referent
        then reads "moved"); called by ``az.booking._write_checked``."""
        start = fields.Datetime.to_datetime(vals.get("start"))
        return bool(start and self.filtered(lambda b: b.referrer_org_id and b.start and b.start != start))

    # ------------------------------------------------------------------------------------
    # Booking from the website
    # ------------------------------------------------------------------------------------
    @api.model
    def _website_referral_values(self, booking_type, booked_by, request):
        """The values a website booking adds for who booked: the consent as recorded (by the
        person, or by the referent for the person they refer). Refuses a type the visitor
        may not book (its page is refused before, this is the model's own guard)."""
        if not booking_type._website_bookable_by(self.env.user):
            raise UserError(self.env._("This appointment type cannot be booked online."))
        user = self.env.user
        referent = not user._is_public() and user.partner_id._az_referrer_organisation()
        return {
            "referred_name": request["name"] if referent else False,
            "consent_by_id": booked_by.id,
            "consent_text": (
                booking_type._get_referral_consent_text() if referent else booking_type._get_consent_text()
            ),
        }

    # ------------------------------------------------------------------------------------
    # What the referent follows
    # ------------------------------------------------------------------------------------
    @api.model
    def _referral_domain(self, partner):
        """The bookings a referent may follow: the ones they made for a person they refer."""
        return [("booked_by_id", "=", partner.id), ("referrer_org_id", "!=", False)]

    def _referral_status(self):
        """``(key, label)`` of what the referent reads: confirmed, moved, cancelled,
        attended, absent, excused (or on the waiting list)."""
        self.ensure_one()
        key = REFERRAL_STATUS[self.state]
        if key == "confirmed" and self.referral_moved:
            key = "moved"
        labels = {
            "waiting": self.env._("On the waiting list"),
            "confirmed": self.env._("Confirmed"),
            "moved": self.env._("Moved"),
            "cancelled": self.env._("Cancelled"),
            "attended": self.env._("Attended"),
            "absent": self.env._("Absent"),
            "excused": self.env._("Excused"),
        }
        return key, labels[key]

    def _referral_row(self):
        """What the referent's page shows of this booking: nothing of the person's other
        bookings, nor the sensitive type's name unless the type allows it."""
        self.ensure_one()
        booking = self.sudo()
        key, label = booking._referral_status()
        return {
            "name": booking.name,
            # the name the referent typed (a booking staff recorded for them: its contact's)
            "person": booking.referred_name or booking.partner_id.name,
            "type_label": booking.type_id._referent_type_label(),
            "when": booking.type_id._format_datetime(booking.start, lang=self.env.lang),
            "status": key,
            "status_label": label,
        }

    # ------------------------------------------------------------------------------------
    # Absence
    # ------------------------------------------------------------------------------------
    def _notify_referent_of_absence(self):
        """Tell the referent, once, in their language, that the person they referred did
        not come."""
        bookings = self.sudo().filtered(
            lambda b: (
                b.state == "no_show"
                and b.referrer_org_id
                and not b.referrer_absence_notified
                and email_normalize(b.booked_by_id.email or "")
            )
        )
        for booking in bookings:
            referent = booking.booked_by_id
            lang = booking.company_id._az_lang(referent.lang)
            env = booking.with_context(lang=lang).env
            type_ = booking.type_id.with_context(lang=lang)
            when = type_._format_datetime(booking.start, lang=lang)
            subject = env._(
                "%(person)s did not come to their appointment",
                person=booking.referred_name or booking.partner_id.name,
            )
            body = env._(
                "Hello %(referent)s,<br/><br/>%(person)s, whom you referred, did not come to their "
                "appointment (%(type)s) on %(when)s, reference %(name)s.<br/>You can follow the "
                "appointments you booked on your page: %(url)s",
                referent=html_escape(referent.name),
                person=html_escape(booking.referred_name or booking.partner_id.name),
                type=html_escape(type_._referent_type_label()),
                when=html_escape(when),
                name=html_escape(booking.name),
                url=html_escape(booking.get_base_url() + "/my/referrals"),
            )
            self.env["mail.mail"].sudo().create(
                {
                    "subject": subject,
                    "body_html": f"<p>{body}</p>",
                    "recipient_ids": [fields.Command.link(referent.id)],
                    "email_from": booking.company_id.partner_id.email_formatted or False,
                    "model": "az.booking",
                    "res_id": booking.id,
                    "auto_delete": True,
                }
            )
        if bookings:
            bookings.write({"referrer_absence_notified": True})
            bookings._wake_queue("mail.ir_cron_mail_scheduler_action")
