"""Leaving the kiosk: the password cooldown holds in PostgreSQL, whatever worker or server
answers each try."""

import threading
from datetime import datetime

from odoo import sql_db
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name

from ..models.az_attendance_unlock_attempt import reserve_unlock
from .test_attendance_tours import AttendanceTourCommon

TOO_MANY = "Too many wrong passwords"


@tagged("post_install", "-at_install")
class TestKioskUnlockCooldown(AttendanceTourCommon):
    def _unlock(self, password):
        return self.make_jsonrpc_request(
            "/attendance/kiosk/unlock", {"password": password, "session_id": self.att_session.id}
        )

    def test_after_the_wrong_passwords_allowed_every_worker_waits_for_the_cooldown(self):
        self.authenticate("az_att_trainer", "az_att_trainer")
        self.addCleanup(self.registry.__dict__.pop, "_login_failures", None)
        limit, _seconds = self.env["az.attendance.unlock.attempt"]._limits()
        self.assertGreater(limit, 1)
        for _try in range(limit):
            result = self._unlock("not-my-password")
            self.assertEqual(result, {"ok": False, "error": "This password is not right."})
            # the next try lands on another worker, whose own count of failures is empty
            getattr(self.registry, "_login_failures", {}).clear()
        # even the right password is not compared during the cooldown, on any worker
        for _try in range(3):
            result = self._unlock("az_att_trainer")
            self.assertFalse(result["ok"])
            self.assertIn(TOO_MANY, result["error"])
            getattr(self.registry, "_login_failures", {}).clear()
        # once the cooldown is over, the right password opens the way out and clears the count
        self.env.cr.execute(
            "UPDATE az_attendance_unlock_attempt SET last_try = last_try - interval '61 seconds' "
            "WHERE user_id = %s",
            [self.trainer.id],
        )
        self.assertTrue(self._unlock("az_att_trainer")["ok"])
        self.assertEqual(self._unlock("not-my-password")["error"], "This password is not right.")
        self.assertTrue(self._unlock("az_att_trainer")["ok"], "one wrong password is no cooldown")


@tagged("post_install", "-at_install")
class TestKioskUnlockUnderConcurrency(BaseCase):
    """Thirty tries at once on connections of their own, as thirty workers would: five are
    compared, the others wait for the cooldown."""

    def test_thirty_concurrent_tries_compare_at_most_five(self):
        db = sql_db.db_connect(get_db_name())
        user_id = 2**31 - 23  # a counter of its own, committed and removed by this test
        now = datetime.now().replace(microsecond=0)
        reserved, errors = [], []
        barrier = threading.Barrier(30)

        def one_try():
            try:
                with db.cursor() as cr:
                    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    barrier.wait(timeout=30)
                    if reserve_unlock(cr, user_id, now, 5, 60):
                        reserved.append(1)  # here the password would be compared: a wrong one
                    cr.commit()  # pylint: disable=invalid-commit  # concurrent transactions of their own
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        def cleanup():
            with db.cursor() as cr:
                cr.execute("DELETE FROM az_attendance_unlock_attempt WHERE user_id = %s", [user_id])
                cr.commit()  # pylint: disable=invalid-commit  # concurrent transactions of their own

        cleanup()
        self.addCleanup(cleanup)
        threads = [threading.Thread(target=one_try) for _ in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(errors)
        self.assertEqual(len(reserved), 5)
