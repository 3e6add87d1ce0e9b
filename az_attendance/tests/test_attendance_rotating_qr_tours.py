from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.az_attendance.tools import rotating_code
from odoo.addons.az_project_base.tests.browser_audit import PHONE, AccessibilityAuditMixin

from .test_attendance_tours import AttendanceTourCommon


class FixedStep:
    """The rotating code's step held still while a browser starts (a busy machine may take
    longer than a step to open the page): the refusal of an old code is tested elsewhere."""

    def setUp(self):
        super().setUp()
        step = rotating_code.current_step()
        patcher = patch.object(rotating_code, "current_step", lambda now=None, step_seconds=10: step)
        patcher.start()
        self.addCleanup(patcher.stop)


class RotatingQrTours(FixedStep):
    # the same tours at each screen size (Odoo's loader keeps inherited tests only when asked)
    allow_inherited_tests_method = True

    def scan_url(self):
        value = rotating_code.make_code(
            self.att_session._qr_signer(), self.att_session.id, rotating_code.current_step()
        )
        return f"/attendance/qr/r/{value}"

    def test_recognised_phone_signs_without_code(self):
        # the phone holds the person's portal session
        self.start_tour(self.scan_url(), "az_attendance_rotating_qr_recognised", login="az_att_portal")
        line = self.line_of(self.att_session, self.amina)
        self.assertEqual(line.sign_method, "qr")
        self.assertTrue(line.sign_qr_step)
        self.assertTrue(line.signature_sha256)

    def test_unknown_phone_signs_with_the_code_received(self):
        Line = type(self.env["az.attendance.line"])
        # the code the person receives, known to the tour
        with (
            patch.object(Line, "_qr_otp_code", lambda line: "135790"),
            patch.object(Line, "_check_qr_otp", lambda line, code: code == "135790"),
        ):
            self.start_tour(self.scan_url(), "az_attendance_rotating_qr_code")
        line = self.line_of(self.att_session, self.lucas)
        self.assertEqual(line.sign_method, "qr")
        self.assertTrue(line.sign_qr_step)
        mail = self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.lucas.ids)])
        self.assertIn("135790", mail.body_html, "the code went by e-mail")


@tagged("post_install", "-at_install")
class TestRotatingQrPhoneTours(RotatingQrTours, AttendanceTourCommon):
    browser_size = "390x844"


@tagged("post_install", "-at_install")
class TestRotatingQrTabletTours(RotatingQrTours, AttendanceTourCommon):
    browser_size = "820x1180"


@tagged("post_install", "-at_install")
class TestKioskRotatingQr(AttendanceTourCommon):
    """The kiosk shows the rotating QR code beside the names when the session asks for it."""

    browser_size = "820x1180"

    def test_kiosk_shows_the_rotating_code_that_changes(self):
        self.att_session.kiosk_rotating_qr = True
        steps = iter(range(rotating_code.current_step(), rotating_code.current_step() + 1000))
        # a new step at each image asked for, one second apart: the tour sees the code change
        with (
            patch.object(rotating_code, "current_step", lambda now=None, step_seconds=10: next(steps)),
            patch.object(rotating_code, "seconds_left", lambda now=None, step_seconds=10: 1),
        ):
            self.start_tour(
                f"/attendance/kiosk/{self.att_session.id}",
                "az_attendance_kiosk_rotating_qr",
                login="az_att_trainer",
            )

    def test_the_kiosk_route_gives_the_image_only_when_the_option_is_on(self):
        url = f"/attendance/kiosk/{self.att_session.id}/qr"
        self.authenticate("az_att_trainer", "az_att_trainer")
        self.assertEqual(self.url_open(url).status_code, 404, "option off: no code")
        self.assertFalse(self.att_session.with_user(self.trainer).kiosk_data()["rotating_qr"])
        self.att_session.kiosk_rotating_qr = True
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertTrue(data["image"].startswith("data:image/png;base64,"))
        self.assertIn(f"/attendance/qr/r/{self.att_session.id}-", data["url"])
        self.assertNotIn("secret", str(data))
        self.assertTrue(self.att_session.with_user(self.trainer).kiosk_data()["rotating_qr"]["image"])
        for bad in ("abc", "0", "999999999", f"{self.att_session.id}x"):
            self.assertEqual(self.url_open(f"/attendance/kiosk/{bad}/qr").status_code, 404, bad)
        # staff of another project, a portal user and a visitor get nothing
        self.authenticate("az_att_other", "az_att_other")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.authenticate("az_att_portal", "az_att_portal")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.authenticate(None, None)
        self.assertIn(self.url_open(url, allow_redirects=False).status_code, (302, 303), "to the login")


@tagged("post_install", "-at_install")
class TestRotatingQrAccessibility(FixedStep, AccessibilityAuditMixin, AttendanceTourCommon):
    """The new pages pass the accessibility audit and show nothing cut at 390 px."""

    def test_pages_pass_the_audit(self):
        scan = rotating_code.make_code(
            self.att_session._qr_signer(), self.att_session.id, rotating_code.current_step()
        )
        self.audit_page(f"/attendance/qr/r/{scan}", "rotating QR: pick a name", widths=(PHONE,))
        self.audit_page(
            f"/attendance/qr/r/{scan}", "rotating QR: recognised", login="az_att_portal", widths=(PHONE,)
        )
        self.audit_page("/my/attendance/phones", "my phones", login="az_att_portal")
        self.audit_page(
            f"/attendance/qr/screen/{self.att_session.id}", "trainer's rotating QR", login="az_att_trainer"
        )
        link = self.env["res.partner"].browse(self.lucas.id)._az_device_link_url().split("/attendance/")[1]
        self.audit_page(f"/attendance/{link}", "this phone is mine", widths=(PHONE,))

    def test_pages_show_nothing_cut(self):
        scan = rotating_code.make_code(
            self.att_session._qr_signer(), self.att_session.id, rotating_code.current_step()
        )
        self.audit_layout(f"/attendance/qr/r/{scan}", "rotating QR: pick a name")
        self.audit_layout(
            f"/attendance/qr/screen/{self.att_session.id}", "trainer's screen", login="az_att_trainer"
        )
