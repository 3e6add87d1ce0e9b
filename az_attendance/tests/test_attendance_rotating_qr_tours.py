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
