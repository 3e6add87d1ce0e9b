"""Many sheets of one company sealed, amended at the same instant, as trainers closing their
sessions on several workers would. The data is committed on cursors of their own (a single
test transaction cannot show concurrency) and removed afterwards."""

import base64
import random
import threading
import time
import uuid
from datetime import datetime, timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError, OperationalError

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.az_attendance_ledger import AzAttendanceLedger
from .common import signature_data_uri, signature_png

SHEETS = 30


def run_as_odoo(registry, uid, function, results):
    """Run ``function(env)`` in a transaction of its own and commit, retrying the
    serialization failures as Odoo retries a request; record what the person would see."""
    for attempt in range(10):
        with registry.cursor() as cr:
            cr.transaction = api.Transaction(registry)
            env = api.Environment(cr, uid, {"tracking_disable": True})
            try:
                function(env)
                cr.commit()  # pylint: disable=invalid-commit  # concurrent transactions of their own
                results.append(("ok", ""))
                return
            except UserError as error:
                cr.rollback()
                results.append(("refused", str(error)))
                return
            except IntegrityError as error:
                cr.rollback()
                results.append(("refused", str(error)))
                return
            except OperationalError as error:
                cr.rollback()
                if not isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                    results.append(("crash", repr(error)))
                    return
        time.sleep(random.uniform(0.0, 0.05 * 2 ** min(attempt, 4)))
    results.append(("crash", "too many retries"))


@tagged("post_install", "-at_install")
class TestLedgerUnderConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            trainer = env["res.users"].create(
                {
                    "name": f"Trainer {self.tag}",
                    "login": f"az_ledger_{self.tag}",
                    "email": f"trainer.{self.tag}@example.com",
                    "tz": "Europe/Paris",
                    "groups_id": [Command.set([env.ref("az_project_base.group_user").id])],
                }
            )
            site = env["az.site"].create(
                {"name": f"Site {self.tag}", "city": "Bordeaux", "tz": "Europe/Paris"}
            )
            project = env["project.project"].create(
                {"name": f"Ledger {self.tag}", "az_site_ids": [Command.link(site.id)]}
            )
            person = env["res.partner"].create({"name": f"Person {self.tag}", "az_is_beneficiary": True})
            sessions = env["az.attendance.session"]
            start = datetime(2025, 3, 11, 8, 0)
            for number in range(SHEETS):
                session = env["az.attendance.session"].create(
                    {
                        "name": f"Sheet {number} {self.tag}",
                        "project_id": project.id,
                        "site_id": site.id,
                        "trainer_ids": [Command.set(trainer.ids)],
                        "start": start + timedelta(days=number),
                        "stop": start + timedelta(days=number, hours=2),
                    }
                )
                session._add_participants(person)
                session.action_open()
                session.line_ids._record_signature(signature_data_uri(number % 5 + 1), "kiosk")
                session.write({"trainer_signature": base64.b64encode(signature_png(42))})
                sessions |= session
            self.ids = {
                "trainer": trainer.id,
                "project": project.id,
                "site": site.id,
                "person": person.id,
                "sessions": sessions.ids,
                "company": env.company.id,
            }
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            ids = self.ids["sessions"]
            cr.execute("DELETE FROM az_attendance_ledger WHERE session_ref = ANY(%s)", [ids])
            cr.execute("DELETE FROM az_attendance_amendment WHERE session_id = ANY(%s)", [ids])
            cr.execute("SELECT id FROM az_attendance_line WHERE session_id = ANY(%s)", [ids])
            line_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                "DELETE FROM ir_attachment WHERE (res_model = 'az.attendance.line' AND res_id = ANY(%s)) "
                "OR (res_model = 'az.attendance.session' AND res_id = ANY(%s))",
                [line_ids, ids],
            )
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'az.attendance.session' AND res_id = ANY(%s)", [ids]
            )
            cr.execute("DELETE FROM az_attendance_line WHERE session_id = ANY(%s)", [ids])
            cr.execute("DELETE FROM az_attendance_session WHERE id = ANY(%s)", [ids])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["project.project"].browse(self.ids["project"]).unlink()
            env["az.site"].browse(self.ids["site"]).unlink()
            trainer = env["res.users"].browse(self.ids["trainer"])
            partners = trainer.partner_id | env["res.partner"].browse(self.ids["person"])
            trainer.unlink()
            partners.unlink()

    def _race(self, count, function):
        """``count`` transactions run ``function(env, index)`` at once; each one has read the
        database (its snapshot is taken) before any of them appends to the ledger."""
        barrier = threading.Barrier(count, timeout=60)
        waited = threading.local()
        original = AzAttendanceLedger._append

        def append(ledger, *args, **kwargs):
            if not getattr(waited, "done", False):
                waited.done = True
                ledger.env.cr.execute("SELECT 1")
                barrier.wait()
            return original(ledger, *args, **kwargs)

        results = []
        dbname = self.env.cr.dbname

        def attempt(index):
            threading.current_thread().dbname = dbname
            run_as_odoo(self.registry, self.ids["trainer"], lambda env: function(env, index), results)

        threads = [threading.Thread(target=attempt, args=(index,)) for index in range(count)]
        with patch.object(AzAttendanceLedger, "_append", append), mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=180)
        self.assertFalse([t for t in threads if t.is_alive()], "a transaction hung")
        return results

    def _ledger(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].browse(self.ids["company"])
            anomalies, _rows = env["az.attendance.ledger"]._check_chain(company)
            cr.execute(
                "SELECT kind, sequence FROM az_attendance_ledger WHERE session_ref = ANY(%s)",
                [self.ids["sessions"]],
            )
            entries = cr.fetchall()
            cr.execute(
                "SELECT count(*) FROM az_attendance_session WHERE id = ANY(%s) AND state = 'validated' "
                "AND seal IS NOT NULL",
                [self.ids["sessions"]],
            )
            return anomalies, entries, cr.fetchone()[0]

    def test_thirty_sheets_validated_at_once_are_all_sealed_each_in_its_own_position(self):
        sessions = self.ids["sessions"]

        def validate(env, index):
            env["az.attendance.session"].browse(sessions[index]).action_validate()

        results = self._race(SHEETS, validate)
        self.assertEqual([kind for kind, _msg in results], ["ok"] * SHEETS, results)
        anomalies, entries, sealed = self._ledger()
        self.assertEqual(sealed, SHEETS)
        self.assertEqual(len(entries), SHEETS)
        self.assertEqual(len({sequence for _kind, sequence in entries}), SHEETS)
        self.assertEqual(anomalies, [])

        # then ten trainers correct ten of these sheets at the same instant
        def amend(env, index):
            session = env["az.attendance.session"].browse(sessions[index])
            env["az.attendance.amendment"].create(
                {
                    "session_id": session.id,
                    "line_id": session.line_ids.id,
                    "field_name": "status",
                    "new_status": "late",
                    "reason": f"Came late {index}",
                }
            )

        results = self._race(10, amend)
        self.assertEqual([kind for kind, _msg in results], ["ok"] * 10, results)
        anomalies, entries, _sealed = self._ledger()
        self.assertEqual(sorted(kind for kind, _seq in entries).count("amendment"), 10)
        self.assertEqual(len({sequence for _kind, sequence in entries}), SHEETS + 10)
        self.assertEqual(anomalies, [])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            checks = env["az.attendance.session"]._seal_verify_batch(sessions[:10])
            self.assertEqual(checks, {sid: [] for sid in sessions[:10]})
