from odoo import api, fields, models

MAX_ATTEMPTS = 5
ATTEMPT_WINDOW_MINUTES = 15


class AzAttendanceSignAttempt(models.Model):
    """A wrong personal code typed on the QR signing page. Kept in PostgreSQL so that the
    limit holds whatever worker or server answers the next try."""

    _name = "az.attendance.sign.attempt"
    _description = "Failed signing attempt"
    _log_access = False
    _order = "id desc"

    line_id = fields.Many2one("az.attendance.line", required=True, index=True,
                              ondelete="cascade")
    attempted_at = fields.Datetime(required=True, default=fields.Datetime.now)

    @api.model
    def _is_blocked(self, line_id):
        """Whether the line had too many wrong codes lately. Locks the line's row, so that
        concurrent tries on several workers are counted one after the other."""
        self.env.cr.execute("SELECT id FROM az_attendance_line WHERE id = %s FOR UPDATE",
                            [line_id])
        self.env.cr.execute("""
            SELECT COUNT(*) FROM az_attendance_sign_attempt
             WHERE line_id = %s
               AND attempted_at > (now() AT TIME ZONE 'UTC') - make_interval(mins => %s)
        """, [line_id, ATTEMPT_WINDOW_MINUTES])
        return self.env.cr.fetchone()[0] >= MAX_ATTEMPTS

    @api.model
    def _record_failure(self, line_id):
        self.env.cr.execute("""
            DELETE FROM az_attendance_sign_attempt
             WHERE line_id = %s AND attempted_at < (now() AT TIME ZONE 'UTC') - interval '1 day'
        """, [line_id])
        self.env.cr.execute("""
            INSERT INTO az_attendance_sign_attempt (line_id, attempted_at)
            VALUES (%s, now() AT TIME ZONE 'UTC')
        """, [line_id])
