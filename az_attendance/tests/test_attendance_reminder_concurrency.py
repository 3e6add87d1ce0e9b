"""Two reminder jobs (two servers) sending the same reminder at the same instant. The data
is committed on cursors of their own (a single test transaction cannot show concurrency)
and removed afterwards."""

import threading
import time
import uuid
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReminderUnderConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "no_reset_password": True})
            trainer = env["res.users"].create(
                {
                    "name": f"Trainer {tag}",
                    "login": f"az_reminder_{tag}",
                    "email": f"trainer.{tag}@example.com",
                    "groups_id": [Command.set([env.ref("az_project_base.group_user").id])],
                }
            )
            site = env["az.site"].create({"name": f"Site {tag}", "city": "Bordeaux", "tz": "Europe/Paris"})
            project = env["project.project"].create(
                {"name": f"Reminders {tag}", "az_site_ids": [Command.link(site.id)]}
            )
            now = fields.Datetime.now()
            session = env["az.attendance.session"].create(
                {
                    "name": f"Atelier {tag}",
                    "project_id": project.id,
                    "site_id": site.id,
                    "trainer_ids": [Command.set(trainer.ids)],
                    "start": now - timedelta(minutes=2),
                    "stop": now + timedelta(hours=2),
                }
            )
            session.action_open()
            self.ids = {"trainer": trainer.id, "site": site.id, "project": project.id, "session": session.id}
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            session_id = self.ids["session"]
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'az.attendance.session' AND res_id = %s",
                [session_id],
            )
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'az.attendance.session' AND res_id = %s", [session_id]
            )
            cr.execute("DELETE FROM az_attendance_reminder WHERE session_id = %s", [session_id])
            cr.execute("DELETE FROM az_attendance_session WHERE id = %s", [session_id])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["project.project"].browse(self.ids["project"]).unlink()
            env["az.site"].browse(self.ids["site"]).unlink()
            trainer = env["res.users"].browse(self.ids["trainer"])
            partner = trainer.partner_id
            trainer.unlink()
            partner.unlink()

    def test_two_jobs_at_once_send_the_reminder_once(self):
        barrier = threading.Barrier(2, timeout=30)
        results = []

        def job():
            with self.registry.cursor() as cr:
                cr.transaction = api.Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                session = env["az.attendance.session"].browse(self.ids["session"])
                try:
                    barrier.wait()
                    sent = session._send_reminder("start", fields.Datetime.now())
                    # the transaction stays open a moment: the other job meets its claim
                    time.sleep(0.5)
                    cr.commit()  # pylint: disable=invalid-commit  # two transactions of their own
                    results.append(sent)
                except Exception as error:  # noqa: BLE001 - reported by the assertion below
                    barrier.abort()
                    results.append(repr(error))

        threads = [threading.Thread(target=job) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(sorted(results, key=str), [False, True], "one job sends, the other finds it sent")
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id"
                " WHERE msg.model = 'az.attendance.session' AND msg.res_id = %s"
                " AND msg.subject LIKE 'Open signing%%'",
                [self.ids["session"]],
            )
            self.assertEqual(cr.fetchone()[0], 1, "the trainer receives one e-mail")
            cr.execute(
                "SELECT count(*) FROM mail_activity"
                " WHERE res_model = 'az.attendance.session' AND res_id = %s",
                [self.ids["session"]],
            )
            self.assertEqual(cr.fetchone()[0], 1, "and one activity")
