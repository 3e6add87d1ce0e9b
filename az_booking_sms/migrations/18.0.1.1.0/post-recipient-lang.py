"""After the update: the booking SMS speak the language of the person's contact first (then
the one they booked in, then the company's). The templates are ``noupdate``: only those still
holding the former expression change; a template an administrator edited keeps its own."""

from odoo.addons.az_project_base.tools.template_migration import renew_language

FORMER = "{{ object.lang or object.partner_id.lang }}"
CURRENT = "{{ object.partner_id.lang or object.lang or object.company_id.partner_id.lang }}"


def migrate(cr, version):
    if not version:
        return
    renew_language(cr, "sms_template", "az_booking_sms", FORMER, CURRENT)
