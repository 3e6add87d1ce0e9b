"""Hostile input on every public route of the booking and attendance addons: a few hundred
requests built from a list of bad values. None may answer 500, and none may write."""

import itertools
import logging
import re
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

_logger = logging.getLogger(__name__)
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')

BAD_IDS = ["0", "-1", "2147483648", "99999999999999999999", "abc", "1.5", "1e3", "%00", "__"]
# Non-ASCII digits (superscript, circled, Arabic-Indic, full-width): the booking routes take
# ids of ASCII digits only.
BOOKING_BAD_IDS = BAD_IDS + ["\u00b2", "\u2460", "\u0661", "1\u00b2", "\uff11"]
BAD_DATES = [
    "",
    "x",
    "2026-13-45T25:61",
    "0000-00-00T00:00",
    "9999-12-31T23:59",
    "2026-02-30T10:00",
    "2026-03-01 10:00",
    "2026-03-01T10:00:00Z",
    "1970-01-01T00:00",
    "' OR 1=1 --",
    "2026-03-01T10:0\u0661",
]
BAD_TOKENS = [
    "x",
    "0-0",
    "1-",
    "-abc",
    "1-" + "a" * 43,
    "a" * 5000,
    "<script>alert(1)</script>",
    "..%2F..%2Fetc%2Fpasswd",
    "1-" + "%27%20OR%201%3D1",
    "\u202eabc",
    "1.2.3",
    "eyJsaW5lIjoxfQ.AAAA",
]
BOOKING_BAD_TOKENS = BAD_TOKENS + ["\u0000" + "a" * 30, "a" * 30 + "\u00b2", "\u200b" + "a" * 30]
BAD_TEXT = [
    "",
    " ",
    "x" * 10000,
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "Robert'); DROP TABLE res_partner;--",
    "\u202e\u0000nul",
    "🙂" * 300,
    "{{7*7}}",
    "${7*7}",
    "a\u0000b",
    "\u202ename@example.com",
    "Jean\u200bMarc",
    "Jean\u2028Marc",
    "\u0007bell",
]
BAD_SIGNATURES = [
    "",
    "data:image/png;base64,",
    "data:image/png;base64,!!!notbase64",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+PC9zdmc+",
    "data:image/png;base64," + "A" * 200000,
    "javascript:alert(1)",
    "data:text/html;base64,PGgxPmhpPC9oMT4=",
]


