import base64
import io
import re
import struct
import threading
import zlib
from datetime import timedelta

import markupsafe
from PIL import Image, ImageDraw, ImageFont

from odoo import fields, sql_db
from odoo.tests import HttpCase, tagged
from odoo.tests.common import BaseCase

from odoo.addons.az_attendance.models.az_attendance_sign_attempt import (
    MAX_ATTEMPTS,
    reserve_try,
)

from .common import AttendanceCommon, signature_data_uri, signature_values


def _uri(raw):
    return "data:image/png;base64," + base64.b64encode(raw).decode()


def _png(image):
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


def _chunk(kind, data):
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bad_signatures():
    """Images a signing page must refuse, by label."""
    blank = _png(Image.new("RGBA", (600, 200), (0, 0, 0, 0)))
    drawn = base64.b64decode(signature_data_uri().split(",", 1)[1])
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 6, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 4 * 20000)
    data = b"".join(compressor.compress(row) for _ in range(50)) + compressor.flush()
    bomb = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
    typed = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    # a name typed in a large font: enough ink, but not drawn along strokes
    ImageDraw.Draw(typed).text(
        (20, 40), "Amina D.", fill=(0, 0, 0, 255), font=ImageFont.truetype("DejaVuSans.ttf", 80)
    )
    return {
        "blank": _uri(blank),
        "magic bytes and zeros": _uri(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000),
        "PNG+SVG polyglot": _uri(drawn + svg),
        "bomb": _uri(bomb),
        "typed name": _uri(_png(typed)),
        "malformed chunk": _uri(drawn[:40] + b"\xff" + drawn[41:]),
        "SVG": "data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
    }


# What the person reads for each image of bad_signatures() (sent without strokes).
BAD_SIGNATURE_REFUSALS = {
    "blank": "The signature is empty or too light. Please sign again in the box.",
    "magic bytes and zeros": "The signature image is not readable.",
    "PNG+SVG polyglot": "The signature image is not readable.",
    "bomb": "The signature image is too large.",
    "typed name": "The signature must be drawn in the box with a finger, a stylus or the mouse. "
    "Please sign again.",
    "malformed chunk": "The signature image is not readable.",
    "SVG": "The signature must be a PNG image.",
}

# Values a hostile visitor sends where an id, a code or a time is expected.
HOSTILE_IDS = ["²", "①", "\u0661\u0662", "1\x00", "\x00", "-1", "0", "9" * 30, "1e3", " 1"]


