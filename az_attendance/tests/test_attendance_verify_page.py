"""The public verify page: the paper (the seal in the printed address), the database and the
company ledger check each other, and no input makes the page fail."""

from urllib.parse import quote

from odoo.tests import HttpCase, tagged

from ..tools import seal as sealer
from .common import AttendanceCommon


@tagged("post_install", "-at_install")
class TestAttendanceVerifyPage(HttpCase, AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sheet = cls.make_session()

    def setUp(self):
        super().setUp()
        self.sign_all_and_validate(self.sheet)
        self.authenticate(None, None)

    def _page(self, seal=None, token=None):
        url = f"/attendance/verify/{token or self.sheet.verify_token}"
        if seal is not None:
            url += f"?seal={quote(seal)}"
        return self.url_open(url)

    def test_printed_address_carries_the_seal_and_verifies(self):
        url = self.sheet.verify_url
        self.assertIn(f"?seal={sealer.SEAL_VERSION}-{sealer.parse_hash(self.sheet.seal)[1]}", url)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_az_verify_ok", page.text)
        self.assertIn("o_az_verify_paper", page.text)
        self.assertIn("o_az_verify_ledger", page.text)

    def test_a_paper_that_is_not_the_sealed_sheet_is_named(self):
        page = self._page("2-" + "ab" * 32)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_az_verify_broken", page.text)
        self.assertIn("The seal on the paper matches neither the database nor the company ledger", page.text)

    def test_database_changed_after_printing_is_named(self):
        printed = sealer.seal_to_url(self.sheet.seal)
        self.env.cr.execute(
            "UPDATE az_attendance_session SET seal = %s WHERE id = %s", ["$2$" + "cd" * 32, self.sheet.id]
        )
        page = self._page(printed)
        self.assertIn("The seal on the paper matches the company ledger but not the database", page.text)

    def test_a_reopened_sheet_is_still_shown_as_broken(self):
        self.env.cr.execute("UPDATE az_attendance_session SET state = 'open' WHERE id = %s", [self.sheet.id])
        page = self._page(sealer.seal_to_url(self.sheet.seal))
        self.assertEqual(page.status_code, 200)
        self.assertIn("reopened after its seal", page.text)

    def test_a_deleted_sheet_is_named_from_the_ledger(self):
        printed = sealer.seal_to_url(self.sheet.seal)
        token, name = self.sheet.verify_token, self.sheet.name
        self.env.cr.execute("DELETE FROM az_attendance_session WHERE id = %s", [self.sheet.id])
        page = self._page(printed, token=token)
        self.assertEqual(page.status_code, 410)
        self.assertIn("no longer in the database", page.text)
        self.assertIn(name, page.text)

    def test_no_input_makes_the_page_fail(self):
        bad_seals = [
            "x",
            "2-",
            "-",
            "2-" + "g" * 64,
            "1-" + "a" * 64,
            "0-" + "a" * 64,
            "a" * 5000,
            "\u202e" + "a" * 64,
            "2-" + "a" * 64 + "\x00",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "99999-" + "a" * 64,
            "２-" + "a" * 64,
        ]
        for bad in bad_seals:
            with self.subTest(seal=bad[:20]):
                page = self._page(bad)
                self.assertEqual(page.status_code, 400, bad[:40])
                self.assertIn("Unreadable seal", page.text)
        unknown = "No sealed attendance sheet matches this code."
        for bad_token in ["x", "a" * 5000, "<script>", "%00"]:
            self.assertPageSays(self._page(token=bad_token), 404, unknown, bad_token[:20])
            self.assertPageSays(self._page("2-" + "a" * 64, token=bad_token), 404, unknown, bad_token[:20])
        # a path out of the route never reaches it: the website's page of an unknown address
        self.assertPageSays(self._page(token="..%2F"), 404, "Page Not Found")
        # several seal parameters: the first one counts, nothing fails
        page = self.url_open(
            f"/attendance/verify/{self.sheet.verify_token}?seal=x&seal={sealer.seal_to_url(self.sheet.seal)}"
        )
        self.assertLess(page.status_code, 500)
