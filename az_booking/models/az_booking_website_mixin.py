import uuid
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError

from .az_booking_holding_mixin import ADDRESS_LOCK_KEY


class AzBookingWebsiteMixin(models.AbstractModel):
    """The booking a person makes on the website, one way down: the controller parses the
    form and hands a clean request to ``_book_from_website``, which checks the form's
    one-time key, matches or creates the contact, holds the slot and creates the booking
    (each once), then tells the person."""

    _name = "az.booking.website.mixin"
    _description = "Booking made from the website"

    @api.model
    def _book_from_website(self, booking_type, request):
        """Book ``request`` (a dict of the checked form: ``start`` naive UTC, ``name``,
        ``email``, ``email_normalized``, ``phone_e164``, ``answers`` {question id: answer},
        ``submission_key``, ``waiting_list``, ``staff_id``) for the visitor of this
        environment on ``booking_type`` (sudo, published). Returns ``(booking, created)``:
        the booking the same form made before (``created`` False), or the new one, whose
        person is told at once. Raises UserError when the time is no longer free.

        The form's key is unique in the database (``submission_key_unique``): the same form
        sent again finds the first booking here, and two sendings at the same instant cannot
        both insert a booking (the second waits for the first to commit, then fails with a
        UniqueViolation). The database's refusals (that UniqueViolation, an
        ExclusionViolation for a time taken meanwhile) are raised as they come, without a
        savepoint of their own: the caller rolls the transaction back, contact included
        (``az_booking_caller_rolls_back``), and may then find the first booking with
        ``_website_booking_of_form``."""
        Booking = self.sudo()
        now = fields.Datetime.now()
        if not now < request["start"] <= now + timedelta(days=booking_type.horizon_days):
            raise UserError(Booking._slot_taken_message())  # outside the booking window
        typed_address = self._typed_address(request)
        first = self._website_booking_of_form(request["submission_key"], lock_address=typed_address)
        if first:
            return first, False
        self._prefetch_website_booking(booking_type)
        partner, claim_partner = self._match_website_partner(booking_type, request)
        user = self.env.user
        booked_by = partner if user._is_public() else user.partner_id
        values = {
            "type_id": booking_type.id,
            "partner_id": partner.id,
            "start": request["start"],
            "claim_partner_id": claim_partner.id,
            "booked_by_id": booked_by.id,
            "booked_by_kind": "self" if booked_by == partner else "referrer",
            "consent_datetime": fields.Datetime.now(),
            "lang": self._website_lang(),
            "submission_key": request["submission_key"],
            "typed_address": typed_address,
            # the personal link of the confirmation, made with the booking rather than
            # written after it
            "access_token": str(uuid.uuid4()),
            "answer_ids": [
                fields.Command.create({"question_id": question_id, "value": value})
                for question_id, value in request["answers"].items()
                if value
            ],
        }
        # who recorded the consent, and for a referent the organisation's own values
        values.update(self._website_referral_values(booking_type, booked_by, request))
        if not booking_type.is_collective:  # a seat takes the site of its occurrence
            # the site the person chose on the address page (checked by the controller)
            values["site_id"] = request.get("site_id") or booking_type.site_ids[:1].id
        if request.get("staff_id"):
            values["user_id"] = request["staff_id"]
        # the staff member follows the booking; the event put in their calendar in the same
        # request tells them of it, not a separate "you have been assigned" e-mail
        booking = Booking.with_context(
            mail_create_nosubscribe=True,
            mail_auto_subscribe_no_notify=True,
            az_booking_no_waiting=not request.get("waiting_list"),
            # for staff, in the company's language whatever the page's
            az_booking_creation_message=self.with_context(
                lang=(booking_type.company_id or self.env.company)._az_lang()
            ).env._("Booked from the website."),
            az_booking_caller_rolls_back=True,
            az_booking_people_locked=bool(typed_address),
        ).create(values)
        booking._send_portal_notification("confirmation")
        return booking, True

    @api.model
    def _book_from_website_once(self, booking_type, request):
        """``_book_from_website`` for a whole request: a refusal (UserError, or the
        database's UniqueViolation or ExclusionViolation) rolls the transaction back, so
        that it leaves nothing behind (the contact goes with it), and then the booking this
        form made, if any, is the answer: the same form sent twice at the same instant
        waited for the other sending at the form's unique key, and both show the booking it
        made (the lookup runs in a new transaction, which sees it). Otherwise the refusal is
        raised again, for the caller to explain."""
        try:
            return self._book_from_website(booking_type, request)
        except (UserError, pg_errors.UniqueViolation, pg_errors.ExclusionViolation):
            self.env.cr.rollback()
            first = self._website_booking_of_form(request["submission_key"])
            if first:
                return first, False
            raise

    @api.model
    def _website_booking_of_form(self, submission_key, lock_address=False):
        """The booking the website form of this one-time key made (sudo), if any.

        ``lock_address``: the address typed on the form, whose lock (``_lock_people``) is
        taken first, in the same query. It is the only person's lock a website booking
        needs: its contact is either new, or one the form made from that very address, or
        the visitor's own of that address."""
        if not lock_address:
            return self.sudo().search([("submission_key", "=", submission_key)], limit=1)
        self.env.cr.execute(
            """
            WITH address_lock AS (SELECT pg_advisory_xact_lock(%s, hashtext(%s)))
            SELECT (SELECT id FROM az_booking WHERE submission_key = %s LIMIT 1) FROM address_lock
            """,
            [ADDRESS_LOCK_KEY, lock_address, submission_key],
        )
        return self.sudo().browse(self.env.cr.fetchone()[0] or [])

    @api.model
    def _prefetch_website_booking(self, booking_type):
        """Read at once the records a website booking otherwise reads one by one: the
        users (the visitor, the staff members of the type, and the superuser whose contact
        Odoo compares with a new one), then their contacts and the company's (the author of
        the booking's message, its follower, the attendees of the event, the sender of the
        e-mail)."""
        users = (
            self.env["res.users"]
            .sudo()
            .browse(
                [self.env.uid, SUPERUSER_ID] + booking_type.with_context(active_test=False).staff_user_ids.ids
            )
        )
        partners = users.partner_id | booking_type.company_id.partner_id
        partners.mapped("email")

    @api.model
    def _typed_address(self, request):
        """The address that makes two website sendings one person: the e-mail typed
        (normalised), else the phone (international form)."""
        if request["email_normalized"]:
            return request["email_normalized"]
        return f"tel:{request['phone_e164']}" if request["phone_e164"] else False

    @api.model
    def _website_lang(self):
        """The language of the page, when it is installed."""
        lang = self.env.lang
        return lang if lang in dict(self.env["res.lang"].get_installed()) else False

    @api.model
    def _match_website_partner(self, booking_type, request):
        """The contact a website booking is for, chosen so that nothing stored is ever
        shown to someone who only typed an address, and typed details never join a booking
        to a contact stored for someone (they prove nothing):

        - a logged-in person who typed their own e-mail (or, without e-mail, their own
          phone) books for themselves;
        - otherwise the booking goes to a contact holding exactly what was typed: one the
          website form made before (``az_booking_typed``) from the same name, e-mail and
          phone, still without a user account, or a new one. A contact made otherwise (by
          staff, an import, a signup) is never chosen, whatever was typed.

        Another contact with the same e-mail or phone (one made otherwise first) is recorded
        as ``claim_partner_id``, on a new contact as on a reused one: the booking joins it
        when the person confirms through the link sent to that address.

        Returns ``(partner, claim_partner)`` (sudo)."""
        user = self.env.user
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        own = user.partner_id
        email, phone = request["email_normalized"], request["phone_e164"]
        if not user._is_public() and (
            (email and own.email_normalized == email)
            or (not email and phone and phone in (own.phone_sanitized, own.mobile))
        ):
            return own.sudo(), Partner
        company_domain = [("company_id", "in", [False, booking_type.company_id.id])]
        if email:
            address_domain = [("email_normalized", "=", email)]
        else:
            address_domain = ["|", ("phone_sanitized", "=", phone), ("mobile", "=", phone)]
        matches = Partner.search(address_domain + company_domain, order="id")
        same = matches.filtered(
            lambda p: (
                p.az_booking_typed
                and not p.user_ids
                and p.active
                and p.name == request["name"]
                and (p.phone or False) == (phone or False)
                and (p.email or False) == (request["email"] or False)
            )
        )
        partner = same[:1]
        if not partner:
            # the booking's own creation message says it was made from the website
            partner = Partner.with_context(mail_create_nosubscribe=True, mail_create_nolog=True).create(
                Partner._az_typed_contact_values(
                    {
                        "name": request["name"],
                        "email": request["email"] or False,
                        "phone": phone or False,
                        "lang": self._website_lang(),
                        "az_is_beneficiary": True,
                        "az_booking_typed": True,
                        "company_id": booking_type.company_id.id,
                    }
                )
            )
        others = matches - partner
        claim_partner = (others.filtered(lambda p: not p.az_booking_typed) or others)[:1]
        return partner, claim_partner
