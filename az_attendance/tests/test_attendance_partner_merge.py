"""Odoo's merge of duplicate contacts and the attendance sheets: the lines of open sheets
follow the contact kept, the lines of sealed sheets keep the person they sealed (the merged
contact is archived, not deleted) and the ledger records the merge; a merge that would put
one person twice on a sheet is refused, deleting nothing."""

from datetime import timedelta

from odoo.exceptions import UserError

from .common import AttendanceCommon


class TestAttendancePartnerMerge(AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.duplicate = cls.env["res.partner"].create(
            {"name": "A. Diallo", "email": "amina@example.com", "az_is_beneficiary": True}
        )

    def merge(self, source, kept):
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((source | kept).ids, dst_partner=kept)

    def test_sealed_lines_keep_their_person_and_the_ledger_records_the_merge(self):
        sealed = self.sign_all_and_validate(self.make_session(self.duplicate | self.lucas))
        sealed_line = self.line_of(sealed, self.duplicate)
        open_session = self.make_session(self.duplicate, start=self.day_start + timedelta(days=7))
        open_line = self.line_of(open_session, self.duplicate)
        Ledger = self.env["az.attendance.ledger"]
        entries_before = Ledger.search_count([])
        self.merge(self.duplicate, self.amina)
        self.env.invalidate_all()
        # the open sheet's line follows; the sealed one keeps the contact it sealed
        self.assertEqual(open_line.partner_id, self.amina)
        self.assertEqual(sealed_line.partner_id, self.duplicate)
        self.assertTrue(self.duplicate.exists())
        self.assertFalse(self.duplicate.active)
        self.assertEqual(sealed._verify_seal(), [])
        merge_entries = Ledger.search([("kind", "=", "merge")])
        self.assertEqual(Ledger.search_count([]), entries_before + 1)
        self.assertEqual(merge_entries.session_id, sealed)
        self.assertIn(f"#{self.duplicate.id}", merge_entries.label)
        self.assertIn(f"#{self.amina.id}", merge_entries.label)
        self.assertFalse(Ledger._check_chain(self.company)[0])

    def test_merge_refused_when_both_are_on_one_open_sheet(self):
        session = self.make_session(self.duplicate | self.amina)
        with self.assertRaisesRegex(UserError, "same attendance sheet"):
            self.merge(self.duplicate, self.amina)
        self.env.invalidate_all()
        self.assertEqual(session.line_ids.partner_id, self.duplicate | self.amina)
        self.assertTrue(self.duplicate.active)