@tagged("post_install", "-at_install")
class TestSigningRoutes(HttpCase, AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        cls.att_session = cls.make_session(start=now - timedelta(minutes=30))
        cls.amina_line = cls.line_of(cls.att_session, cls.amina)
        cls.lucas_line = cls.line_of(cls.att_session, cls.lucas)
        cls.amina_line.sign_code = "135790"
        cls.lucas_line.sign_code = "246801"

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, response.text[:300])
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _assert_nothing_signed(self):
        self.env.invalidate_all()
        self.assertFalse(self.att_session.line_ids.filtered("signed_at"))

    def _tries(self, line):
        return self.env["az.attendance.sign.attempt"].sudo()._tries(line.id)

    def _move_session(self, days):
        session = self.att_session
        session.write(
            {"start": session.start + timedelta(days=days), "stop": session.stop + timedelta(days=days)}
        )
        self.env.flush_all()

    # ------------------------------------------------------------------ signing windows
    def test_a_link_issued_before_the_session_moved_is_refused_after(self):
        url = f"/attendance/sign/{self.amina_line._get_remote_token()}"
        csrf = self._csrf(url)
        out_of_time = "This signing link is only valid around the time of the session."
        self._move_session(-2)
        self.assertPageSays(self.url_open(url), 410, out_of_time, "moved earlier")
        response = self.url_open(url, data={"csrf_token": csrf, **signature_values()})
        self.assertPageSays(response, 410, out_of_time, "moved earlier, signing")
        # moved later: not yet
        self._move_session(4)
        self.assertPageSays(self.url_open(url), 410, out_of_time, "moved later")
        self._assert_nothing_signed()

    def test_qr_page_and_kiosk_follow_the_session_as_it_is_now(self):
        url = f"/attendance/qr/{self.att_session.qr_token}"
        csrf = self._csrf(url)
        out_of_time = "Signing is only possible around the time of the session ("
        self._move_session(-2)
        self.assertPageSays(self.url_open(url), 410, out_of_time, "the page")
        response = self.url_open(
            url + "/sign",
            data={"csrf_token": csrf, "line_id": self.amina_line.id, "code": "135790", **signature_values()},
        )
        self.assertPageSays(response, 410, out_of_time, "signing")
        self.authenticate("az_att_trainer", "az_att_trainer")
        result = self.make_jsonrpc_request(
            "/attendance/kiosk/sign", {"line_id": self.amina_line.id, **signature_values()}
        )
        self.assertFalse(result["ok"])
        self.assertIn("around the time of the session", result["error"])
        self.assertFalse(self.att_session.with_user(self.trainer).kiosk_data()["lines"][0]["can_sign"])
        self._assert_nothing_signed()

    # ------------------------------------------------------------------ input checks
    def test_hostile_ids_codes_and_files_on_the_qr_route(self):
        url = f"/attendance/qr/{self.att_session.qr_token}"
        csrf = self._csrf(url)
        for value in HOSTILE_IDS:
            response = self.url_open(
                url + "/sign",
                data={"csrf_token": csrf, "line_id": value, "code": "135790", **signature_values()},
            )
            self.assertPageSays(response, 400, "Choose your name in the list.", repr(value))
        for code in ["①②③④⑤⑥", "\u0661" * 6, "13579\x00", "²35790", "13579", "1357900"]:
            response = self.url_open(
                url + "/sign",
                data={"csrf_token": csrf, "line_id": self.amina_line.id, "code": code, **signature_values()},
            )
            self.assertPageSays(response, 400, "The code must be made of digits only.", repr(code))
        # files where one value is expected
        refusals = {
            "line_id": "Choose your name in the list.",
            "code": "The code must be made of digits only.",
            "signature": "This field expects text.",
        }
        for field, message in refusals.items():
            data = {
                "csrf_token": csrf,
                "line_id": str(self.amina_line.id),
                "code": "135790",
                **signature_values(),
            }
            data.pop(field)
            response = self.url_open(
                url + "/sign", data=data, files={field: ("x.png", b"\x89PNG 135790", "image/png")}
            )
            self.assertPageSays(response, 400, message, field)
        self.assertEqual(self._tries(self.amina_line), 0, "a malformed try checks no code")
        self._assert_nothing_signed()

    def test_hostile_tokens_and_bodies_on_the_remote_route(self):
        token = self.amina_line._get_remote_token()
        line_id, rest = token.split("-", 1)
        csrf = self._csrf(f"/attendance/sign/{token}")
        aliases = [
            f"²-{rest}",
            "".join(chr(0x660 + int(d)) for d in line_id) + "-" + rest,
            token + "%00",
            "%00" + token,
        ]
        for alias in aliases:
            for data in (None, {"csrf_token": csrf, **signature_values()}):
                response = self.url_open(f"/attendance/sign/{alias}", data=data)
                self.assertPageSays(response, 403, "This signing link is not valid.", alias)
        response = self.url_open(
            f"/attendance/sign/{token}",
            data={"csrf_token": csrf},
            files={"signature": ("s.png", b"\x89PNG", "image/png")},
        )
        self.assertPageSays(response, 400, "This field expects text.")
        self._assert_nothing_signed()

    def test_deeply_nested_strokes_are_refused_on_every_signing_page(self):
        """JSON nested deeper than the parser's recursion, in the strokes field: a clear
        refusal on the QR page, the personal link and the kiosk, nothing written."""
        not_drawn = "The signature must be drawn in the box"
        for nested in ("[" * 60_000 + "]" * 60_000, '{"strokes":' * 30_000 + "1" + "}" * 30_000):
            drawing = {"signature": signature_data_uri(), "strokes": nested}
            url = f"/attendance/qr/{self.att_session.qr_token}"
            csrf = self._csrf(url)
            response = self.url_open(
                url + "/sign",
                data={"csrf_token": csrf, "line_id": self.amina_line.id, "code": "135790", **drawing},
            )
            self.assertPageSays(response, 400, not_drawn)
            token = self.lucas_line._get_remote_token()
            csrf = self._csrf(f"/attendance/sign/{token}")
            response = self.url_open(f"/attendance/sign/{token}", data={"csrf_token": csrf, **drawing})
            self.assertPageSays(response, 400, not_drawn)
            self.authenticate("az_att_trainer", "az_att_trainer")
            for offline in (False, True):
                result = self.make_jsonrpc_request(
                    "/attendance/kiosk/sign", {"line_id": self.amina_line.id, **drawing, "offline": offline}
                )
                self.assertFalse(result["ok"], result)
                self.assertIn(not_drawn, result["error"])
            self.authenticate(None, None)
        self._assert_nothing_signed()

    def test_the_badge_lists_an_open_session_whatever_day_the_staff_member_s_clock_shows(self):
        """A session of 23:00 still signs after midnight, and a trainer's time zone is not the
        site's: the badge lists the sessions whose signing window holds now, not "today's"."""
        # the site's day (UTC+14) is never the trainer's (UTC-11): a day apart or two
        self.site.tz = "Pacific/Kiritimati"
        self.trainer.tz = "Pacific/Pago_Pago"
        token = self.amina.with_user(self.trainer)._az_badge_token()
        self.authenticate("az_att_trainer", "az_att_trainer")
        page = self.url_open(f"/attendance/badge/{token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.att_session.name, page.text)
        self.assertIn('name="line_id"', page.text, "the session can be chosen to sign")

    def test_hostile_values_on_the_badge_route(self):
        token = self.amina.with_user(self.trainer)._az_badge_token()
        self.authenticate("az_att_trainer", "az_att_trainer")
        page = self.url_open(f"/attendance/badge/{token}")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        for value in HOSTILE_IDS:
            response = self.url_open(
                f"/attendance/badge/{token}", data={"csrf_token": csrf, "line_id": value}
            )
            self.assertPageSays(response, 400, "Choose a session in the list.", repr(value))
        response = self.url_open(
            f"/attendance/badge/{token}",
            data={"csrf_token": csrf},
            files={"line_id": ("id.txt", str(self.amina_line.id).encode(), "text/plain")},
        )
        self.assertPageSays(response, 400, "Choose a session in the list.")
        partner_id, mac = token.split("-", 1)
        arabic = "".join(chr(0x660 + int(d)) for d in partner_id)
        for alias in (f"{arabic}-{mac}", f"²-{mac}", token + "%00"):
            self.assertPageSays(
                self.url_open(f"/attendance/badge/{alias}"),
                403,
                "This badge is not valid (it may have been renewed).",
                alias,
            )
        self._assert_nothing_signed()

    def test_kiosk_and_offline_sync_refuse_bad_values(self):
        self.authenticate("az_att_trainer", "az_att_trainer")
        bad_bodies = [
            {"line_id": value, **signature_values()}
            for value in HOSTILE_IDS + [True, [1], {"id": 1}, 1.5, 2**40]
        ]
        bad_bodies += [
            {"line_id": self.amina_line.id, **signature_values(), "device_time": value, "offline": True}
            for value in [
                "0001-01-01T00:00:00+14:00",
                "9999-12-31T23:59:59-14:00",
                "²",
                "2025-13-01T00:00:00",
                "2025-03-11T08:00:00\x00",
                12,
                ["x"],
            ]
        ]
        bad_bodies += [
            {"line_id": self.amina_line.id, "signature": value}
            for value in [["data:image/png;base64,AAAA"], {"a": 1}, 42, "\x00"]
        ]
        bad_bodies.append({"line_id": self.amina_line.id, **signature_values(), "offline": "yes"})
        for body in bad_bodies:
            result = self.make_jsonrpc_request("/attendance/kiosk/sign", body)
            self.assertFalse(result["ok"], body)
            self.assertTrue(result["error"])
        self._assert_nothing_signed()
        # a device time more than a day away: kept as sent, flagged
        far = (fields.Datetime.now() - timedelta(days=3)).replace(microsecond=0)
        result = self.make_jsonrpc_request(
            "/attendance/kiosk/sign",
            {
                "line_id": self.amina_line.id,
                **signature_values(),
                "device_time": far.isoformat() + "Z",
                "offline": True,
            },
        )
        self.assertTrue(result["ok"], result)
        self.env.invalidate_all()
        self.assertEqual(self.amina_line.device_time, far)
        self.assertTrue(self.amina_line.device_time_skewed)
        self.assertIn("more than a day off", self.att_session.warning_message)
        near = fields.Datetime.now().replace(microsecond=0) - timedelta(minutes=5)
        result = self.make_jsonrpc_request(
            "/attendance/kiosk/sign",
            {
                "line_id": self.lucas_line.id,
                **signature_values(2),
                "device_time": near.isoformat(),
                "offline": True,
            },
        )
        self.assertTrue(result["ok"], result)
        self.env.invalidate_all()
        self.assertFalse(self.lucas_line.device_time_skewed)

    # ------------------------------------------------------------------ images
    def test_bad_images_are_refused_and_a_good_drawing_is_kept_on_a_wrong_code(self):
        url = f"/attendance/qr/{self.att_session.qr_token}"
        csrf = self._csrf(url)
        for label, signature in bad_signatures().items():
            response = self.url_open(
                url + "/sign",
                data={
                    "csrf_token": csrf,
                    "line_id": self.amina_line.id,
                    "code": "135790",
                    "signature": signature,
                },
            )
            self.assertPageSays(response, 400, BAD_SIGNATURE_REFUSALS[label], label)
            self.assertIn("o_az_error", response.text, label)
        self.assertIn(
            "Please sign again",
            self.url_open(
                url + "/sign",
                data={
                    "csrf_token": csrf,
                    "line_id": self.amina_line.id,
                    "code": "135790",
                    "signature": bad_signatures()["blank"],
                },
            ).text,
        )
        self._assert_nothing_signed()
        self.assertEqual(self._tries(self.amina_line), 0, "right codes do not count")
        # a real picture, but sent without the strokes of a drawing, or with other strokes
        for strokes in (None, signature_values(9)["strokes"]):
            data = {
                "csrf_token": csrf,
                "line_id": self.amina_line.id,
                "code": "135790",
                "signature": signature_values(1)["signature"],
            }
            if strokes:
                data["strokes"] = strokes
            response = self.url_open(url + "/sign", data=data)
            self.assertEqual(response.status_code, 400)
            self.assertIn("must be drawn in the box", response.text)
        # a wrong code: the drawing comes back with the page
        drawing = signature_values(5)
        response = self.url_open(
            url + "/sign",
            data={"csrf_token": csrf, "line_id": self.amina_line.id, "code": "000000", **drawing},
        )
        self.assertPageSays(response, 403, "This code does not match your name.")
        self.assertIn(f'value="{drawing["signature"]}"', response.text)
        self.assertIn(str(markupsafe.escape(drawing["strokes"])), response.text)
        # the remote page refuses them too
        remote = f"/attendance/sign/{self.lucas_line._get_remote_token()}"
        for label, signature in bad_signatures().items():
            response = self.url_open(remote, data={"csrf_token": csrf, "signature": signature})
            self.assertPageSays(response, 400, BAD_SIGNATURE_REFUSALS[label], label)
        self._assert_nothing_signed()

    def test_a_used_link_says_the_signature_is_recorded(self):
        url = f"/attendance/sign/{self.amina_line._get_remote_token()}"
        csrf = self._csrf(url)
        response = self.url_open(url, data={"csrf_token": csrf, **signature_values()})
        self.assertEqual(response.status_code, 200)
        again = self.url_open(url)
        self.assertEqual(again.status_code, 410)
        self.assertIn("already recorded", again.text)
        self.assertIn("alert-success", again.text)
        self.assertNotIn("Signing not possible", again.text)

    # ------------------------------------------------------------------ wording
    def test_people_read_names_and_sentences(self):
        self.att_session.with_user(self.trainer).action_send_remote_links()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "az.attendance.line"), ("res_id", "=", self.amina_line.id)])
        )
        self.assertEqual(len(mail), 1)
        for technical in ("az.attendance.line", "o_mail_notification", "Powered by", "/odoo/", "/mail/view"):
            self.assertNotIn(technical, mail.body_html)
        self.assertIn(self.company.name, mail.body_html)
        self.assertIn("Amina Diallo", mail.body_html)
        self.assertEqual(self.amina_line.display_name, "Amina Diallo, Atelier e-administration")
        action = self.amina_line.with_user(self.trainer).action_sign_on_behalf()
        wizard = (
            self.env["az.attendance.sign.wizard"]
            .with_user(self.trainer)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.partner_name, "Amina Diallo")
        self.assertIn("Atelier e-administration", wizard.session_label)
        arch = wizard.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('widget="az_drawn_signature"', arch, "drawn signatures only")
        self.assertNotIn('widget="signature"', arch)


