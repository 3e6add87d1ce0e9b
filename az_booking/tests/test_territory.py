import base64
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.az_project_base.tools import territory

from .common import AzBookingCommon

MONDAY = datetime(2027, 3, 1, 6, 0)  # 7:00 in Paris


@tagged("post_install", "-at_install")
class TestTerritory(AzBookingCommon):
    """An address finds the sites and types that serve it, the most precise area winning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Site = cls.env["az.site"]
        cls.town = Site.create({"name": "Maison des solidarités Paris 5", "city": "Paris", "zip": "75005"})
        cls.street = Site.create({"name": "Antenne Saint-Michel", "city": "Paris", "zip": "75005"})
        cls.lyon = Site.create({"name": "Antenne Lyon 1", "city": "Lyon", "zip": "69001"})
        Area = cls.env["az.site.area"]
        Area.create(
            [
                {"site_id": cls.town.id, "insee_code": "75056", "city": "Paris", "postcode": "75005"},
                {
                    "site_id": cls.street.id,
                    "city": "Paris",
                    "postcode": "75005",
                    "street": "Boulevard Saint-Michel",
                },
                {"site_id": cls.lyon.id, "postcode": "69001"},
            ]
        )
        cls.type_individual.write(
            {"site_ids": [Command.set((cls.town | cls.street | cls.lyon).ids)], "territory_open": False}
        )
        cls.types = cls.type_individual

    def search(self, typed, types=None):
        with freeze_time(MONDAY):
            return self.env["az.booking.type"]._az_search_territory(
                typed, types=types if types is not None else self.types
            )

    def test_an_address_inside_a_street_area_is_routed_there_not_to_the_towns_site(self):
        rows = self.search("12 bd St-Michel, 75005 PARIS")
        self.assertEqual([row["site"] for row in rows], [self.street])
        self.assertEqual(rows[0]["level"], territory.STREET)
        self.assertEqual(len(rows[0]["slots"]), 3, "the first three free times are offered")
        self.assertEqual(rows[0]["slots"][0]["start"], datetime(2027, 3, 1, 8, 0), "Monday 9:00 in Paris")

    def test_another_street_of_the_town_is_routed_to_the_towns_site(self):
        rows = self.search("3 rue Mouffetard 75005 Paris")
        self.assertEqual([row["site"] for row in rows], [self.town])

    def test_a_postcode_alone_offers_every_site_serving_it_and_no_other(self):
        rows = self.search("75005")
        self.assertEqual({row["site"] for row in rows}, {self.town, self.street})
        self.assertEqual(self.search("69 001")[0]["site"], self.lyon)

    def test_an_address_served_by_no_area_gets_no_closed_type_but_every_open_one(self):
        self.assertEqual(self.search("1 place Bellecour, 13001 Marseille"), [])
        self.type_workshop.site_ids = self.town
        rows = self.search("1 place Bellecour, 13001 Marseille", types=self.types | self.type_workshop)
        self.assertEqual([(row["type"], row["site"]) for row in rows], [(self.type_workshop, self.town)])

    def test_types_are_listed_soonest_first(self):
        later = self.type_individual.copy({"name": "Permanence juridique", "min_notice_hours": 72})
        rows = self.search("75005", types=later | self.type_individual)
        firsts = [row["slots"][0]["start"] for row in rows]
        self.assertEqual(firsts, sorted(firsts))
        self.assertEqual(rows[0]["type"], self.type_individual, "the type bookable today comes first")
        self.assertEqual(rows[-1]["type"], later)

    def test_the_number_of_queries_does_not_grow_with_types_sites_staff_or_days(self):
        def count(types):
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            rows = self.search("75005", types=types)
            self.assertTrue(rows and all(row["slots"] for row in rows))
            return self.cr.sql_log_count - before

        small = count(self.type_individual)
        many = self.type_individual
        for i in range(6):
            staff = self._make_staff(f"az_territory_{i}", self.calendar)
            site = self.env["az.site"].create({"name": f"Site {i}", "zip": "75005"})
            self.env["az.site.area"].create({"site_id": site.id, "postcode": "75005"})
            many |= self.type_individual.copy(
                {
                    "name": f"Type {i}",
                    "staff_user_ids": [Command.set(staff.ids)],
                    "site_ids": [Command.set(site.ids)],
                    "horizon_days": 30 + 60 * i,
                    # the later types find their first times only after the first week
                    "min_notice_hours": 24 * 10 * i,
                }
            )
        # two more reads for the types without free times in their first days: two weeks,
        # then the rest of their booking windows
        self.assertEqual(count(many), small + 2)
        self.assertEqual(count(many), count(many[:4]))

    def test_import_areas_from_csv(self):
        content = (
            "code_postal;code_insee;commune;voie\n"
            "75005;75056;Paris;\n"
            "75005;;Paris;12 bis Bd St-Michel\n"
            "75005;;Paris;Boulevard Saint Michel\n"
            "69001;;;\n"
        )
        wizard = self.env["az.site.area.import"].create(
            {"site_id": self.lyon.id, "file": base64.b64encode(content.encode()), "replace": True}
        )
        wizard.action_import()
        self.assertEqual(
            sorted(self.lyon.area_ids.mapped("kind")),
            ["commune", "postcode", "street"],
            "the same street written twice is imported once",
        )

    def test_a_wrong_line_imports_nothing_and_is_named(self):
        before = self.street.area_ids
        content = "postcode,insee,city,street\n75005,,Paris,Rue Mouffetard\n7500,,,\n75006,9Z001,Paris,\n"
        wizard = self.env["az.site.area.import"].create(
            {"site_id": self.street.id, "file": base64.b64encode(content.encode())}
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        message = str(caught.exception)
        self.assertIn("Line 3", message)
        self.assertIn("Line 4", message)
        self.assertNotIn("Line 2", message)
        self.assertEqual(self.street.area_ids, before, "nothing written")

    def test_a_file_without_known_columns_is_refused(self):
        wizard = self.env["az.site.area.import"].create(
            {"site_id": self.street.id, "file": base64.b64encode(b"foo;bar\n1;2\n")}
        )
        with self.assertRaises(UserError):
            wizard.action_import()
