"""Data shared by the website booking tests: staff working every day from 8:00 to 20:00 in
Paris (so that real "now" always has free slots), an individual type, a 2-seat workshop,
an unpublished type and a sensitive type, all published on the website of the company."""

from datetime import timedelta

from lxml import html

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user

from odoo.addons.phone_validation.tools.phone_validation import phone_format

from ..tools.intervals import local_to_utc


class AzBookingPortalCommon(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        cls.company = cls.env.company
        cls.company.phone = "+33 5 56 00 00 00"
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Every day 8-20",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8.0,
                            "hour_to": 20.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        cls.staff = cls._make_staff("az_portal_staff")
        cls.staff_2 = cls._make_staff("az_portal_staff_2")
        cls.project = cls.env["project.project"].create({"name": "Accueil et orientation"})
        common = {
            "project_id": cls.project.id,
            "slot_step": 1.0,
            "min_notice_hours": 2,
            "horizon_days": 30,
            "cancel_deadline_hours": 1,
            "tz": "Europe/Paris",
            "is_published": True,
            "company_id": cls.company.id,
        }
        cls.type_individual = cls.env["az.booking.type"].create(
            dict(
                common,
                name="Premier accueil",
                duration=1.0,
                assignment="specific",
                staff_user_ids=[Command.set(cls.staff.ids)],
                specific_user_id=cls.staff.id,
            )
        )
        cls.question = cls.env["az.booking.question"].create(
            {
                "type_id": cls.type_individual.id,
                "name": "Votre besoin",
                "answer_type": "text",
                "is_required": True,
            }
        )
        cls.question_bool = cls.env["az.booking.question"].create(
            {
                "type_id": cls.type_individual.id,
                "name": "Besoin d'un interprète ?",
                "answer_type": "boolean",
            }
        )
        cls.type_workshop = cls.env["az.booking.type"].create(
            dict(
                common,
                name="Atelier numérique",
                duration=2.0,
                capacity=2,
                assignment="specific",
                staff_user_ids=[Command.set(cls.staff_2.ids)],
                specific_user_id=cls.staff_2.id,
            )
        )
        # the workshop's occurrences: every day at 10:00 (Paris) from tomorrow, for ten days
        today = fields.Date.context_today(cls.type_workshop.with_context(tz="Europe/Paris"))
        cls.workshop_occurrences = cls.env["az.booking.occurrence"].create(
            [
                {
                    "type_id": cls.type_workshop.id,
                    "start": local_to_utc(today + timedelta(days=day), 10.0, "Europe/Paris"),
                    "user_ids": [Command.set(cls.staff_2.ids)],
                }
                for day in range(1, 11)
            ]
        )
        cls.type_hidden = cls.env["az.booking.type"].create(
            dict(
                common,
                name="Entretien interne",
                is_published=False,
                duration=1.0,
                staff_user_ids=[Command.set(cls.staff_2.ids)],
            )
        )
        cls.type_sensitive = cls.env["az.booking.type"].create(
            dict(
                common,
                name="Suivi addictologie",
                is_sensitive=True,
                duration=1.0,
                staff_user_ids=[Command.set(cls.staff_2.ids)],
            )
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="az_portal_nadia",
            password="az_portal_nadia",
            groups="base.group_portal",
            name="Nadia Portail",
            email="nadia.portail@example.com",
        )
        cls.portal_user_2 = new_test_user(
            cls.env,
            login="az_portal_paul",
            password="az_portal_paul",
            groups="base.group_portal",
            name="Paul Portail",
            email="paul.portail@example.com",
        )

    @classmethod
    def _make_staff(cls, login):
        user = new_test_user(
            cls.env,
            login=login,
            groups="base.group_user,az_project_base.group_user",
            tz="Europe/Paris",
            name=login.replace("_", " ").title(),
        )
        cls.env["resource.resource"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "calendar_id": cls.calendar.id,
                "tz": "Europe/Paris",
            }
        )
        return user

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # a visitor's occurrence on this database

    # ------------------------------------------------------------------------------------
    def free_slots(self, booking_type, days=7):
        now = fields.Datetime.now()
        # a window starting a day back, as the pages do, so that the slots lie on the grid
        # of the working hours (the notice keeps the past out)
        slots = booking_type._get_free_slots(now - timedelta(days=1), now + timedelta(days=days))
        self.assertGreaterEqual(len(slots), 3, "the test needs free slots")
        return slots

    @staticmethod
    def start_param(moment):
        return moment.strftime("%Y-%m-%dT%H:%M")

    def counts(self):
        self.env.invalidate_all()
        return (
            self.env["az.booking"].sudo().search_count([]),
            self.env["res.partner"].sudo().with_context(active_test=False).search_count([]),
            self.env["az.booking.answer"].sudo().search_count([]),
        )

    def get_doc(self, url, expected_status=200):
        response = self.url_open(url)
        self.assertEqual(response.status_code, expected_status, url)
        return response, html.fromstring(response.content)

    def csrf_from(self, doc):
        """The CSRF token of the page's form; the form's one-time submission key (when it
        has one) is kept for the next ``form_data``."""
        tokens = doc.xpath("//main//input[@name='csrf_token']/@value")
        self.assertTrue(tokens, "the page has a form with a CSRF token")
        keys = doc.xpath("//main//input[@name='submission_key']/@value")
        if keys:
            self.form_key = keys[0]
        return tokens[0]

    def e164(self, number):
        """A number as Odoo's phone helpers write it for France (E.164 when the
        ``phonenumbers`` library is installed, as typed otherwise)."""
        return phone_format(number, "FR", 33, force_format="E164", raise_exception=False)

    @staticmethod
    def manage_url(booking, suffix="", **query):
        """The personal link of a booking, as sent to the person."""
        extra = "".join(f"&{key}={value}" for key, value in query.items())
        return booking.get_portal_url(suffix=suffix, query_string=extra)

    def form_data(self, slot, csrf, **overrides):
        data = {
            "csrf_token": csrf,
            "start": self.start_param(slot["start"]),
            "name": "Samia Haddad",
            "email": "samia.haddad@example.com",
            "phone": "+33 6 12 34 56 78",
            f"question_{self.question.id}": "Trouver une formation",
            f"question_{self.question_bool.id}": "no",
            "consent": "1",
            "submission_key": getattr(self, "form_key", None),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def book_directly(self, booking_type, slot, partner, booked_by=None):
        return (
            self.env["az.booking"]
            .sudo()
            .create(
                {
                    "type_id": booking_type.id,
                    "partner_id": partner.id,
                    "booked_by_id": (booked_by or partner).id,
                    "booked_by_kind": "self" if not booked_by or booked_by == partner else "referrer",
                    "start": slot["start"],
                    "stop": slot["stop"],
                }
            )
        )
