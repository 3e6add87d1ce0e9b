import psycopg2

from odoo import fields, models
from odoo.tools import SQL

REMINDER_KINDS = [
    ("start", "Session starting"),
    ("unsigned", "Participants not signed"),
    ("remote", "Remote participants' links"),
    ("unvalidated", "Sheet not validated"),
]


class AzAttendanceReminder(models.Model):
    """A reminder sent about a session: one row per session and kind, written in the same
    transaction as the messages it sends. The row is the claim: two reminder jobs running
    at once on two servers both try to insert it, PostgreSQL's unique index lets one of them
    in and makes the other wait, then skip (``_claim``); a job that fails rolls back its
    messages with its rows, so a reminder is sent once, or again by the next run."""

    _name = "az.attendance.reminder"
    _description = "Attendance reminder sent"
    _order = "sent_at desc, id desc"

    session_id = fields.Many2one("az.attendance.session", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    kind = fields.Selection(REMINDER_KINDS, required=True)
    sent_at = fields.Datetime(required=True, default=fields.Datetime.now)
    recipient_ids = fields.Many2many("res.partner", string="Recipients")

    _sql_constraints = [
        # the guarantee that a reminder goes out once, whatever the number of jobs
        ("session_kind_unique", "UNIQUE(session_id, kind)", "A reminder is sent once per session."),
    ]

    def _claim(self, session, kind):
        """Insert the row of (``session``, ``kind``) unless it exists; the new record, or an
        empty recordset when the reminder was (or is being) sent by another job.

        A job that meets the row of another job's open transaction waits for it; once that
        one commits, PostgreSQL (repeatable read, as Odoo's transactions) refuses to skip a
        row this transaction cannot see, and reports a serialization failure instead: the
        reminder was sent by the other job, and this job goes on with the next ones."""
        self.env.flush_all()
        now = fields.Datetime.now()
        uid = self.env.uid
        try:
            with self.env.cr.savepoint(flush=False):
                row = self._insert_claim(session, kind, now, uid)
        except psycopg2.errors.SerializationFailure:
            return self.browse()
        # the row was written in SQL: the sheet's reminders are read again
        session.invalidate_recordset(["reminder_ids"])
        return self.browse(row[0]) if row else self.browse()

    def _insert_claim(self, session, kind, now, uid):
        self.env.cr.execute(
            SQL(
                "INSERT INTO az_attendance_reminder"
                " (session_id, company_id, kind, sent_at, create_uid, write_uid, create_date, write_date)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (session_id, kind) DO NOTHING RETURNING id",
                session.id,
                session.company_id.id,
                kind,
                now,
                uid,
                uid,
                now,
                now,
            ),
            # the serialization failure is an expected outcome of the race, not a fault
            log_exceptions=False,
        )
        return self.env.cr.fetchone()
