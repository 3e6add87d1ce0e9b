from datetime import timedelta

from odoo import api, fields, models
from odoo.sql_db import TestCursor
from odoo.tools import sql

MAX_ATTEMPTS = 5
ATTEMPT_WINDOW_MINUTES = 15


def reserve_try(cr, line_id, limit=MAX_ATTEMPTS, window_minutes=ATTEMPT_WINDOW_MINUTES):
    """Count one try of a personal code for ``line_id``; False when the limit is reached.

    One statement on the line's counter row, in READ COMMITTED: concurrent tries on several
    workers or servers queue on the row lock, and each one reads the count left by the one
    before (under Odoo's REPEATABLE READ, a try would read the count of its own snapshot,
    which is how 20 concurrent tries used to check up to 15 codes). A code is compared only
    after its try was counted here. ``cr`` must be a cursor of its own, committed at once."""
    cr.execute(
        """
        INSERT INTO az_attendance_sign_attempt AS attempt (line_id, tries, window_start)
        VALUES (%(line)s, 1, now() AT TIME ZONE 'UTC')
        ON CONFLICT (line_id) DO UPDATE SET
            tries = CASE WHEN attempt.window_start < (now() AT TIME ZONE 'UTC')
                              - make_interval(mins => %(window)s)
                         THEN 1 ELSE attempt.tries + 1 END,
            window_start = CASE WHEN attempt.window_start < (now() AT TIME ZONE 'UTC')
                                     - make_interval(mins => %(window)s)
                                THEN now() AT TIME ZONE 'UTC' ELSE attempt.window_start END
        WHERE attempt.tries < %(limit)s
           OR attempt.window_start < (now() AT TIME ZONE 'UTC') - make_interval(mins => %(window)s)
        RETURNING attempt.tries
    """,
        {"line": line_id, "limit": limit, "window": window_minutes},
    )
    return bool(cr.fetchone())


def release_try(cr, line_id):
    """Give back the try of a right code: only wrong codes count against the limit."""
    cr.execute(
        """
        UPDATE az_attendance_sign_attempt SET tries = tries - 1
         WHERE line_id = %s AND tries > 0
    """,
        [line_id],
    )


class AzAttendanceSignAttempt(models.Model):
    """Tries of personal codes on the QR signing page, one counter row per line. Kept in
    PostgreSQL and updated under the row's lock, so that the limit holds whatever worker or
    server answers each try."""

    _name = "az.attendance.sign.attempt"
    _description = "Signing code tries"
    _log_access = False

    # not a foreign key: the counter is written on a cursor of its own, committed at once,
    # that must not wait on the line's row (the signing locks it)
    line_id = fields.Integer(required=True, index=True)
    tries = fields.Integer(required=True, default=0)
    window_start = fields.Datetime(required=True, default=fields.Datetime.now)

    _sql_constraints = [
        ("line_unique", "UNIQUE(line_id)", "One counter of tries per line."),
    ]

    def init(self):
        # The tries used to be one row per wrong code, with a foreign key to the line: those
        # rows (a quarter of an hour's worth) would break the one-counter-per-line constraint,
        # added after this method on an upgrade.
        cr = self.env.cr
        if sql.column_exists(cr, self._table, "attempted_at"):
            cr.execute("DELETE FROM az_attendance_sign_attempt")
            cr.execute("ALTER TABLE az_attendance_sign_attempt DROP COLUMN attempted_at")
        cr.execute("""
            ALTER TABLE az_attendance_sign_attempt
                DROP CONSTRAINT IF EXISTS az_attendance_sign_attempt_line_id_fkey
        """)

    @api.model
    def _run(self, function, line_id):
        """Run ``function(cr, line_id)`` on a cursor of its own, committed at once: a try
        counts even if the rest of the request fails."""
        with self.env.registry.cursor() as cr:
            if not isinstance(cr, TestCursor):
                # first statement of the transaction: read the latest committed counter
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            return function(cr, line_id)

    @api.model
    def _reserve(self, line_id):
        """Whether one more code may be checked for the line (and count it)."""
        return self._run(reserve_try, line_id)

    @api.model
    def _release(self, line_id):
        self._run(release_try, line_id)

    @api.model
    def _tries(self, line_id):
        self.env.cr.execute("SELECT tries FROM az_attendance_sign_attempt WHERE line_id = %s", [line_id])
        row = self.env.cr.fetchone()
        return row[0] if row else 0

    @api.autovacuum
    def _gc_old_counters(self):
        self.search([("window_start", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
