"""A person's certificate issued by several workers at the same instant (two staff members
clicking "Issue" together): one certificate, one number, and nobody is shown an error. The
data is committed on cursors of their own and removed afterwards."""

import threading
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.az_attendance.tests.test_attendance_ledger_concurrency import run_as_odoo

from ..models.az_attendance_certificate import AzAttendanceCertificate

RACERS = 5


@tagged("post_install", "-at_install")
class TestCertificateUnderConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            person = env["res.partner"].create({"name": f"Person {tag}", "az_is_beneficiary": True})
            project = env["project.project"].create({"name": f"Action {tag}"})
            self.ids = {"person": person.id, "project": project.id, "company": env.company.id}
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM az_attendance_certificate WHERE partner_id = %s", [self.ids["person"]])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["project.project"].browse(self.ids["project"]).unlink()
            env["res.partner"].browse(self.ids["person"]).unlink()

    def _values(self):
        return {
            "partner_id": self.ids["person"],
            "partner_name": "Person",
            "project_id": self.ids["project"],
            "funding_id": False,
            "company_id": self.ids["company"],
            "action_title": "Action",
            "nature": "training",
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
            "first_date": "2025-01-07",
            "last_date": "2025-06-24",
            "planned_hours": 30.0,
            "done_hours": 27.0,
            "completion_rate": 90,
            "completion_known": True,
            "sheet_seals": "[]",
            "fingerprint": "f" * 64,
        }

    def test_one_person_s_certificate_issued_at_once_by_five_workers(self):
        barrier = threading.Barrier(RACERS, timeout=60)
        waited = threading.local()
        original = AzAttendanceCertificate._issue_one

        def issue_one(model, values):
            if not getattr(waited, "done", False):
                # every transaction has its snapshot before the first one commits
                waited.done = True
                model.env.cr.execute("SELECT 1")
                barrier.wait()
            return original(model, values)

        results = []
        dbname = self.env.cr.dbname

        def attempt():
            threading.current_thread().dbname = dbname
            run_as_odoo(
                self.registry,
                SUPERUSER_ID,
                lambda env: env["az.attendance.certificate"]._issue_one(self._values()),
                results,
            )

        threads = [threading.Thread(target=attempt) for _ in range(RACERS)]
        with patch.object(AzAttendanceCertificate, "_issue_one", issue_one), mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse([t for t in threads if t.is_alive()], "a transaction hung")
        self.assertEqual([kind for kind, _msg in results], ["ok"] * RACERS, results)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT number, version, state FROM az_attendance_certificate WHERE partner_id = %s",
                [self.ids["person"]],
            )
            rows = cr.fetchall()
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][1:], (1, "current"))
