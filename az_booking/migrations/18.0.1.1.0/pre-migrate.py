"""Workshop slots become sessions that staff schedule: each existing slot row keeps its
bookings and gets its own seats (the type's) and a status, before the new required
columns are set."""

from odoo import fields


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        ALTER TABLE az_booking_slot ADD COLUMN IF NOT EXISTS capacity integer;
        ALTER TABLE az_booking_slot ADD COLUMN IF NOT EXISTS state varchar;
        ALTER TABLE az_booking_slot ADD COLUMN IF NOT EXISTS site_id integer;
    """)
    fill_sessions(cr)


def fill_sessions(cr):
    """Seats from the type, site from the bookings, status from the seats and the time."""
    cr.execute("""
        UPDATE az_booking_slot s
           SET capacity = GREATEST(t.capacity, s.seats_taken, 1)
          FROM az_booking_type t
         WHERE t.id = s.type_id AND s.capacity IS NULL
    """)
    cr.execute("""
        UPDATE az_booking_slot s
           SET site_id = (SELECT b.site_id FROM az_booking b
                           WHERE b.slot_id = s.id AND b.site_id IS NOT NULL
                        ORDER BY b.id LIMIT 1)
         WHERE s.site_id IS NULL
    """)
    cr.execute(
        """
        UPDATE az_booking_slot
           SET state = CASE
                   WHEN stop <= %s THEN 'done'
                   WHEN NOT EXISTS (SELECT 1 FROM az_booking b WHERE b.slot_id = az_booking_slot.id
                                       AND b.state IN ('waiting', 'requested', 'confirmed',
                                                       'done', 'no_show', 'excused'))
                        THEN 'cancelled'
                   WHEN seats_taken >= capacity THEN 'full'
                   ELSE 'scheduled' END
         WHERE state IS NULL
    """,
        [fields.Datetime.now()],
    )