@tagged("post_install", "-at_install")
class TestHostileInput(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        calendar = env["resource.calendar"].create(
            {
                "name": "Hostile 9-17",
                "tz": "Europe/Paris",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "name": f"d{day}",
                            "dayofweek": str(day),
                            "hour_from": 9.0,
                            "hour_to": 17.0,
                            "day_period": "morning",
                        },
                    )
                    for day in range(5)
                ],
            }
        )
        cls.staff = new_test_user(
            env, login="hostile_staff", groups="az_project_base.group_user", tz="Europe/Paris"
        )
        env["resource.resource"].create(
            {
                "name": "Hostile staff",
                "user_id": cls.staff.id,
                "calendar_id": calendar.id,
                "tz": "Europe/Paris",
                "resource_type": "user",
            }
        )
        project = env["project.project"].create({"name": "Hostile project"})
        cls.site = env["az.site"].create({"name": "Hostile site", "tz": "Europe/Paris"})
        cls.booking_type = env["az.booking.type"].create(
            {
                "name": "Hostile type",
                "project_id": project.id,
                "duration": 1.0,
                "slot_step": 1.0,
                "staff_user_ids": [Command.set(cls.staff.ids)],
                "min_notice_hours": 0,
                "horizon_days": 30,
                "tz": "Europe/Paris",
                "is_published": True,
                "site_ids": [Command.set(cls.site.ids)],
            }
        )
        cls.unpublished = cls.booking_type.copy({"name": "Hidden", "is_published": False})
        cls.picks_type = cls.booking_type.copy(
            {"name": "Picks", "is_published": True, "assignment": "user_picks"}
        )
        person = env["res.partner"].create({"name": "Existing", "email": "existing@example.com"})
        slot = cls.booking_type._get_free_slots(
            datetime.now() + timedelta(days=1), datetime.now() + timedelta(days=20)
        )[0]
        cls.booking = env["az.booking"].create(
            {"type_id": cls.booking_type.id, "partner_id": person.id, "start": slot["start"]}
        )
        cls.good_start = cls.booking_type._get_free_slots(
            datetime.now() + timedelta(days=1), datetime.now() + timedelta(days=20)
        )[0]["start"]
        now = datetime.now()
        cls.att_session = env["az.attendance.session"].create(
            {
                "name": "Hostile session",
                "project_id": project.id,
                "site_id": cls.site.id,
                "trainer_ids": [Command.set(cls.staff.ids)],
                "start": now - timedelta(minutes=5),
                "stop": now + timedelta(hours=2),
            }
        )
        cls.att_session._add_participants(person)
        cls.att_session.action_open()

    def _counts(self):
        self.env.invalidate_all()
        return {
            "bookings": self.env["az.booking"].search_count([]),
            "booking_states": tuple(self.env["az.booking"].search([]).mapped("state")),
            "partners": self.env["res.partner"].with_context(active_test=False).search_count([]),
            "signed": self.env["az.attendance.line"].search_count([("signed_at", "!=", False)]),
            "amendments": self.env["az.attendance.amendment"].search_count([]),
        }

    def _csrf(self):
        self.authenticate(None, None)  # an anonymous visitor's session on the test database
        page = self.url_open("/web/login")
        return CSRF_RE.search(page.text).group(1)

    def _cases(self):
        return self._booking_form_cases() + self._token_cases()

    def _booking_form_cases(self):
        def q(value):
            return quote(value, safe="")

        t = self.booking_type.id
        key = "k" * 32
        cases = []
        for bad in BOOKING_BAD_IDS:
            cases += [
                ("GET", f"/booking/{q(bad)}", {}),
                ("GET", f"/booking/{q(bad)}/book", {}),
                ("POST", f"/booking/{q(bad)}/book", {"start": "2026-01-01T10:00"}),
            ]
        cases += [
            ("GET", f"/booking/{self.unpublished.id}", {}),
            (
                "GET",
                f"/booking/{self.unpublished.id}/book",
                {"start": self.good_start.strftime("%Y-%m-%dT%H:%M")},
            ),
        ]
        for bad in BAD_DATES:
            cases += [
                ("GET", f"/booking/{t}", {"week": bad}),
                ("GET", f"/booking/{t}/book", {"start": bad}),
                (
                    "POST",
                    f"/booking/{t}/book",
                    {"start": bad, "name": "A", "consent": "1", "email": "a@example.com"},
                ),
            ]
        good = self.good_start.strftime("%Y-%m-%dT%H:%M")
        for bad, field in itertools.product(BAD_TEXT, ["name", "email", "phone"]):
            values = {
                "start": good,
                "name": "Valid Name",
                "email": "valid@example.com",
                "phone": "0600000000",
                "consent": "1",
            }
            values[field] = bad
            if field in ("phone", "email") and not bad.strip():
                continue  # one of them is enough
            if (
                field == "name"
                and bad
                and len(bad) < 10000
                and not re.search(r"[<>;'{}$]", bad)
                and not re.search("[\u0000-\u001f\u200b\u2028\u202e]", bad)
            ):
                continue  # an odd but acceptable name would book: not a refusal case
            cases.append(("POST", f"/booking/{t}/book", dict(values, submission_key=key)))
        for bad in BAD_TEXT[:3] + BOOKING_BAD_TOKENS[-4:] + ["k" * 15, "k" * 65]:
            cases.append(
                (
                    "POST",
                    f"/booking/{t}/book",
                    {
                        "start": good,
                        "name": "Valid Name",
                        "email": "valid@example.com",
                        "consent": "1",
                        "submission_key": bad,
                    },
                )
            )
        for bad in BOOKING_BAD_IDS:
            cases.append(
                (
                    "POST",
                    f"/booking/{self.picks_type.id}/book",
                    {
                        "start": good,
                        "name": "Valid Name",
                        "email": "valid@example.com",
                        "consent": "1",
                        "submission_key": key,
                        "staff_id": bad,
                    },
                )
            )
        cases.append(
            (
                "POST",
                f"/booking/{t}/book",
                {
                    "start": good,
                    "name": "No address",
                    "email": "",
                    "phone": "",
                    "consent": "1",
                    "submission_key": key,
                },
            )
        )
        cases.append(
            (
                "POST",
                f"/booking/{t}/book",
                {
                    "start": good,
                    "name": "Bot",
                    "email": "bot@example.com",
                    "consent": "1",
                    "website_url": "http://spam",
                    "submission_key": key,
                },
            )
        )
        cases.append(
            (
                "POST",
                f"/booking/{t}/book",
                {"start": good, "name": "No consent", "email": "nc@example.com", "submission_key": key},
            )
        )
        return cases

    def _token_cases(self):
        def q(value):
            return quote(value, safe="")

        token = self.booking._portal_ensure_token()
        tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
        b = self.booking.id
        qr = self.att_session.qr_token
        line = self.att_session.line_ids
        remote = line._get_remote_token()
        good = self.good_start.strftime("%Y-%m-%dT%H:%M")
        cases = []
        for bad in BOOKING_BAD_TOKENS + [tampered]:
            cases += [
                ("GET", f"/booking/manage/{q(bad)}", {}),
                ("POST", f"/booking/manage/{q(bad)}/cancel", {"reason": "x"}),
                ("GET", f"/my/bookings/{b}", {"access_token": bad}),
                ("GET", f"/my/bookings/{b}/appointment.ics", {"access_token": bad}),
                ("GET", f"/my/bookings/{b}/cancel", {"access_token": bad}),
                ("POST", f"/my/bookings/{b}/cancel?access_token={q(bad)}", {"reason": "x"}),
                ("GET", f"/my/bookings/{b}/reschedule", {"access_token": bad}),
                ("POST", f"/my/bookings/{b}/reschedule?access_token={q(bad)}", {"start": good}),
                ("POST", f"/my/bookings/{b}/claim?access_token={token}", {"claim": bad}),
            ]
        for bad in BAD_TOKENS + [tampered]:
            cases += [
                ("GET", f"/attendance/qr/{q(bad)}", {}),
                ("POST", f"/attendance/qr/{q(bad)}/sign", {"line_id": str(line.id), "code": "000000"}),
                ("GET", f"/attendance/sign/{q(bad)}", {}),
                ("POST", f"/attendance/sign/{q(bad)}", {"signature": BAD_SIGNATURES[3]}),
                ("GET", f"/attendance/verify/{q(bad)}", {}),
            ]
        for bad in BAD_DATES + BAD_TEXT[:4]:
            cases.append(("POST", f"/my/bookings/{b}/reschedule?access_token={token}", {"start": bad}))
            cases.append(("GET", f"/my/bookings/{b}/reschedule", {"access_token": token, "start": bad}))
        for bad in ["x" * 10000, "a\u0000b", "\u202eabc", "a\u200bb"]:
            cases.append(("POST", f"/my/bookings/{b}/cancel?access_token={token}", {"reason": bad}))
        for bad in BAD_IDS + ["", str(line.id + 1000)]:
            cases.append(
                (
                    "POST",
                    f"/attendance/qr/{qr}/sign",
                    {"line_id": bad, "code": "000000", "signature": BAD_SIGNATURES[2]},
                )
            )
        for bad in BAD_TEXT[:6]:
            cases.append(("POST", f"/attendance/qr/{qr}/sign", {"line_id": str(line.id), "code": bad}))
        for bad in BAD_SIGNATURES:
            cases.append(("POST", f"/attendance/sign/{remote}", {"signature": bad}))
        for bad in BOOKING_BAD_IDS:
            cases += [
                ("GET", f"/my/bookings/{q(bad)}", {"access_token": token}),
                ("GET", f"/my/bookings/{q(bad)}/appointment.ics", {"access_token": token}),
                ("POST", f"/my/bookings/{q(bad)}/cancel?access_token={token}", {}),
                ("POST", f"/my/bookings/{q(bad)}/reschedule?access_token={token}", {"start": good}),
            ]
        cases.append(("GET", f"/my/bookings/{self.booking.id}", {}))
        return cases

    def test_hostile_input_never_500_and_writes_nothing(self):
        before = self._counts()
        csrf = self._csrf()
        cases = self._cases()
        statuses = {}
        failures = []
        for method, url, values in cases:
            if method == "GET":
                query = f"?{urlencode(values)}" if values else ""
                response = self.url_open(url + query, allow_redirects=False)
            else:
                response = self.url_open(url, data={**values, "csrf_token": csrf}, allow_redirects=False)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append(f"{method} {url[:80]} {str(values)[:80]} -> {response.status_code}")
            if "booked=1" in response.headers.get("Location", ""):
                failures.append(f"accepted: {method} {url[:80]} {str(values)[:120]}")
        # the same refusals without a CSRF token
        for method, url, values in cases:
            if method == "POST":
                response = self.url_open(url, data=values, allow_redirects=False)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    failures.append(f"no csrf {url[:80]} -> {response.status_code}")
                self.assertNotEqual(response.status_code, 200, f"POST without CSRF accepted: {url}")
        tried = sum(statuses.values())
        self.assertGreater(tried, 300, "a few hundred hostile requests")
        self.assertFalse(failures, "\n".join(failures))
        self.assertEqual(self._counts(), before, "a refused request wrote something")
        _logger.info("hostile input: %s requests tried, statuses %s", tried, statuses)
