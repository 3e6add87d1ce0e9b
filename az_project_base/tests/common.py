from odoo.tests import TransactionCase, new_test_user


class AzProjectBaseCase(TransactionCase):
    """Two companies, one user per group, a funder, a project and a site."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Other association"})
        cls.user = new_test_user(cls.env, "az_user", groups="az_project_base.group_user", name="Staff member")
        cls.accountant = new_test_user(
            cls.env,
            "az_accountant",
            groups="az_project_base.group_accountant",
            name="Accountant",
        )
        cls.manager = new_test_user(
            cls.env, "az_manager", groups="az_project_base.group_manager", name="Manager"
        )
        cls.user_b = new_test_user(
            cls.env,
            "az_user_b",
            groups="az_project_base.group_manager",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
            name="Manager B",
        )
        cls.funder = cls.env["res.partner"].create(
            {
                "name": "Fondation Solidaire",
                "is_company": True,
                "az_is_funder": True,
                "az_funder_type": "foundation",
            }
        )
        cls.plan = cls.env["account.analytic.plan"].create({"name": "Actions"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {
                "name": "Action jeunes",
                "plan_id": cls.plan.id,
            }
        )
        cls.project = cls.env["project.project"].create(
            {
                "name": "Action jeunes",
                "account_id": cls.analytic.id,
            }
        )
        cls.site = cls.env["az.site"].create(
            {
                "name": "Antenne nord",
                "city": "Lille",
                "tz": "Europe/Paris",
                "capacity": 10,
            }
        )

    @classmethod
    def _funding_vals(cls, **overrides):
        vals = {
            "name": "Fondation 2026",
            "funder_id": cls.funder.id,
            "project_id": cls.project.id,
            "date_start": "2026-01-01",
            "date_end": "2026-12-31",
            "unit": "hour",
            "rate": 40.0,
            "target_quantity": 250.0,
        }
        vals.update(overrides)
        return vals
