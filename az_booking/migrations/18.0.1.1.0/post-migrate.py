"""After the update: the facilitator of each former slot becomes the facilitator of its
session, and the occurrences to come get their one calendar event in place of one event per
seat.

Post-migrations run once the current code is loaded: the names are those of today (the
workshop occurrence was renamed in 18.0.1.3.0, whose pre-migration runs before this one)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    link_facilitators_and_events(api.Environment(cr, SUPERUSER_ID, {}))


def link_facilitators_and_events(env):
    cr = env.cr
    cr.execute("""
        INSERT INTO az_booking_occurrence_user_rel (occurrence_id, user_id)
        SELECT id, user_id FROM az_booking_occurrence WHERE user_id IS NOT NULL
        ON CONFLICT DO NOTHING
    """)
    cr.execute("""
        SELECT id FROM az_booking_occurrence
         WHERE event_id IS NULL AND state IN ('scheduled', 'full')
    """)
    occurrences = env["az.booking.occurrence"].browse([row[0] for row in cr.fetchall()])
    occurrences.invalidate_recordset()
    occurrences._sync_calendar_event()
    bookings = env["az.booking"].search([("occurrence_id", "!=", False), ("event_id", "!=", False)])
    bookings.event_id.filtered("active").with_context(no_mail_to_attendees=True, dont_notify=True).write(
        {"active": False}
    )
