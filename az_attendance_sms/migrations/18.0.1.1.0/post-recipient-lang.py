"""After the update: the signing-link SMS speaks the person's language, else the company's (no
longer English for a contact without one). The template is ``noupdate``: only one still holding
the former expression changes; a template an administrator edited keeps its own."""

from odoo.addons.az_project_base.tools.template_migration import renew_language

FORMER = "{{ object.partner_id.lang }}"
CURRENT = "{{ object.partner_id.lang or object.company_id.partner_id.lang }}"


def migrate(cr, version):
    if not version:
        return
    renew_language(cr, "sms_template", "az_attendance_sms", FORMER, CURRENT)
