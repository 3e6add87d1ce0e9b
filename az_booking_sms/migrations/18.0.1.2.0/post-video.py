"""After the update: the confirmation and reminder SMS give the meeting link of a video
appointment. The templates are ``noupdate``: only those still ending as the former code
wrote them change; a template an administrator edited keeps its own."""

from odoo.addons.az_project_base.tools.template_migration import renew_text

NOTE = "{{ object.video_note }}"
ENDINGS = {
    "az_booking_sms.sms_template_booking_confirmation": (
        "cancel: {{ object.manage_url }}",
        "annuler : {{ object.manage_url }}",
    ),
    "az_booking_sms.sms_template_booking_reminder": (
        "Cannot come? {{ object.manage_url }}",
        "Empêché·e ? {{ object.manage_url }}",
    ),
}


def migrate(cr, version):
    if not version:
        return
    for xmlid, (english, french) in ENDINGS.items():
        renew_text(
            cr,
            "sms_template",
            "body",
            xmlid,
            {"en_US": (english, english + NOTE), "fr_FR": (french, french + NOTE)},
        )
