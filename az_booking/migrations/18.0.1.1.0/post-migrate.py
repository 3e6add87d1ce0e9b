"""After the update: the facilitator of each former slot becomes the facilitator of its
session, and the sessions to come get their one calendar event in place of one event per
seat."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    link_facilitators_and_events(api.Environment(cr, SUPERUSER_ID, {}))


def link_facilitators_and_events(env):
    cr = env.cr
    cr.execute("""
        INSERT INTO az_booking_slot_user_rel (slot_id, user_id)
        SELECT id, user_id FROM az_booking_slot WHERE user_id IS NOT NULL
        ON CONFLICT DO NOTHING
    """)
    cr.execute("""
        SELECT id FROM az_booking_slot
         WHERE event_id IS NULL AND state IN ('scheduled', 'full')
    """)
    sessions = env["az.booking.slot"].browse([row[0] for row in cr.fetchall()])
    sessions.invalidate_recordset()
    sessions._sync_calendar_event()
    bookings = env["az.booking"].search([("slot_id", "!=", False), ("event_id", "!=", False)])
    bookings.event_id.filtered("active").with_context(no_mail_to_attendees=True, dont_notify=True).write(
        {"active": False}
    )
