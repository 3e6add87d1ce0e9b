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
        cls.att_session = cls.make_session(start=now - timedelta(minutes=15), name="Atelier tablette")


@tagged("post_install", "-at_install")
class TestAttendanceTours(AttendanceTourCommon):
    def test_kiosk_tour(self):
        self.start_tour(
            f"/odoo/action-az_attendance.az_attendance_session_action/{self.att_session.id}",
            "az_attendance_kiosk",
            login="az_att_trainer",
        )
        line = self.line_of(self.att_session, self.amina)
        self.assertEqual(line.sign_method, "kiosk")
        self.assertEqual(line.status, "present")
        self.assertEqual(line.sign_user_id, self.trainer)
        self.assertTrue(line.signature_sha256)
        self.assertFalse(line.offline)
        # signed while the network was down, sent when it came back
        lucas = self.line_of(self.att_session, self.lucas)
        self.assertEqual(lucas.sign_method, "kiosk")
        self.assertTrue(lucas.offline)
        self.assertTrue(lucas.device_time)
        self.assertLessEqual(lucas.device_time, lucas.signed_at)
        # signed on her behalf by the trainer, with a drawn signature
        sofia = self.line_of(self.att_session, self.sofia)
        self.assertEqual(sofia.sign_method, "on_behalf")
        self.assertEqual(sofia.witness_name, "Jean Témoin")
        self.assertTrue(sofia.signature_sha256)

    def test_kiosk_lists_the_open_sessions_of_the_user(self):
        Session = self.env["az.attendance.session"]
        mine = Session.with_user(self.trainer).kiosk_open_sessions()
        self.assertIn(self.att_session.id, [s["id"] for s in mine])
        self.assertFalse(Session.with_user(self.other_staff).kiosk_open_sessions())
        data = self.att_session.with_user(self.trainer).kiosk_data()
        self.assertEqual(
            [line["name"] for line in data["lines"]], ["Amina Diallo", "Lucas Martin", "Sofia Pereira"]
        )
        for line in self.att_session.line_ids:
            self.assertNotIn(line.sign_code, str(data), "the kiosk never shows personal codes")

    def test_kiosk_page_is_for_staff_and_open_sessions(self):
        url = f"/attendance/kiosk/{self.att_session.id}"
        self.authenticate("az_att_portal", "az_att_portal")
        self.assertEqual(self.url_open(url).status_code, 403)
        self.authenticate("az_att_other", "az_att_other")
        self.assertEqual(self.url_open(url).status_code, 404, "a session of another team")
        self.authenticate("az_att_trainer", "az_att_trainer")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_main_navbar", page.text)
        for bad in ("²", "1%00", "99999999999", "abc"):
            self.assertEqual(self.url_open(f"/attendance/kiosk/{bad}").status_code, 404, bad)
        self.att_session.action_reset_to_draft()
        self.assertEqual(self.url_open(url).status_code, 409)
        # leaving needs the password of the staff member logged in on the tablet
        for password in ("", "123456", None, ["az_att_trainer"]):
            result = self.make_jsonrpc_request(
                "/attendance/kiosk/unlock", {"password": password, "session_id": self.att_session.id}
            )
            self.assertFalse(result["ok"], password)
        result = self.make_jsonrpc_request(
            "/attendance/kiosk/unlock", {"password": "az_att_trainer", "session_id": self.att_session.id}
        )
        self.assertTrue(result["ok"])
        self.assertIn(str(self.att_session.id), result["url"])

    def test_signing_codes_are_not_in_lists(self):
        view = self.env.ref("az_attendance.az_attendance_session_view_form")
        views = self.env["az.attendance.session"].with_user(self.trainer).get_views([(view.id, "form")])
        # the trainer may read the codes (the field exists under this name, for their group)...
        Line = self.env["az.attendance.line"].with_user(self.trainer)
        self.assertIn("sign_code", Line.fields_get(["sign_code"]))
        # ...but the list of participants of the sheet's form loads the lines without them:
        # a code is shown one person at a time, on demand, with the "Code" button
        line_fields = views["models"]["az.attendance.line"]["fields"]
        self.assertIn("partner_name", line_fields, "the form lists the participants")
        self.assertNotIn("sign_code", line_fields)
        self.assertIn('name="action_show_sign_code"', views["views"]["form"]["arch"])
        amina_line = self.line_of(self.att_session, self.amina)
        shown = amina_line.with_user(self.trainer).action_show_sign_code()["params"]
        self.assertEqual(shown["message"], amina_line.sudo().sign_code)
        self.assertEqual(shown["title"], "Signing code of Amina Diallo")


@tagged("post_install", "-at_install")
class TestAttendancePhoneTours(AttendanceTourCommon):
    # a phone held upright, with a touch screen
    browser_size = "390x844"

    def test_qr_tour(self):
        line = self.line_of(self.att_session, self.lucas)
        line.sign_code = "246810"
        self.start_tour(f"/attendance/qr/{self.att_session.qr_token}", "az_attendance_qr")
        self.assertEqual(line.sign_method, "qr")
        self.assertEqual(line.status, "present")
        self.assertTrue(line.signature_sha256)
        self.assertFalse(self.line_of(self.att_session, self.amina).signed_at)

    def test_remote_tour(self):
        line = self.line_of(self.att_session, self.amina)
        self.start_tour(f"/attendance/sign/{line._get_remote_token()}", "az_attendance_remote")
        self.assertEqual(line.sign_method, "remote")
        self.assertTrue(line.signature_sha256)