@tagged("post_install", "-at_install")
class TestWrongCodeLimitUnderConcurrency(BaseCase):
    """Tries of personal codes counted on separate database connections at the same time, as
    several workers or servers would: never more checks than the limit."""

    def test_twenty_concurrent_wrong_codes_check_at_most_five(self):
        from odoo.tests.common import get_db_name

        db = sql_db.db_connect(get_db_name())
        line_id = 2**31 - 17  # a counter of its own, committed and removed by this test
        checked = []
        errors = []
        barrier = threading.Barrier(20)

        def one_try():
            try:
                with db.cursor() as cr:
                    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    barrier.wait(timeout=30)
                    if reserve_try(cr, line_id):
                        checked.append(1)  # here the code would be compared: a wrong one
                    cr.commit()  # pylint: disable=invalid-commit  # concurrent transactions of their own
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        def cleanup():
            with db.cursor() as cr:
                cr.execute("DELETE FROM az_attendance_sign_attempt WHERE line_id = %s", [line_id])
                cr.commit()  # pylint: disable=invalid-commit  # concurrent transactions of their own

        cleanup()
        self.addCleanup(cleanup)
        threads = [threading.Thread(target=one_try) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(errors)
        self.assertEqual(len(checked), MAX_ATTEMPTS)
        with db.cursor() as cr:
            cr.execute("SELECT tries FROM az_attendance_sign_attempt WHERE line_id = %s", [line_id])
            self.assertEqual(cr.fetchone()[0], MAX_ATTEMPTS)
