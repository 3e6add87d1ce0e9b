import importlib.util
import json

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path


def load_migration(path):
    """The module of a migration script (its folder name is a version: not importable)."""
    name = "az_migration_" + path.split("/")[0]
    spec = importlib.util.spec_from_file_location(name, file_path(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestTemplateMigration(TransactionCase):
    """A database updated from the former code keeps its ``noupdate`` templates: the
    post-migration gives them the current language and text, as a new database has them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_attendance"], ["fr_FR"])
        cls.migration = load_migration("az_attendance/migrations/18.0.1.4.0/post-recipient-lang.py")
        cls.template = cls.env.ref("az_attendance.mail_template_remote_sign")

    def bodies(self):
        self.env.invalidate_all()
        return {lang: str(self.template.with_context(lang=lang).body_html) for lang in ("en_US", "fr_FR")}

    def as_former_code_made_it(self):
        """The template as the former code loaded it: language of the contact only, no time zone."""
        current = self.bodies()
        former_bodies = {}
        for lang, (former, renewed) in self.migration.BODY.items():
            self.assertIn(renewed, current[lang], "the migration knows the current text")
            former_bodies[lang] = str(current[lang]).replace(renewed, former)
        self.env.cr.execute(
            "UPDATE mail_template SET lang = %s, body_html = %s WHERE id = %s",
            (self.migration.FORMER, json.dumps(former_bodies), self.template.id),
        )
        return current

    def test_the_former_template_gets_the_language_and_the_time_zone(self):
        current = self.as_former_code_made_it()
        self.assertNotIn("heure de Paris", self.bodies()["fr_FR"])
        self.migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(
            self.template.lang, "{{ object.partner_id.lang or object.company_id.partner_id.lang }}"
        )
        self.assertEqual(self.bodies(), current)
        self.migration.migrate(self.env.cr, "18.0.1.3.0")
        self.assertEqual(self.bodies(), current, "run twice, nothing doubled")

    def test_a_template_an_administrator_edited_keeps_its_own(self):
        self.as_former_code_made_it()
        own = "<p>Bonjour, signez ici.</p>"
        self.env.invalidate_all()
        self.template.with_context(lang="fr_FR").write(
            {"lang": "{{ object.partner_id.lang or 'fr_FR' }}", "body_html": own}
        )
        self.env.flush_all()
        self.migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(self.template.lang, "{{ object.partner_id.lang or 'fr_FR' }}")
        self.assertEqual(self.bodies()["fr_FR"], own)
        self.assertIn(
            "Paris time", self.bodies()["en_US"], "the English text, still the former one, is renewed"
        )
