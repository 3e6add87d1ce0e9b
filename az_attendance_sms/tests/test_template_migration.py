from odoo.tests import TransactionCase, tagged

from odoo.addons.az_attendance.tests.test_template_migration import load_migration


@tagged("post_install", "-at_install")
class TestSmsTemplateMigration(TransactionCase):
    """A database updated from the former code keeps its ``noupdate`` SMS template: the
    post-migration gives it the person's language, else the company's."""

    def test_the_former_template_gets_the_company_language_after_the_person(self):
        migration = load_migration("az_attendance_sms/migrations/18.0.1.1.0/post-recipient-lang.py")
        template = self.env.ref("az_attendance_sms.sms_template_remote_sign")
        template.lang = migration.FORMER
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(template.lang, "{{ object.partner_id.lang or object.company_id.partner_id.lang }}")
        # one an administrator set keeps it
        template.lang = "fr_FR"
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(template.lang, "fr_FR")
