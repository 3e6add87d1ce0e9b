"""Odoo's merge of duplicate contacts in the funder's file: certificates keep the person they
were issued to (the merged contact is archived, not deleted), enrolments follow the contact
kept, and two enrolments in one action refuse the merge, deleting nothing."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_attendance_funder import CertificateCommon


@tagged("post_install", "-at_install")
class TestFunderPartnerMerge(CertificateCommon):
    def merge(self, source, kept):
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((source | kept).ids, dst_partner=kept)

    def test_certificates_keep_their_person_and_enrolments_follow(self):
        sheets = self.make_sheets()
        made = self.env["az.attendance.certificate"]._issue(
            self.project, sheets[0].date, self.open_sheet.date, funding=self.funding
        )
        certificate = self.certificate_of(made, self.amina)
        kept = self.env["res.partner"].create({"name": "Amina D.", "email": "amina@example.com"})
        self.merge(self.amina, kept)
        self.env.invalidate_all()
        self.assertEqual(certificate.partner_id, self.amina)
        self.assertFalse(self.amina.active)
        self.assertEqual(self.enrolment.partner_id, kept)
        self.assertEqual(self.line_of(self.open_sheet, kept).partner_id, kept)
        self.assertEqual(self.line_of(sheets[0], self.amina).partner_id, self.amina)

    def test_two_enrolments_in_one_action_refuse_the_merge(self):
        kept = self.env["res.partner"].create({"name": "Amina D.", "email": "amina@example.com"})
        other = self.env["az.attendance.enrolment"].create(
            {"partner_id": kept.id, "project_id": self.project.id}
        )
        with self.assertRaisesRegex(UserError, "same action"):
            self.merge(self.amina, kept)
        self.env.invalidate_all()
        self.assertEqual((self.enrolment | other).exists(), self.enrolment | other)
        self.assertEqual(self.enrolment.partner_id, self.amina)
        self.assertTrue(self.amina.active)
