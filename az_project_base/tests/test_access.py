from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import AzProjectBaseCase


@tagged("post_install", "-at_install")
class TestAccess(AzProjectBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.funding = cls.env["az.funding"].create(cls._funding_vals())

    def test_staff_reads_but_cannot_change_fundings_and_sites(self):
        funding = self.funding.with_user(self.user)
        self.assertEqual(funding.name, "Fondation 2026")
        with self.assertRaises(AccessError):
            funding.write({"rate": 1.0})
        with self.assertRaises(AccessError):
            self.env["az.funding"].with_user(self.user).create(self._funding_vals())
        with self.assertRaises(AccessError):
            self.site.with_user(self.user).write({"capacity": 99})
        self.assertEqual(self.site.with_user(self.user).capacity, 10)

    def test_accountant_manages_fundings_but_cannot_delete(self):
        funding = self.funding.with_user(self.accountant)
        funding.write({"rate": 42.0})
        self.assertEqual(self.funding.rate, 42.0)
        created = (
            self.env["az.funding"].with_user(self.accountant).create(self._funding_vals(name="By accountant"))
        )
        self.assertEqual(created.create_uid, self.accountant)
        with self.assertRaises(AccessError):
            funding.unlink()
        with self.assertRaises(AccessError):
            self.env["az.site"].with_user(self.accountant).create({"name": "X", "tz": "Europe/Paris"})

    def test_manager_has_full_control(self):
        site = (
            self.env["az.site"]
            .with_user(self.manager)
            .create({"name": "Nouveau local", "tz": "America/Cayenne"})
        )
        self.assertEqual(site.company_id, self.env.company)
        self.funding.with_user(self.manager).unlink()
        self.assertFalse(self.funding.exists())

    def test_portal_and_plain_employees_have_no_access(self):
        portal = self.env["res.users"].create(
            {
                "name": "Usager",
                "login": "usager_portal",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        employee = self.env["res.users"].create(
            {
                "name": "Employee",
                "login": "plain_employee",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        for outsider in (portal, employee):
            with self.subTest(user=outsider.login), self.assertRaises(AccessError):
                self.funding.with_user(outsider).read(["name"])

    def test_multi_company_isolation(self):
        other_site = (
            self.env["az.site"].with_user(self.user_b).create({"name": "Site B", "tz": "Pacific/Noumea"})
        )
        self.assertEqual(other_site.company_id, self.company_b)
        visible_to_a = self.env["az.site"].with_user(self.manager).search([])
        self.assertIn(self.site, visible_to_a)
        self.assertNotIn(other_site, visible_to_a)
        visible_to_b = self.env["az.site"].with_user(self.user_b).search([])
        self.assertNotIn(self.site, visible_to_b)
        self.assertFalse(self.env["az.funding"].with_user(self.user_b).search([("id", "=", self.funding.id)]))
        with self.assertRaises(AccessError):
            self.funding.with_user(self.user_b).read(["name"])
