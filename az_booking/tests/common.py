from datetime import datetime
from zoneinfo import ZoneInfo

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

UTC = ZoneInfo("UTC")


def local(tz_name, year, month, day, hour=0, minute=0):
    """UTC naive datetime of a wall-clock time in ``tz_name`` (what the database stores)."""
    moment = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz_name))
    return moment.astimezone(UTC).replace(tzinfo=None)


def paris(*args):
    return local("Europe/Paris", *args)


class AzBookingCommon(TransactionCase):
    """Two staff members working 9:00-12:00 / 14:00-17:00 Monday to Friday in Paris, a
    manager, a person, an individual type and a 3-seat workshop type, in a project that
    only its followers see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context, tracking_disable=False, mail_create_nolog=False, no_reset_password=True
            )
        )
        cls.company = cls.env.company
        cls.calendar = cls._make_calendar("Europe/Paris")
        cls.staff_a = cls._make_staff("az_staff_a", cls.calendar)
        cls.staff_b = cls._make_staff("az_staff_b", cls.calendar)
        cls.outsider = new_test_user(
            cls.env,
            login="az_staff_out",
            groups="base.group_user,az_project_base.group_user",
            tz="Europe/Paris",
        )
        cls.manager = new_test_user(
            cls.env,
            login="az_manager",
            groups="base.group_user,az_project_base.group_manager",
            tz="Europe/Paris",
        )
        cls.project = cls.env["project.project"].create(
            {
                "name": "Insertion numérique",
                "privacy_visibility": "followers",
            }
        )
        cls.person = cls.env["res.partner"].create(
            {
                "name": "Nadia Benali",
                "email": "nadia@example.com",
                "az_is_beneficiary": True,
            }
        )
        cls.person_2 = cls.env["res.partner"].create(
            {
                "name": "Paul Girard",
                "email": "paul@example.com",
                "az_is_beneficiary": True,
            }
        )
        cls.person_3 = cls.env["res.partner"].create(
            {
                "name": "Lina Costa",
                "email": "lina@example.com",
                "az_is_beneficiary": True,
            }
        )
        cls.type_individual = cls.env["az.booking.type"].create(
            {
                "name": "Premier accueil",
                "project_id": cls.project.id,
                "duration": 1.0,
                "slot_step": 0.5,
                "staff_user_ids": [Command.set([cls.staff_a.id])],
                "assignment": "least_loaded",
                "min_notice_hours": 0,
                "horizon_days": 3650,
                "tz": "Europe/Paris",
            }
        )
        cls.type_workshop = cls.env["az.booking.type"].create(
            {
                "name": "Atelier CV",
                "project_id": cls.project.id,
                "duration": 2.0,
                "slot_step": 1.0,
                "capacity": 3,
                "staff_user_ids": [Command.set([cls.staff_b.id])],
                "assignment": "specific",
                "specific_user_id": cls.staff_b.id,
                "min_notice_hours": 0,
                "horizon_days": 3650,
                "tz": "Europe/Paris",
            }
        )

    @classmethod
    def _make_calendar(cls, tz_name, afternoon=True):
        periods = [("Morning", 9.0, 12.0, "morning")]
        if afternoon:
            periods.append(("Afternoon", 14.0, 17.0, "afternoon"))
        return cls.env["resource.calendar"].create(
            {
                "name": f"Office hours {tz_name}",
                "tz": tz_name,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": name,
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for name, hour_from, hour_to, period in periods
                ],
            }
        )

    @classmethod
    def _make_staff(cls, login, calendar):
        user = new_test_user(
            cls.env,
            login=login,
            groups="base.group_user,az_project_base.group_user",
            tz=calendar.tz,
            name=login.replace("_", " ").title(),
        )
        cls.env["resource.resource"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "calendar_id": calendar.id,
                "tz": calendar.tz,
            }
        )
        return user

    def _book(self, booking_type, start, stop=None, person=None, user=None, as_user=None, **values):
        vals = {
            "type_id": booking_type.id,
            "partner_id": (person or self.person).id,
            "start": start,
            **values,
        }
        if stop:
            vals["stop"] = stop
        if user:
            vals["user_id"] = user.id
        return self.env["az.booking"].with_user(as_user or self.manager).create(vals)

    @staticmethod
    def starts(slots, tz_name="Europe/Paris"):
        """Slot starts as local wall-clock strings, what a person would see."""
        zone = ZoneInfo(tz_name)
        return [slot["start"].replace(tzinfo=UTC).astimezone(zone).strftime("%a %d %H:%M") for slot in slots]
