"""The verify page takes a file: an archived original is recognised by its digest, a copy
rendered again after an amendment is not, and no file makes the page fail."""

import base64
import io
import re
import zlib

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import NameObject, OdooPdfFileWriter

from .common import SheetCommon, signature_data_uri, signature_png

URL = "/attendance/verify/file"


@tagged("post_install", "-at_install")
class TestAttendanceVerifyFile(HttpCase, SheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the sheets of the demo data wait for their originals too: not the business of these tests
        cls.env.cr.execute("UPDATE az_attendance_session SET az_original_pending = FALSE")
        cls.sheet_ = cls.make_session()
        for index, line in enumerate(cls.sheet_.line_ids, start=1):
            line._record_signature(
                signature_data_uri(index), "kiosk", ip=f"10.0.0.{index}", user_agent="Tablet"
            )
        cls.sheet_.trainer_signature = base64.b64encode(signature_png(42))
        cls.sheet_.with_user(cls.trainer).action_validate()
        cls.original = cls.env["az.attendance.session"]._cron_make_originals()

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def post(self, data, name="sheet.pdf", csrf=True):
        page = self.url_open(URL)
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            URL,
            data={"csrf_token": token} if csrf else {},
            files={"file": (name, data, "application/pdf")} if data is not None else None,
        )

    def live_pdf(self):
        return (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True, az_original_rendering=True)
            ._render_qweb_pdf("az_attendance.action_report_attendance_sheet", self.sheet_.ids)[0]
        )

    def test_the_original_is_recognised(self):
        page = self.post(self.original._pdf())
        self.assertPageSays(
            page,
            200,
            f'This file is the original of the sheet "{self.sheet_.display_name}", sealed on '
            f"{self.sheet_._format_local(self.sheet_.validated_at)} (Paris time) by Claire Trainer.",
        )
        self.assertIn("o_az_verify_file_ok", page.text)
        self.assertIn(self.original.sha256, page.text)

    def test_a_copy_rendered_again_after_an_amendment_is_refused_and_what_disagrees_is_said(self):
        old = self.original._pdf()
        self.env["az.attendance.amendment"].create(
            {
                "session_id": self.sheet_.id,
                "line_id": self.line_of(self.sheet_, self.sofia).id,
                "field_name": "status",
                "new_status": "absent",
                "reason": "Left before the start",
            }
        )
        copy = self.sheet_._az_original_pdfa(self.live_pdf(), self.sheet_._az_original_proof())
        page = self.post(copy)
        self.assertPageSays(page, 200, "This file is not an original of this structure.")
        self.assertIn("o_az_verify_file_unknown", page.text)
        self.assertIn("Its proof holds together, but this file is not the one the", page.text)
        # the original made before the amendment is still recognised, as superseded once replaced
        self.env["az.attendance.session"]._cron_make_originals()
        page = self.post(old)
        self.assertIn("o_az_verify_file_superseded", page.text)
        self.assertPageSays(
            page,
            200,
            f'This file is an original of "{self.sheet_.display_name}", but not its latest version.',
        )

    def test_a_forged_proof_is_named(self):
        proof = self.sheet_._az_original_proof()
        proof["seal"]["lines"][0]["content"] = proof["seal"]["lines"][0]["content"].replace(
            '"present"', '"absent"'
        )
        page = self.post(self.sheet_._az_original_pdfa(self.live_pdf(), proof))
        self.assertPageSays(page, 200, "This file is not an original of this structure.")
        self.assertIn("Line 1 of the file&#39;s proof does not give its recorded hash.", page.text)

    def bomb(self):
        """A PDF whose embedded proof inflates to 300 MB of blanks (some 300 KB compressed)."""
        packer = zlib.compressobj(9)
        chunks = [packer.compress(b"{" + b" " * (1024 * 1024 - 1))]
        chunks += [packer.compress(b" " * 1024 * 1024) for _ in range(299)]
        data = b"".join(chunks) + packer.flush()
        writer = OdooPdfFileWriter()
        writer.addBlankPage(200, 200)
        writer.add_attachment("az-attendance-proof.json", data, subtype="application/json")
        names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
        names[1].get_object()["/EF"]["/F"].get_object()[NameObject("/Filter")] = NameObject("/FlateDecode")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    @mute_logger("odoo.http", "odoo.addons.az_attendance.controllers.verify_file", "PyPDF2", "pypdf")
    def test_no_file_makes_the_page_fail(self):
        for data, status in [
            (b"", 400),
            (b"hello", 415),
            (b"\x89PNG\r\n\x1a\n" + b"0" * 64, 415),
            (b"%PDF-1.7\n" + b"\x00" * 300, 200),
            (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n", 200),
            (
                b"%PDF-1.4\ntrailer<</Root<</Names<</EmbeddedFiles<</Names[(az-attendance-proof.json) 5]>>"
                b">>>>>>\n%%EOF",
                200,
            ),
            (self.original._pdf()[:5000], 200),
            (self.bomb(), 200),
            (b"%PDF-" + b"9" * (21 * 1024 * 1024), 413),
        ]:
            with self.subTest(data=data[:40]):
                page = self.post(data)
                self.assertEqual(page.status_code, status, page.text[:300])
                if status == 200:
                    self.assertIn("This file is not an original of this structure.", page.text)
        self.assertPageSays(self.post(self.bomb()), 200, "The proof embedded in the file is not readable.")
        self.assertEqual(self.post(None).status_code, 400, "no file at all")
        # a post without the CSRF token is refused and reads nothing
        self.assertEqual(self.post(self.original._pdf(), csrf=False).status_code, 400)
