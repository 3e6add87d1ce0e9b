"""After the update: the confirmation and the reminder e-mails give the meeting link of a
video appointment, and the calendar events of the video appointments to come open their
Discuss room. The templates are ``noupdate``: only the passages still as the former code
wrote them change; a template an administrator edited keeps its own."""

from odoo import SUPERUSER_ID, api, fields

from odoo.addons.az_project_base.tools.template_migration import renew_text

VIDEO_EN = (
    '    <p t-if="object.video_url">\n'
    '        By video: <a t-att-href="object.video_url">join the video call</a> at the time of the '
    "appointment.\n"
    "    </p>\n"
)
VIDEO_FR = (
    '    <p t-if="object.video_url">\n'
    "        Par vidéo : <a t-att-href=\"object.video_url\">rejoindre l'appel vidéo</a> à l'heure du "
    "rendez-vous.\n"
    "    </p>\n"
)
ANCHORS = {
    "az_booking.mail_template_booking_confirmation": (
        "    <p>Reference: <t t-out=\"object.name or ''\">RDV/2026/00001</t></p>",
        "    <p>Référence : <t t-out=\"object.name or ''\">RDV/2026/00001</t></p>",
    ),
    "az_booking.mail_template_booking_reminder": (
        "    <p>If you cannot come, please tell us, so that someone else can have this time.</p>",
        "    <p>Si vous ne pouvez pas venir, prévenez-nous, pour que quelqu'un d'autre puisse "
        "avoir ce créneau.</p>",
    ),
}


def migrate(cr, version):
    if not version:
        return
    for xmlid, (english, french) in ANCHORS.items():
        renew_text(
            cr,
            "mail_template",
            "body_html",
            xmlid,
            {"en_US": (english, VIDEO_EN + english), "fr_FR": (french, VIDEO_FR + french)},
        )
    env = api.Environment(cr, SUPERUSER_ID, {})
    now = fields.Datetime.now()
    bookings = env["az.booking"].search(
        [
            ("type_id.location_format", "=", "video"),
            ("state", "in", ("requested", "confirmed")),
            ("start", ">", now),
        ]
    )
    bookings._sync_calendar_event()
