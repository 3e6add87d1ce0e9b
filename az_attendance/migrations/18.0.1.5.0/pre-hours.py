"""The hours that happened: sheets get an actual end and the hours they held.

Before the update: the sheets of a former database ended as planned, so their hours held
are their planned duration. Filling the new columns here keeps the ORM from computing them
again sheet by sheet, and writes nothing the seals of versions 1 to 3 cover: those sheets
keep verifying as they did."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        ALTER TABLE az_attendance_session
            ADD COLUMN IF NOT EXISTS actual_stop timestamp without time zone,
            ADD COLUMN IF NOT EXISTS hours_held numeric
        """
    )
    cr.execute(
        "UPDATE az_attendance_session SET hours_held = ROUND(COALESCE(duration, 0)::numeric, 2) "
        "WHERE hours_held IS NULL"
    )
