from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessDenied
from odoo.sql_db import TestCursor


def reserve_unlock(cr, user_id, now, limit, seconds):
    """Count one try of a kiosk password for ``user_id`` at ``now``; False when ``limit``
    tries were counted within the last ``seconds`` (the cooldown). One statement on the
    person's counter row: ``cr`` must be a cursor of its own, in READ COMMITTED, committed
    at once."""
    cr.execute(
        """
        INSERT INTO az_attendance_unlock_attempt AS attempt (user_id, tries, last_try)
        VALUES (%(user)s, 1, %(now)s)
        ON CONFLICT (user_id) DO UPDATE SET
            tries = CASE WHEN attempt.last_try < %(expired)s THEN 1 ELSE attempt.tries + 1 END,
            last_try = %(now)s
        WHERE attempt.tries < %(limit)s OR attempt.last_try < %(expired)s
        RETURNING attempt.tries
        """,
        {"user": user_id, "now": now, "expired": now - timedelta(seconds=seconds), "limit": limit},
    )
    return bool(cr.fetchone())


def clear_unlock(cr, user_id):
    """A right password clears the person's count."""
    cr.execute("DELETE FROM az_attendance_unlock_attempt WHERE user_id = %s", [user_id])


class AzAttendanceUnlockAttempt(models.Model):
    """Passwords typed to leave the kiosk, one counter row per staff member, kept in
    PostgreSQL: after Odoo's number of login failures (``base.login_cooldown_after``), every
    worker and every server refuses to check another password of that person for Odoo's
    cooldown (``base.login_cooldown_duration``). Odoo's own login cooldown counts in each
    process: on two workers, twice as many passwords were compared.

    A try is counted before the password is compared, in one statement on the row (READ
    COMMITTED, on a cursor of its own committed at once), so that concurrent tries queue on
    the row's lock and each reads the count left by the one before; a right password then
    clears the count."""

    _name = "az.attendance.unlock.attempt"
    _description = "Passwords typed to leave the kiosk"
    _log_access = False

    # not a foreign key: written on a cursor of its own, committed at once
    user_id = fields.Integer(required=True, index=True)
    tries = fields.Integer(required=True, default=0)
    last_try = fields.Datetime(required=True)

    _sql_constraints = [
        ("user_unique", "UNIQUE(user_id)", "One counter of kiosk passwords per staff member."),
    ]

    @api.model
    def _limits(self):
        """(tries, seconds) of Odoo's login cooldown; (0, 0) when it is switched off."""
        params = self.env["ir.config_parameter"].sudo()
        tries = int(params.get_param("base.login_cooldown_after", 5) or 0)
        seconds = int(params.get_param("base.login_cooldown_duration", 60) or 0)
        return (tries, seconds) if tries > 0 and seconds > 0 else (0, 0)

    @api.model
    def _run(self, function, *args):
        with self.env.registry.cursor() as cr:
            if not isinstance(cr, TestCursor):
                # first statement of the transaction: read the latest committed counter
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            return function(cr, *args)

    @api.model
    def _reserve(self, user_id):
        """Count one try for ``user_id``; False while the person is in the cooldown."""
        tries, seconds = self._limits()
        if not tries:
            return True
        return self._run(reserve_unlock, user_id, fields.Datetime.now(), tries, seconds)

    @api.model
    def _clear(self, user_id):
        self._run(clear_unlock, user_id)

    @api.model
    def _check_password(self, user, password):
        """Whether ``password`` is the password of ``user`` (the staff member logged in on
        the kiosk): 'ok', 'wrong', or 'cooldown' when too many wrong ones were typed lately,
        on whatever worker or server."""
        if not self._reserve(user.id):
            return "cooldown"
        try:
            with self.env["res.users"]._assert_can_auth(user=user.login):
                user._check_credentials({"type": "password", "password": password}, {"interactive": True})
        except AccessDenied:
            return "wrong"
        self._clear(user.id)
        return "ok"

    @api.autovacuum
    def _gc_old_counters(self):
        self.search([("last_try", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
