import hashlib
import re
import time
from datetime import timedelta
from urllib.parse import quote

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.az_attendance.controllers.qr import DEVICE_COOKIE
from odoo.addons.az_attendance.tools import rotating_code

from .common import AttendanceCommon, signature_values

# a website in several languages prefixes its forms' addresses with the language
LANG_PREFIX = r"(?:/[a-z]{2}(?:_[A-Z]{2})?)?"

EXPIRED = "This code has expired: scan the code shown now."


@tagged("post_install", "-at_install")
class TestAttendanceRotatingQr(HttpCase, AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        cls.att_session = cls.make_session(start=now - timedelta(minutes=30))
        cls.amina_line = cls.line_of(cls.att_session, cls.amina)
        cls.lucas_line = cls.line_of(cls.att_session, cls.lucas)

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    # ------------------------------------------------------------------ helpers
    def signer(self):
        return self.att_session._qr_signer()

    def scan_url(self, step=None, session=None):
        session = session or self.att_session
        step = rotating_code.current_step() if step is None else step
        return f"/attendance/qr/r/{rotating_code.make_code(self.signer(), session.id, step)}"

    def form_of(self, response, kind):
        """(action, csrf) of the form posting to ``.../<kind>`` on a page."""
        self.assertEqual(response.status_code, 200, response.text[:500])
        action = re.search(rf'action="({LANG_PREFIX}/attendance/qr/t/[^"]+/{kind})"', response.text).group(1)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
        return action, csrf

    def recognise(self, partner):
        token = self.env["az.attendance.device"]._enrol(partner, "Test phone")
        self.opener.cookies.set(DEVICE_COOKIE, token)
        return token

    def assert_nothing_signed(self):
        self.env.invalidate_all()
        self.assertFalse(self.att_session.line_ids.filtered("signed_at"))

    # ------------------------------------------------------------------ recognised phone
    def test_recognised_phone_signs_without_code(self):
        token = self.recognise(self.amina)
        step = rotating_code.current_step()
        page = self.url_open(self.scan_url(step))
        self.assertIn("Signing as", page.text)
        self.assertIn("Amina D.", page.text)
        self.assertNotIn("Lucas M.", page.text, "a recognised phone signs for its person only")
        self.assertNotIn('name="code"', page.text, "no code is asked")
        action, csrf = self.form_of(page, "sign")
        response = self.url_open(
            action, data={"csrf_token": csrf, "line_id": self.amina_line.id, **signature_values()}
        )
        self.assertPageSays(response, 200, "your signature is recorded")
        self.env.invalidate_all()
        self.assertEqual(self.amina_line.sign_method, "qr")
        self.assertIn(self.amina_line.sign_qr_step, (step, step + 1))
        self.assertEqual(self.amina_line.sign_ip, "127.0.0.1")
        self.assertTrue(self.amina_line.sign_user_agent)
        # the token is stored hashed only
        device = self.env["az.attendance.device"].search([("partner_id", "=", self.amina.id)])
        self.assertEqual(device.sudo().token_hash, hashlib.sha256(token.encode()).hexdigest())
        self.env.cr.execute(
            "SELECT count(*) FROM az_attendance_device WHERE token_hash = %s OR name = %s", [token, token]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the token itself is nowhere in the table")
        self.assertTrue(device.last_used_at)

    def test_recognised_phone_of_someone_else_cannot_sign_for_another_line(self):
        self.recognise(self.amina)
        page = self.url_open(self.scan_url())
        action, csrf = self.form_of(page, "sign")
        # the form posted with another person's line and no code: a code is required
        response = self.url_open(
            action, data={"csrf_token": csrf, "line_id": self.lucas_line.id, **signature_values()}
        )
        self.assertEqual(response.status_code, 403)
        self.assert_nothing_signed()

    def test_recognised_person_not_on_the_session_is_refused(self):
        outsider = self.env["res.partner"].create({"name": "Hugo Dehors", "email": "hugo@example.com"})
        self.recognise(outsider)
        response = self.url_open(self.scan_url())
        self.assertPageSays(response, 403, "who is not on the list of this session")

    def test_revoked_device_is_not_recognised(self):
        self.recognise(self.amina)
        self.env["az.attendance.device"].search([("partner_id", "=", self.amina.id)]).with_user(
            self.trainer
        ).action_revoke()
        page = self.url_open(self.scan_url())
        self.assertNotIn("Signing as", page.text)
        self.assertIn("Receive my code", page.text, "the phone picks a name as an unknown phone")
        action, _csrf = self.form_of(page, "code")
        sign = action.replace("/code", "/sign")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            sign, data={"csrf_token": csrf, "line_id": self.amina_line.id, **signature_values()}
        )
        self.assertEqual(response.status_code, 403, "without a code, a revoked phone signs nothing")
        self.assert_nothing_signed()

    # ------------------------------------------------------------------ unknown phone
    def test_unknown_phone_receives_a_code_by_email_and_signs(self):
        page = self.url_open(self.scan_url())
        self.assertIn("Amina D.", page.text)
        self.assertNotIn("Amina Diallo", page.text, "full names are not listed publicly")
        self.assertNotIn("amina@example.com", page.text)
        action, csrf = self.form_of(page, "code")
        response = self.url_open(action, data={"csrf_token": csrf, "line_id": self.amina_line.id})
        self.assertPageSays(response, 200, "A code was sent to you by e-mail. Type it below.")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", self.amina.ids)], order="id desc", limit=1)
        )
        self.assertTrue(mail, "the code is queued by e-mail")
        code = re.search(r">\s*(\d{6})\s*<", mail.body_html).group(1)
        self.assertNotIn(code, response.text, "the code is never shown on the page")
        sign, csrf = self.form_of(response, "sign")
        wrong = "000000" if code != "000000" else "111111"
        refused = self.url_open(
            sign,
            data={"csrf_token": csrf, "line_id": self.amina_line.id, "code": wrong, **signature_values()},
        )
        self.assertPageSays(refused, 403, "This code does not match your name.")
        self.assert_nothing_signed()
        response = self.url_open(
            sign,
            data={
                "csrf_token": csrf,
                "line_id": self.amina_line.id,
                "code": code,
                "remember": "1",
                **signature_values(),
            },
        )
        self.assertPageSays(response, 200, "your signature is recorded")
        cookie = response.headers.get("Set-Cookie", "")
        self.assertIn(f"{DEVICE_COOKIE}=", cookie, "'this phone is mine' was ticked")
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)
        self.env.invalidate_all()
        self.assertEqual(self.amina_line.sign_method, "qr")
        self.assertTrue(self.amina_line.sign_qr_step)
        device = self.env["az.attendance.device"].search([("partner_id", "=", self.amina.id)])
        self.assertEqual(device.state, "active")

    def test_personal_code_stays_the_fallback(self):
        page = self.url_open(self.scan_url())
        action, csrf = self.form_of(page, "code")
        response = self.url_open(
            action, data={"csrf_token": csrf, "line_id": self.lucas_line.id, "personal": "1"}
        )
        self.assertFalse(self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.lucas.ids)]))
        sign, csrf = self.form_of(response, "sign")
        response = self.url_open(
            sign,
            data={
                "csrf_token": csrf,
                "line_id": self.lucas_line.id,
                "code": self.lucas_line.sign_code,
                **signature_values(),
            },
        )
        self.assertPageSays(response, 200, "your signature is recorded")
        self.assertNotIn(DEVICE_COOKIE, response.headers.get("Set-Cookie", ""), "not ticked: not recognised")

    def test_codes_sent_are_limited(self):
        page = self.url_open(self.scan_url())
        action, csrf = self.form_of(page, "code")
        for _ in range(5):
            self.url_open(action, data={"csrf_token": csrf, "line_id": self.amina_line.id})
        response = self.url_open(action, data={"csrf_token": csrf, "line_id": self.amina_line.id})
        self.assertPageSays(response, 429, "Too many tries.")

    # ------------------------------------------------------------------ old or forged codes
    def test_code_older_than_the_window_is_refused(self):
        old = rotating_code.current_step() - 2
        response = self.url_open(self.scan_url(old))
        self.assertPageSays(response, 410, EXPIRED)
        self.assertNotIn("Amina D.", response.text)
        # the previous step is still accepted (a phone that scanned just before it changed)
        self.assertEqual(self.url_open(self.scan_url(rotating_code.current_step() - 1)).status_code, 200)

    def test_scan_page_left_too_long_is_refused_and_writes_nothing(self):
        self.recognise(self.amina)
        ticket = rotating_code.make_ticket(
            self.signer(), self.att_session.id, rotating_code.current_step(), now=time.time() - 3600
        )
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(self.scan_url()).text).group(1)
        response = self.url_open(
            f"/attendance/qr/t/{ticket}/sign",
            data={"csrf_token": csrf, "line_id": self.amina_line.id, **signature_values()},
        )
        self.assertPageSays(response, 410, EXPIRED)
        self.assert_nothing_signed()

    def test_forged_or_other_session_codes_are_refused(self):
        other = self.make_session(partners=self.amina, name="Autre atelier", start=self.att_session.start)
        step = rotating_code.current_step()
        genuine = rotating_code.make_code(self.signer(), other.id, step)
        forged = f"{self.att_session.id}-{step}-{genuine.rsplit('-', 1)[1]}"
        self.assertPageSays(self.url_open(f"/attendance/qr/r/{forged}"), 404, "This QR code is not valid.")
        for bad in ("abc", "1-2-3", "9" * 90):
            self.assertPageSays(self.url_open(f"/attendance/qr/r/{bad}"), 404, "This QR code is not valid.")
        closed = self.make_session(partners=self.amina, name="Pas ouverte", open_it=False)
        response = self.url_open(self.scan_url(session=closed))
        self.assertPageSays(response, 410, "Signing is closed for this session.")

    # ------------------------------------------------------------------ the trainer's screen
    def test_trainer_screen_shows_a_code_that_changes_and_who_signed(self):
        action = self.att_session.with_user(self.trainer).action_open_rotating_qr()
        self.assertEqual(action["url"], f"/attendance/qr/screen/{self.att_session.id}")
        self.authenticate("az_att_trainer", "az_att_trainer")
        page = self.url_open(action["url"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("Scan with your phone to sign", page.text)
        self.assertIn("0 / 3", page.text)
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        self.assertNotIn(secret, page.text, "the secret never reaches the browser")
        self.amina_line._record_signature(
            signature_values()["signature"], "kiosk", strokes=signature_values()["strokes"]
        )
        now = time.time()
        first = self.att_session._rotating_qr_values(now)
        later = self.att_session._rotating_qr_values(now + rotating_code.STEP_SECONDS)
        self.assertNotEqual(first["url"], later["url"], "the code changes by itself at each step")
        data = self.url_open(action["url"] + "/next").json()
        self.assertEqual((data["signed"], data["total"]), (1, 3))
        self.assertTrue(data["image"].startswith("data:image/png;base64,"))
        self.assertTrue(0 < data["refresh_ms"] <= rotating_code.STEP_SECONDS * 1000 + 200)
        # a visitor and a participant do not open the screen
        self.authenticate(None, None)
        response = self.url_open(action["url"] + "/next", allow_redirects=False)
        self.assertIn(response.status_code, (303, 302))
        self.authenticate("az_att_portal", "az_att_portal")
        self.assertEqual(self.url_open(action["url"] + "/next").status_code, 404)

    # ------------------------------------------------------------------ this phone is mine
    def test_one_time_link_recognises_the_phone_once(self):
        self.lucas.with_user(self.trainer).action_az_send_device_link()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", self.lucas.ids)], order="id desc", limit=1)
        )
        url = re.search(r'href="[^"]*(/attendance/device/[^"]+)"', mail.body_html).group(1)
        page = self.url_open(url)
        self.assertPageSays(page, 200, "Recognise this phone")
        self.assert_nothing_signed()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(url, data={"csrf_token": csrf})
        self.assertPageSays(response, 200, "This phone is now recognised as Lucas Martin's")
        self.assertIn("HttpOnly", response.headers.get("Set-Cookie", ""))
        self.assertIn("Signing as", self.url_open(self.scan_url()).text, "the phone is recognised")
        # the link is used up: opened again, it recognises nothing
        self.assertPageSays(
            self.url_open(url, data={"csrf_token": csrf}), 410, "This link is not valid any more"
        )

    def test_person_recognises_and_revokes_a_phone_on_the_portal(self):
        self.authenticate("az_att_portal", "az_att_portal")
        page = self.url_open("/my/attendance/phones")
        self.assertPageSays(page, 200, "No phone is recognised.")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open("/my/attendance/phones/enrol", data={"csrf_token": csrf})
        self.assertPageSays(response, 200, "This phone is now recognised as yours.")
        device = self.env["az.attendance.device"].search([("partner_id", "=", self.amina.id)])
        self.assertEqual(device.state, "active")
        # another person's phone cannot be revoked from here
        other = self.env["az.attendance.device"]._enrol(self.lucas)
        other_device = self.env["az.attendance.device"].sudo().search([("partner_id", "=", self.lucas.id)])
        self.assertEqual(
            self.url_open(
                f"/my/attendance/phones/{other_device.id}/revoke", data={"csrf_token": csrf}
            ).status_code,
            404,
        )
        self.assertTrue(other)
        response = self.url_open(f"/my/attendance/phones/{device.id}/revoke", data={"csrf_token": csrf})
        self.assertPageSays(response, 200, "This phone is no longer recognised.")
        self.env.invalidate_all()
        self.assertEqual(device.state, "revoked")
        self.assertEqual(other_device.state, "active")

    # ------------------------------------------------------------------ seal
    def test_rotating_step_is_sealed(self):
        self.recognise(self.amina)
        page = self.url_open(self.scan_url())
        action, csrf = self.form_of(page, "sign")
        self.url_open(action, data={"csrf_token": csrf, "line_id": self.amina_line.id, **signature_values()})
        self.env.invalidate_all()
        self.assertTrue(self.amina_line.sign_qr_step)
        self.assertIn("sign_qr_step", self.amina_line._get_seal_fields(4))
        self.assertNotIn("sign_qr_step", self.amina_line._get_seal_fields(3))
        for line in self.att_session.line_ids - self.amina_line:
            line._record_signature(
                signature_values()["signature"], "kiosk", strokes=signature_values()["strokes"]
            )
        self.att_session.with_user(self.trainer).write(
            {"trainer_signature": signature_values()["signature"].split(",")[1]}
        )
        self.att_session.with_user(self.trainer).early_validation_reason = "Tout le monde a signé"
        self.att_session.with_user(self.trainer).action_validate()
        self.env.flush_all()
        self.assertEqual(self.att_session._verify_seal(), [])
        self.env.cr.execute(
            "UPDATE az_attendance_line SET sign_qr_step = sign_qr_step - 6 WHERE id = %s",
            [self.amina_line.id],
        )
        self.env.invalidate_all()
        self.assertTrue(self.att_session._verify_seal(), "a changed step breaks the seal")

    def test_phones_are_named_for_people(self):
        Device = self.env["az.attendance.device"]
        Device._enrol(
            self.amina, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Safari/604.1"
        )
        Device._enrol(
            self.amina, "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
        )
        names = Device.search([("partner_id", "=", self.amina.id)]).mapped("name")
        self.assertEqual(sorted(names), ["Android · Chrome", "iPhone · Safari"])

    # ------------------------------------------------------------------ hostile input
    def test_hostile_input_answers_4xx_and_writes_nothing(self):
        page = self.url_open(self.scan_url())
        code_action, csrf = self.form_of(page, "code")
        sign_action = code_action.replace("/code", "/sign")
        ticket = code_action.split("/attendance/qr/t/")[1].split("/")[0]
        bad_texts = ["", "²", "1%00", "9" * 40, "a\u0000b", "\u202e123456", "x" * 5000, "<script>"]
        cases = []
        for bad in bad_texts + [ticket[:-1] + ("0" if ticket[-1] != "0" else "1"), f"{ticket}-1"]:
            quoted = quote(bad, safe="") or "%20"
            cases += [
                ("GET", f"/attendance/qr/r/{quoted}", {}),
                ("POST", f"/attendance/qr/t/{quoted}/code", {"line_id": str(self.amina_line.id)}),
                (
                    "POST",
                    f"/attendance/qr/t/{quoted}/sign",
                    {"line_id": str(self.amina_line.id), "code": "000000"},
                ),
                ("GET", f"/attendance/device/{quoted}", {}),
                ("POST", f"/attendance/device/{quoted}", {}),
                ("GET", f"/attendance/qr/screen/{quoted}/next", {}),
            ]
        for bad in bad_texts + [str(self.amina_line.id + 100000)]:
            cases += [
                ("POST", code_action, {"line_id": bad}),
                ("POST", sign_action, {"line_id": bad, "code": "000000", **signature_values()}),
                (
                    "POST",
                    sign_action,
                    {"line_id": str(self.amina_line.id), "code": bad, **signature_values()},
                ),
                (
                    "POST",
                    sign_action,
                    {"line_id": str(self.amina_line.id), "code": "000000", "signature": bad},
                ),
            ]
        Mail, Device = self.env["mail.mail"].sudo(), self.env["az.attendance.device"].sudo()
        before = (Mail.search_count([]), Device.search_count([]))
        statuses = {}
        for method, url, values in cases:
            if method == "GET":
                response = self.url_open(url, allow_redirects=False)
            else:
                response = self.url_open(url, data={**values, "csrf_token": csrf}, allow_redirects=False)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            self.assertLess(response.status_code, 500, f"{method} {url[:80]} {str(values)[:80]}")
            if method == "POST" and "/sign" in url:
                self.assertGreaterEqual(response.status_code, 400, f"{url[:80]} {str(values)[:80]}")
        self.assertGreaterEqual(sum(statuses.values()), 90, "about a hundred hostile requests")
        self.assert_nothing_signed()
        # a bad line id names nobody: no code was sent, no phone recognised
        self.assertEqual((Mail.search_count([]), Device.search_count([])), before)
