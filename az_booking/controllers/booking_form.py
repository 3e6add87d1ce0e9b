"""The booking form as the website reads it: every field through the shared input layer
(``az_project_base/tools/public_input.py``) and Odoo's e-mail and phone helpers, turned into
the clean request ``az.booking._book_from_website`` takes."""

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize, email_split

from odoo.addons.az_project_base.tools import public_input as pi
from odoo.addons.phone_validation.tools.phone_validation import phone_format

from .booking_page import (
    ANSWER_MAX,
    EMAIL_MAX,
    EMAIL_RE,
    FORBIDDEN_NAME_CHARS,
    HONEYPOT_FIELD,
    NAME_MAX,
    PHONE_MAX,
    SUBMISSION_KEY_FIELD,
    AzBookingPageMixin,
    BookingError,
)


class AzBookingFormMixin(AzBookingPageMixin):
    """Reading the posted booking form: overridable per field."""

    def _validate_email(self, email, errors):
        """The typed e-mail address checked and normalised by Odoo's own helpers: one
        address, nothing around it."""
        if not email or "email" in errors:
            return False
        normalized = email_normalize(email, strict=True)
        if len(email_split(email)) != 1 or not normalized or not EMAIL_RE.match(email):
            errors["email"] = request.env._(
                "This e-mail address is not valid (for example: name@example.com)."
            )
            return False
        return normalized

    def _phone_country(self):
        """The country national numbers are read in: the website company's, else the one
        of the visitor's address (GeoIP) when known."""
        country = request.website.company_id.country_id
        if not country:
            code = request.geoip.country_code if request.geoip else None
            if code:
                country = request.env["res.country"].search([("code", "=", code)], limit=1)
        return country

    def _validate_phone(self, phone, errors):
        """The typed phone number in international form (E.164) through Odoo's phone
        helpers (``phone_validation``)."""
        if not phone or "phone" in errors:
            return False
        country = self._phone_country()
        try:
            pi.parse_phone(phone, "phone")
            formatted = phone_format(
                phone,
                country.code or None,
                country.phone_code or None,
                force_format="E164",
                raise_exception=True,
            )
        except (pi.InputError, UserError):
            errors["phone"] = request.env._(
                "This phone number is not valid. Please check it, or write it with its "
                "country code (for example +33 6 12 34 56 78)."
            )
            return False
        return formatted

    def _validate_form(self, booking_type, post):
        """Clean values and per-field error messages of a posted booking form."""
        errors = {}
        values = {}
        env = request.env
        name = self._read_text(post, "name", NAME_MAX, env._("Name"), errors=errors)
        if "name" not in errors:
            if not name:
                errors["name"] = env._("Please give your name.")
            elif FORBIDDEN_NAME_CHARS.search(name):
                errors["name"] = env._(
                    "Your name contains characters that are not allowed (such as < > or /)."
                )
        values["name"] = name
        email = self._read_text(post, "email", EMAIL_MAX, env._("E-mail"), errors=errors)
        values["email"] = email
        values["email_normalized"] = self._validate_email(email, errors)
        phone = self._read_text(post, "phone", PHONE_MAX, env._("Phone"), errors=errors)
        values["phone"] = phone
        values["phone_e164"] = self._validate_phone(phone, errors)
        if not email and not phone and "email" not in errors and "phone" not in errors:
            errors["email"] = env._(
                "Please give an e-mail address or a mobile phone number: we send your "
                "confirmation and your personal link there."
            )
        answers = {}
        for question in booking_type.question_ids:
            key = f"question_{question.id}"
            limit = ANSWER_MAX.get(question.answer_type, 256)
            raw = post.get(key)
            if question.answer_type == "boolean":
                value = "yes" if raw in ("yes", "1", "on") else ("no" if raw == "no" else "")
                if raw not in (None, "", "yes", "no", "1", "on"):
                    errors[key] = env._("Please answer yes or no.")
            else:
                value = self._read_text(
                    post, key, limit, question.name, multiline=question.answer_type == "text", errors=errors
                )
            if question.is_required and not value and key not in errors:
                errors[key] = env._("Please answer this question.")
            answers[question.id] = value
            values[key] = value
        if post.get("consent") != "1":
            errors["consent"] = env._("Please accept the processing of your information to book.")
        values["consent"] = post.get("consent") == "1"
        return values, answers, errors

    def _parse_booking_request(self, booking_type, post):
        """The posted form as the clean request handed to ``az.booking._book_from_website``,
        with ``values`` (what was typed, to show again) and ``errors`` (per field). Refusals
        of the whole form raise a BookingError."""
        env = request.env
        start = self._parse_start(post.get("start"))
        if post.get(HONEYPOT_FIELD):
            raise BookingError(
                env._(
                    "Your request could not be processed. Please try again without filling the hidden field."
                )
            )
        try:
            key = pi.parse_token(post.get(SUBMISSION_KEY_FIELD), field=SUBMISSION_KEY_FIELD)
        except pi.InputError:
            raise BookingError(
                env._("This form is not valid or has expired. Please open the booking page again.")
            ) from None
        if not self._verify_bot_protection():
            raise BookingError(env._("We could not check that you are not a robot. Please try again."))
        if start <= fields.Datetime.now():
            raise BookingError(env._("This time is in the past. Please choose a time in the list."))
        values, answers, errors = self._validate_form(booking_type, post)
        values[SUBMISSION_KEY_FIELD] = key
        staff_id = False
        if (
            booking_type.assignment == "user_picks"
            and not booking_type.is_collective
            and post.get("staff_id") not in (None, "")
        ):
            try:
                staff_id = pi.parse_id(post.get("staff_id"), field="staff_id")
            except pi.InputError:
                staff_id = -1
            values["staff_id"] = staff_id
            if staff_id not in booking_type.staff_user_ids.ids:
                errors["staff_id"] = env._("This person is not free at this time: choose another one.")
        return {
            "start": start,
            "waiting_list": booking_type.is_collective and post.get("waiting_list") == "1",
            "staff_id": staff_id,
            "name": values["name"],
            "email": values["email"],
            "email_normalized": values["email_normalized"],
            "phone_e164": values["phone_e164"],
            "answers": answers,
            "submission_key": key,
            "values": values,
            "errors": errors,
        }

    def _verify_bot_protection(self):
        """Odoo's hook for reCAPTCHA / Turnstile: it lets everything through until an
        administrator enables one of them."""
        try:
            return request.env["ir.http"]._verify_request_recaptcha_token("az_booking_submit")
        except (UserError, ValidationError):
            return False
