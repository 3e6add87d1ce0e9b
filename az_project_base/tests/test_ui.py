from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_login_page_served(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="login"', response.text)

    def test_funding_tour(self):
        """A manager opens Project > Social > Fundings in a real browser and finds the
        funding of the project with its funder and rate."""
        funder = self.env["res.partner"].create(
            {
                "name": "Fondation Tour",
                "is_company": True,
                "az_is_funder": True,
            }
        )
        project = self.env["project.project"].create({"name": "Projet Tour"})
        self.env["az.funding"].create(
            {
                "name": "Subvention Tour",
                "funder_id": funder.id,
                "project_id": project.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "unit": "hour",
                "rate": 37.5,
                "target_quantity": 120,
                "state": "active",
            }
        )
        self.start_tour("/odoo", "az_project_base_funding_tour", login="admin")
