import psycopg2.errors

from odoo.tests import TransactionCase
from odoo.tools import mute_logger


class TestRowLock(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.funding = cls.env["az.funding"].search([], limit=1)

    def test_checks_after_the_lock_read_the_row_as_the_database_holds_it(self):
        funding = self.funding
        self.assertTrue(funding, "the demo data holds a funding")
        name = funding.name
        self.env.cr.execute(
            "UPDATE az_funding SET name = %s WHERE id = %s", ["Changed meanwhile", funding.id]
        )
        self.assertEqual(funding.name, name, "before the lock the cache still holds the old name")
        self.assertEqual(funding._lock_rows().name, "Changed meanwhile")

    @mute_logger("odoo.sql_db")
    def test_a_second_transaction_cannot_take_a_held_row(self):
        self.funding._lock_rows()
        with self.env.registry.cursor() as other_cr:
            other = self.funding.with_env(self.env(cr=other_cr))
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                other._lock_rows(nowait=True)
            other_cr.rollback()

    def test_an_empty_recordset_locks_nothing(self):
        empty = self.env["az.funding"]
        self.assertEqual(empty._lock_rows(), empty)
