import re
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.az_attendance.tools import tokens

from .common import AttendanceCommon, foreign_signer, signature_values


@tagged("post_install", "-at_install")
class TestAttendanceControllers(HttpCase, AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        cls.att_session = cls.make_session(start=now - timedelta(minutes=30))
        cls.amina_line = cls.line_of(cls.att_session, cls.amina)
        cls.lucas_line = cls.line_of(cls.att_session, cls.lucas)

    def setUp(self):
        super().setUp()
        # an anonymous visitor's session, bound to this database
        self.authenticate(None, None)

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, response.text[:500])
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _assert_nothing_signed(self):
        self.env.invalidate_all()
        self.assertFalse(self.att_session.line_ids.filtered("signed_at"))

    # ------------------------------------------------------------------ QR
    def test_qr_sign_end_to_end(self):
        url = f"/attendance/qr/{self.att_session.qr_token}"
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Amina D.", page.text)
        self.assertNotIn("Amina Diallo", page.text, "full names are not listed publicly")
        self.assertNotIn(self.amina_line.sign_code, page.text)
        csrf = self._csrf(url)
        post = url + "/sign"
        # wrong code: refused, nothing written
        wrong = "000000" if self.amina_line.sign_code != "000000" else "111111"
        response = self.url_open(
            post,
            data={"csrf_token": csrf, "line_id": self.amina_line.id, "code": wrong, **signature_values()},
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("does not match", response.text)
        # another person's code
        response = self.url_open(
            post,
            data={
                "csrf_token": csrf,
                "line_id": self.amina_line.id,
                "code": self.lucas_line.sign_code,
                **signature_values(),
            },
        )
        self.assertPageSays(response, 403, "This code does not match your name.")
        # hostile input
        for data, message in (
            ({"line_id": "abc"}, "Choose your name in the list."),
            ({"line_id": "9" * 40}, "Choose your name in the list."),
            (
                {
                    "line_id": self.amina_line.id,
                    "code": self.amina_line.sign_code,
                    "signature": "<script>" * 1000,
                },
                "The signature image is not readable.",
            ),
        ):
            response = self.url_open(post, data={"csrf_token": csrf, **data})
            self.assertPageSays(response, 400, message, data)
        # no CSRF token
        response = self.url_open(
            post,
            data={"line_id": self.amina_line.id, "code": self.amina_line.sign_code, **signature_values()},
        )
        # Odoo's own error page: the form is refused before the route reads it
        self.assertPageSays(response, 400, "Oops! Something went wrong.")
        self._assert_nothing_signed()
        # the genuine person
        response = self.url_open(
            post,
            data={
                "csrf_token": csrf,
                "line_id": self.amina_line.id,
                "code": self.amina_line.sign_code,
                **signature_values(),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your signature is recorded", response.text)
        self.env.invalidate_all()
        self.assertEqual(self.amina_line.sign_method, "qr")
        self.assertEqual(self.amina_line.status, "present")
        self.assertEqual(self.amina_line.sign_ip, "127.0.0.1")
        self.assertTrue(self.amina_line.sign_user_agent)
        self.assertFalse(self.amina_line.sign_user_id)
        # reused: refused, the first signature stays
        first = self.amina_line.signature_sha256
        response = self.url_open(
            post,
            data={
                "csrf_token": csrf,
                "line_id": self.amina_line.id,
                "code": self.amina_line.sign_code,
                **signature_values(3),
            },
        )
        self.assertPageSays(response, 400, "Amina Diallo has already signed this sheet.")
        self.env.invalidate_all()
        self.assertEqual(self.amina_line.signature_sha256, first)
        self.assertNotIn("Amina D.", self.url_open(url).text, "signed people leave the list")

    def test_qr_brute_force_is_throttled(self):
        url = f"/attendance/qr/{self.att_session.qr_token}"
        csrf = self._csrf(url)
        codes = [f"{n:06d}" for n in range(20) if f"{n:06d}" != self.lucas_line.sign_code]
        statuses = []
        for code in codes[:6]:
            statuses.append(
                self.url_open(
                    url + "/sign",
                    data={
                        "csrf_token": csrf,
                        "line_id": self.lucas_line.id,
                        "code": code,
                        **signature_values(),
                    },
                ).status_code
            )
        self.assertEqual(statuses, [403] * 5 + [429])
        # counted in PostgreSQL, so every worker and server sees the same count
        self.assertEqual(self.env["az.attendance.sign.attempt"].sudo()._tries(self.lucas_line.id), 5)
        response = self.url_open(
            url + "/sign",
            data={
                "csrf_token": csrf,
                "line_id": self.lucas_line.id,
                "code": self.lucas_line.sign_code,
                **signature_values(),
            },
        )
        self.assertPageSays(
            response,
            429,
            "Too many wrong codes. Wait a quarter of an hour or ask the trainer.",
            "even the right code waits",
        )
        self._assert_nothing_signed()

    def test_qr_bad_or_closed_token(self):
        not_valid = "This QR code is not valid. Ask the trainer for the session's code."
        for token in ("nope", "x" * 300, "%00%27"):
            self.assertPageSays(self.url_open(f"/attendance/qr/{token}"), 404, not_valid, token)
        token = self.att_session.qr_token
        self.att_session.action_regenerate_qr()
        self.assertPageSays(self.url_open(f"/attendance/qr/{token}"), 404, not_valid, "a replaced code")
        self.att_session.action_reset_to_draft()
        self.assertPageSays(
            self.url_open(f"/attendance/qr/{self.att_session.qr_token}"),
            410,
            "Signing is closed for this session.",
        )
        # GET on the POST route changes nothing
        self.assertEqual(self.url_open(f"/attendance/qr/{self.att_session.qr_token}/sign").status_code, 405)
        self._assert_nothing_signed()

    # ------------------------------------------------------------------ remote link
    def test_remote_link_end_to_end(self):
        self.att_session.with_user(self.trainer).action_send_remote_links()
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "az.attendance.line"), ("res_id", "=", self.amina_line.id)])
        )
        self.assertEqual(len(mails), 1)
        url = re.search(r'href="[^"]*(/attendance/sign/[^"]+)"', mails.body_html).group(1)
        self.assertIn(self.amina_line.sign_code, mails.body_html, "the QR code's personal code")
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("res_id", "=", self.line_of(self.att_session, self.sofia).id),
                    ("model", "=", "az.attendance.line"),
                ]
            ),
            "no e-mail address, no link",
        )
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Signing as", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(url, data={"csrf_token": csrf, **signature_values()})
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.env.invalidate_all()
        self.assertEqual(self.amina_line.sign_method, "remote")
        # single use: the person is told their signature is already recorded
        already = "Amina D., your signature for 'Atelier e-administration' is already recorded."
        self.assertPageSays(self.url_open(url), 410, already)
        response = self.url_open(url, data={"csrf_token": csrf, **signature_values(2)})
        self.assertPageSays(response, 410, already)

    def test_remote_link_refusals_write_nothing(self):
        token = self.lucas_line._get_remote_token()
        line_id, session_id, expiry, mac = token.split("-", 3)
        bad_tokens = {
            "tampered mac": f"{line_id}-{session_id}-{expiry}-{mac[:-2]}{'00' if mac[-2:] != '00' else '11'}",
            "another person's line": f"{self.amina_line.id}-{session_id}-{expiry}-{mac}",
            "extended expiry": f"{line_id}-{session_id}-{int(expiry) + 86400}-{mac}",
            "other secret": tokens.make_token(foreign_signer(), int(line_id), int(session_id), int(expiry)),
            "junk": "1-2-3-" + "<" * 43,
            "huge": "9" * 5000,
        }
        csrf = self._csrf(f"/attendance/qr/{self.att_session.qr_token}")
        for label, bad in bad_tokens.items():
            for method in ("GET", "POST"):
                data = {**signature_values(), "csrf_token": csrf} if method == "POST" else None
                response = self.url_open(f"/attendance/sign/{bad}", data=data)
                self.assertPageSays(response, 403, "This signing link is not valid.", f"{label} {method}")
        # a genuine token whose expiry has passed
        expired = tokens.make_token(
            self.lucas_line._token_signer(),
            int(line_id),
            int(session_id),
            int(datetime(2020, 1, 1).timestamp()),
        )
        self.assertPageSays(
            self.url_open(f"/attendance/sign/{expired}"),
            410,
            "This signing link is only valid around the time of the session.",
        )
        self._assert_nothing_signed()

    def test_remote_link_only_around_the_session(self):
        token = self.lucas_line._get_remote_token()
        url = f"/attendance/sign/{token}"
        self.assertEqual(self.url_open(url).status_code, 200)
        later = fields.Datetime.now() + timedelta(days=1)
        out_of_time = "This signing link is only valid around the time of the session."
        with patch.object(fields.Datetime, "now", return_value=later):
            self.assertPageSays(self.url_open(url), 410, out_of_time, "a day later")
        earlier = self.att_session.start - timedelta(hours=3)
        with patch.object(fields.Datetime, "now", return_value=earlier):
            self.assertPageSays(self.url_open(url), 410, out_of_time, "three hours before")

    # ------------------------------------------------------------------ kiosk route
    def test_the_kiosk_of_a_draft_sheet_says_to_open_it_first(self):
        self.att_session.action_reset_to_draft()
        self.authenticate("az_att_trainer", "az_att_trainer")
        page = self.url_open(f"/attendance/kiosk/{self.att_session.id}")
        self.assertPageSays(page, 409, "Open the session for signing first.")
        self.att_session.action_open()
        self.assertEqual(self.url_open(f"/attendance/kiosk/{self.att_session.id}").status_code, 200)

    def test_kiosk_route_needs_staff_of_the_project(self):
        self.authenticate("az_att_other", "az_att_other")
        result = self.make_jsonrpc_request(
            "/attendance/kiosk/sign", {"line_id": self.amina_line.id, **signature_values()}
        )
        self.assertFalse(result["ok"])
        self._assert_nothing_signed()
        self.authenticate("az_att_trainer", "az_att_trainer")
        result = self.make_jsonrpc_request(
            "/attendance/kiosk/sign",
            {
                "line_id": self.amina_line.id,
                **signature_values(),
                "device_time": "2025-03-11T08:03:00.000Z",
                "offline": True,
            },
        )
        self.assertTrue(result["ok"], result)
        self.assertTrue(result["line"]["signed"])
        self.env.invalidate_all()
        self.assertEqual(self.amina_line.sign_method, "kiosk")
        self.assertEqual(self.amina_line.sign_user_id, self.trainer)
        self.assertTrue(self.amina_line.offline)
        self.assertEqual(self.amina_line.device_time, datetime(2025, 3, 11, 8, 3))
        for bad in (
            {"line_id": "x"},
            {"line_id": 10**9, **signature_values()},
            {"line_id": self.lucas_line.id, "signature": "garbage"},
        ):
            self.assertFalse(self.make_jsonrpc_request("/attendance/kiosk/sign", bad)["ok"])
        self.assertFalse(
            self.make_jsonrpc_request(
                "/attendance/kiosk/sign", {"line_id": self.amina_line.id, **signature_values(2)}
            )["ok"],
            "a line is signed once",
        )

    # ------------------------------------------------------------------ verify page
    def test_public_verify_page(self):
        self.assertPageSays(
            self.url_open(f"/attendance/verify/{self.att_session.verify_token}"),
            404,
            "No sealed attendance sheet matches this code.",
            "not sealed yet",
        )
        self.sign_all_and_validate(self.att_session)
        url = f"/attendance/verify/{self.att_session.verify_token}"
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_az_verify_ok", page.text)
        self.assertIn(self.att_session.seal, page.text)
        self.env.cr.execute(
            "UPDATE az_attendance_line SET status='late' WHERE id=%s",
            [self.line_of(self.att_session, self.sofia).id],
        )
        self.env.cr.execute(
            "UPDATE az_attendance_line SET sign_method='paper' WHERE id=%s", [self.lucas_line.id]
        )
        page = self.url_open(url)
        self.assertIn("o_az_verify_broken", page.text)
        self.assertIn("Lucas Martin", page.text)
        self.assertIn("Sofia Pereira", page.text)
        self.assertNotIn("Amina Diallo", page.text)
        self.assertPageSays(
            self.url_open("/attendance/verify/unknown"), 404, "No sealed attendance sheet matches this code."
        )

    # ------------------------------------------------------------------ portal
    def test_portal_shows_only_my_own_lines(self):
        other = self.make_session(
            partners=self.lucas, name="Atelier CV", start=self.att_session.start + timedelta(days=1)
        )
        self.authenticate("az_att_portal", "az_att_portal")
        page = self.url_open("/my/attendance")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.att_session.name, page.text)
        self.assertEqual(page.text.count("o_az_portal_line"), 1)
        self.assertNotIn(other.name, page.text)
        self.assertNotIn("Lucas Martin", page.text)
