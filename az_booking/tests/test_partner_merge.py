"""Odoo's merge of duplicate contacts: the bookings follow the contact kept, and a merge
that would give one person two bookings of a type at the same time is refused, deleting
nothing."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError

from .common import AzBookingCommon, paris


@freeze_time("2026-02-27 10:00:00")
class TestPartnerMerge(AzBookingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_individual.staff_user_ids = [Command.set((cls.staff_a | cls.staff_b).ids)]
        cls.duplicate = cls.env["res.partner"].create({"name": "Amina D.", "email": cls.person.email})

    def merge(self, source, kept):
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((source | kept).ids, dst_partner=kept)

    def test_bookings_follow_the_contact_kept(self):
        first = self._book(
            self.type_individual, paris(2026, 3, 2, 10), person=self.duplicate, user=self.staff_a
        )
        second = self._book(self.type_individual, paris(2026, 3, 3, 10), user=self.staff_a)
        self.merge(self.duplicate, self.person)
        self.assertFalse(self.duplicate.exists())
        self.assertEqual((first | second).partner_id, self.person)
        self.assertEqual(self.env["az.booking"].search_count([("partner_id", "=", self.person.id)]), 2)

    def test_merge_refused_when_one_person_would_hold_two_bookings_at_once(self):
        first = self._book(
            self.type_individual, paris(2026, 3, 2, 10), person=self.duplicate, user=self.staff_a
        )
        second = self._book(self.type_individual, paris(2026, 3, 2, 10), user=self.staff_b)
        with self.assertRaisesRegex(UserError, f"cannot be merged.*{first.name} / {second.name}"):
            self.merge(self.duplicate, self.person)
        # nothing deleted, nothing moved
        self.assertTrue(self.duplicate.exists())
        self.assertEqual(first.partner_id, self.duplicate)
        self.assertEqual(second.partner_id, self.person)
        self.assertEqual(self.env["az.booking"].search_count([("id", "in", (first | second).ids)]), 2)
        # once one of them is cancelled, the merge goes through
        first.action_cancel(cancel_by="service", reason="Doublon")
        self.merge(self.duplicate, self.person)
        self.assertEqual(first.partner_id, self.person)
