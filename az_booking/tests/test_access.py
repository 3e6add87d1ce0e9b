from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import AzBookingCommon, paris


@tagged("post_install", "-at_install")
@freeze_time("2026-02-27 10:00:00")
class TestAccess(AzBookingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.booking = cls.env["az.booking"].create(
            {
                "type_id": cls.type_individual.id,
                "partner_id": cls.person.id,
                "start": paris(2026, 3, 2, 10),
            }
        )

    def visible(self, user):
        return self.env["az.booking"].with_user(user).search([("id", "=", self.booking.id)])

    def test_staff_member_sees_their_booking_other_staff_do_not(self):
        self.assertEqual(self.visible(self.staff_a), self.booking)
        self.assertFalse(self.visible(self.outsider))
        with self.assertRaises(AccessError):
            self.booking.with_user(self.outsider).read(["partner_id"])
        with self.assertRaises(AccessError):
            self.booking.with_user(self.outsider).write({"note": "x"})

    def test_project_follower_sees_the_bookings(self):
        self.project.message_subscribe(partner_ids=self.outsider.partner_id.ids)
        self.assertEqual(self.visible(self.outsider), self.booking)

    def test_manager_sees_all_and_staff_cannot_configure(self):
        self.assertEqual(self.visible(self.manager), self.booking)
        with self.assertRaises(AccessError):
            self.type_individual.with_user(self.staff_a).write({"capacity": 4})
        self.type_individual.with_user(self.manager).write({"duration": 1.5})
        self.assertEqual(self.type_individual.duration, 1.5)

    def test_project_indicators_follow_access(self):
        project_user = new_test_user(
            self.env, login="az_project_only", groups="base.group_user,project.group_project_user"
        )
        project = self.project.with_user(project_user)
        self.assertEqual(project.az_booking_count, 0)
        self.assertEqual(self.project.with_user(self.staff_a).az_booking_count, 1)
        self.assertEqual(self.project.with_user(self.outsider).az_booking_count, 0)

    def test_portal_user_reads_only_their_own_bookings(self):
        portal = new_test_user(self.env, login="az_portal", groups="base.group_portal")
        self.assertFalse(
            self.env["az.booking"].with_user(portal).search([]), "someone else's booking stays hidden"
        )
        with self.assertRaises(AccessError):
            self.booking.with_user(portal).read(["partner_id"])
        owner = new_test_user(
            self.env, login="az_portal_owner", groups="base.group_portal", partner_id=self.person.id
        )
        self.assertEqual(self.env["az.booking"].with_user(owner).search([]), self.booking)
        with self.assertRaises(AccessError):
            self.booking.with_user(owner).write({"note": "x"})
        with self.assertRaises(AccessError):
            self.env["az.booking.type"].with_user(portal).search([])

    def test_other_company_is_hidden(self):
        other_company = self.env["res.company"].create({"name": "Autre association"})
        other_manager = new_test_user(
            self.env,
            login="az_manager_2",
            groups="base.group_user,az_project_base.group_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        self.assertFalse(self.visible(other_manager))
        self.assertFalse(
            self.env["az.booking.type"]
            .with_user(other_manager)
            .search([("id", "=", self.type_individual.id)])
        )
        # a manager of both companies sees it only with the company enabled
        self.manager.company_ids = [(4, other_company.id)]
        in_other = (
            self.env["az.booking"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=other_company.ids)
            .search([("id", "=", self.booking.id)])
        )
        self.assertFalse(in_other)
        self.assertEqual(self.visible(self.manager), self.booking)

    def test_manager_configures_a_type_from_its_form(self):
        form = Form(self.env["az.booking.type"].with_user(self.manager))
        form.name = "Permanence juridique"
        form.project_id = self.project
        form.staff_user_ids.add(self.staff_a)
        form.staff_user_ids.add(self.staff_b)
        form.assignment = "specific"
        form.specific_user_id = self.staff_b
        form.capacity = 1
        booking_type = form.save()
        self.assertEqual(booking_type._get_staff(), self.staff_b)
        with self.assertRaises(ValidationError):
            booking_type.staff_user_ids = [(3, self.staff_b.id)]
        nobody = new_test_user(
            self.env, login="az_no_schedule", groups="base.group_user,az_project_base.group_user"
        )
        with self.assertRaises(ValidationError):
            booking_type.staff_user_ids = [(4, nobody.id)]
