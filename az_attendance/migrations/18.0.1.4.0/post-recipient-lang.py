"""After the update: the signing-link e-mail (and the certificate's, of the funder's file)
speaks the person's language, else the company's
(no longer English for a contact without one), and says the time zone of the session's time.
The template is ``noupdate``: only what still holds the former text changes; a template an
administrator edited keeps its own."""

from odoo.addons.az_project_base.tools.template_migration import renew_language, renew_text

FORMER = "{{ object.partner_id.lang }}"
CURRENT = "{{ object.partner_id.lang or object.company_id.partner_id.lang }}"
WHEN = "(<t t-out=\"object.session_id._format_local(object.session_id.start) or ''\">01/01/2025 09:00</t>"
ZONE = "\n        <t t-out=\"object.session_id._tz_label() or ''\">%s</t>)."
BODY = {
    "en_US": (f"{WHEN}).", f"{WHEN}," + ZONE % "Paris time"),
    "fr_FR": (f"{WHEN}).", f"{WHEN}," + ZONE % "heure de Paris"),
}


def migrate(cr, version):
    if not version:
        return
    renew_language(cr, "mail_template", "az_attendance", FORMER, CURRENT)
    # the certificate's e-mail moved to the funder's file (az_attendance_funder), which this
    # update installs or updates after this addon: its row is renewed here, once
    renew_language(cr, "mail_template", "az_attendance_funder", FORMER, CURRENT)
    renew_text(cr, "mail_template", "body_html", "az_attendance.mail_template_remote_sign", BODY)
