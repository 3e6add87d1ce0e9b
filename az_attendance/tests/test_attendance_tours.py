from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import AttendanceCommon


class AttendanceTourCommon(HttpCase, AttendanceCommon):
    # a tablet held upright, with a touch screen
    browser_size = "800x1280"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        cls.att_session = cls.make_session(start=now - timedelta(minutes=15),
                                       name="Atelier tablette")


@tagged("post_install", "-at_install")
class TestAttendanceTours(AttendanceTourCommon):

    def test_kiosk_tour(self):
        self.start_tour("/odoo/action-az_attendance.az_attendance_kiosk_action",
                        "az_attendance_kiosk", login="az_att_trainer")
        line = self.line_of(self.att_session, self.amina)
        self.assertEqual(line.sign_method, "kiosk")
        self.assertEqual(line.status, "present")
        self.assertEqual(line.sign_user_id, self.trainer)
        self.assertTrue(line.signature_sha256)
        self.assertFalse(self.line_of(self.att_session, self.lucas).signed_at)

    def test_qr_tour(self):
        line = self.line_of(self.att_session, self.lucas)
        line.sign_code = "246810"
        self.start_tour(f"/attendance/qr/{self.att_session.qr_token}", "az_attendance_qr")
        self.assertEqual(line.sign_method, "qr")
        self.assertEqual(line.status, "present")
        self.assertTrue(line.signature_sha256)
        self.assertFalse(self.line_of(self.att_session, self.amina).signed_at)
