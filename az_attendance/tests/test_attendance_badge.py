import base64
import re
from datetime import datetime, time, timedelta

import pytz
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.az_attendance.models.az_attendance_session_signing import qr_data_uri
from odoo.addons.az_attendance.tools import tokens

from .common import AttendanceCommon, foreign_signer, signature_data_uri, signature_png


def _today_at(hour, tz="Europe/Paris"):
    """Naive UTC datetime of ``hour`` o'clock today in ``tz``."""
    zone = pytz.timezone(tz)
    today = datetime.now(pytz.utc).astimezone(zone).date()
    local = zone.localize(datetime.combine(today, time(hour)))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class BadgeMixin:
    def badge_token(self, partner):
        return partner.with_user(self.trainer)._az_badge_token()

    def render_badge(self, partner):
        report = self.env.ref("az_attendance.action_report_attendance_badge")
        html, _kind = report.with_user(self.trainer)._render_qweb_html(report.report_name, partner.ids)
        return html.decode()


@tagged("post_install", "-at_install")
class TestAttendanceBadge(BadgeMixin, AttendanceCommon):
    def test_badge_token_genuine_tampered_renewed(self):
        Partner = self.env["res.partner"].with_user(self.trainer)
        token = self.badge_token(self.amina)
        self.assertEqual(Partner._az_partner_from_badge(token), self.amina)
        self.assertEqual(self.badge_token(self.amina), token, "a reprint gives the same badge")
        partner_id, mac = token.split("-", 1)
        for bad in (
            f"{self.lucas.id}-{mac}",
            f"{partner_id}-{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
            self.badge_token(self.lucas)[:-2],
        ):
            with self.assertRaises(tokens.TokenError, msg=bad):
                Partner._az_partner_from_badge(bad)
        self.amina.with_user(self.trainer).action_az_renew_badge()
        with self.assertRaises(tokens.TokenError):
            Partner._az_partner_from_badge(token)
        renewed = self.badge_token(self.amina)
        self.assertNotEqual(renewed, token)
        self.assertEqual(Partner._az_partner_from_badge(renewed), self.amina)
        self.assertEqual(
            Partner._az_partner_from_badge(self.badge_token(self.lucas)),
            self.lucas,
            "renewing one person's badge leaves the others working",
        )
        self.assertIn("badge renewed", self.amina.message_ids[0].body)

    def test_only_staff_print_or_renew_badges(self):
        for user in (self.portal_user,):
            with self.assertRaises(AccessError):
                self.amina.with_user(user)._az_badge_token()
            with self.assertRaises(AccessError):
                self.amina.with_user(user).action_az_renew_badge()
        report = self.env.ref("az_attendance.action_report_attendance_badge")
        self.assertIn(self.env.ref("az_project_base.group_user"), report.groups_id)
        action = self.amina.with_user(self.trainer).action_az_print_badge()
        self.assertEqual(action["report_name"], "az_attendance.report_attendance_badge")

    def test_badge_shows_name_organisation_and_qr_of_the_signing_url(self):
        html = self.render_badge(self.amina)
        self.assertIn("Amina Diallo", html)
        self.assertIn(self.company.name, html)
        url = self.amina.with_user(self.trainer)._az_badge_url()
        self.assertIn(f"/attendance/badge/{self.badge_token(self.amina)}", url)
        self.assertRegex(html, r'class="o_az_badge_qr"[^>]*src="data:image/png;base64,')
        self.assertIn(qr_data_uri(url), html, "the QR code encodes the badge's signing URL")
        self.amina.with_user(self.trainer).action_az_renew_badge()
        self.assertNotIn(
            qr_data_uri(url), self.render_badge(self.amina), "a renewed badge prints another code"
        )

    def test_badge_presence_is_sealed_and_verifies(self):
        session = self.make_session()
        line = self.line_of(session, self.sofia)
        with self.assertRaisesRegex(UserError, "The signature is missing."):
            line._record_signature(None, "kiosk")
        with self.assertRaisesRegex(UserError, "witness"):
            line.with_user(self.trainer)._record_signature(None, "badge")
        self.assertFalse(line.signed_at)
        line.with_user(self.trainer)._record_signature(
            None, "badge", ip="10.0.0.9", user_agent="Tablet", witness_name="Claire Trainer"
        )
        self.assertEqual(line.sign_method, "badge")
        self.assertEqual(line.status, "present")
        self.assertEqual(line.sign_user_id, self.trainer)
        self.assertFalse(line.signature)
        for other in session.line_ids - line:
            other._record_signature(signature_data_uri(), "kiosk")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(4))
        session.with_user(self.trainer).action_validate()
        self.env.flush_all()
        self.assertEqual(session._verify_seal(), [])
        self.env.cr.execute(
            "UPDATE az_attendance_line SET witness_name='Someone else' WHERE id=%s", [line.id]
        )
        self.assertTrue(any("Sofia Pereira" in problem for problem in session._verify_seal()))

    # ------------------------------------------------------------------ paper sheet
    def test_paper_reconciliation_line_by_line(self):
        session = self.make_session()
        lucas = self.line_of(session, self.lucas)
        with self.assertRaisesRegex(UserError, "paper sheet"):
            lucas.with_user(self.trainer).action_sign_on_paper()
        self.assertFalse(lucas.signed_at)
        session.with_user(self.trainer).paper_sheet = base64.b64encode(b"%PDF-1.4 scan")
        with self.assertRaises(AccessError):
            lucas.with_user(self.other_staff).action_sign_on_paper()
        self.assertFalse(lucas.signed_at)
        with freeze_time("2025-03-11 12:30:00"):
            lucas.with_user(self.trainer).action_sign_on_paper()
        self.assertEqual(lucas.sign_method, "paper")
        self.assertEqual(lucas.sign_user_id, self.trainer, "who reconciled the line")
        self.assertEqual(lucas.signed_at, datetime(2025, 3, 11, 12, 30), "when")
        self.assertEqual(lucas.status, "present")
        self.assertFalse(self.line_of(session, self.amina).signed_at, "one line at a time")
        with self.assertRaisesRegex(UserError, "Lucas Martin has already signed this sheet."):
            lucas.with_user(self.trainer).action_sign_on_paper()
        self.line_of(session, self.amina)._record_signature(signature_data_uri(), "kiosk")
        self.line_of(session, self.sofia).status = "absent"
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(4))
        session.with_user(self.trainer).action_validate()
        report = self.env.ref("az_attendance.action_report_attendance_sheet")
        html = report._render_qweb_html(report.report_name, session.ids)[0].decode()
        self.assertIn("Paper sheet", html)
        self.assertIn("Reconciled by Claire Trainer", html)
        self.assertEqual(session._verify_seal(), [])


@tagged("post_install", "-at_install")
class TestAttendanceBadgeHttp(HttpCase, BadgeMixin, AttendanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # today in Paris, around now (signing is open around the session's times)
        now = fields.Datetime.now().replace(second=0, microsecond=0)
        start = max(now - timedelta(minutes=30), _today_at(0))
        cls.badge_session = cls.make_session(start=start, name="Atelier du jour")
        cls.amina_line = cls.line_of(cls.badge_session, cls.amina)
        cls.other_day = cls.make_session(
            partners=cls.amina, name="Atelier de demain", start=_today_at(8) + timedelta(days=1)
        )

    def _assert_nothing_signed(self):
        self.env.invalidate_all()
        self.assertFalse((self.badge_session | self.other_day).line_ids.filtered("signed_at"))

    def _page(self, token):
        return self.url_open(f"/attendance/badge/{token}")

    def _csrf(self, page):
        return re.search(r'csrf_token(?:" value=|: )"([^"]+)"', page.text).group(1)

    def test_badge_get_shows_todays_sessions_and_writes_nothing(self):
        token = self.badge_token(self.amina)
        self.authenticate("az_att_trainer", "az_att_trainer")
        page = self._page(token)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Amina Diallo", page.text)
        self.assertIn("Atelier du jour", page.text)
        session = self.badge_session
        local = pytz.utc.localize(session.start).astimezone(pytz.timezone("Europe/Paris"))
        self.assertIn(
            f"{local:%H:%M} – {local + timedelta(hours=3):%H:%M}", page.text, "times in the site's timezone"
        )
        self.assertNotIn("Atelier de demain", page.text, "only today's sessions")
        self._assert_nothing_signed()

    def test_badge_post_records_the_presence(self):
        token = self.badge_token(self.amina)
        self.authenticate("az_att_trainer", "az_att_trainer")
        url = f"/attendance/badge/{token}"
        csrf = self._csrf(self._page(token))
        response = self.url_open(url, data={"line_id": self.amina_line.id})
        self.assertPageSays(response, 400, "Oops! Something went wrong.", "no CSRF token")
        self._assert_nothing_signed()
        response = self.url_open(
            url, data={"csrf_token": csrf, "line_id": self.line_of(self.other_day, self.amina).id}
        )
        self.assertPageSays(response, 400, "Choose a session in the list.", "not a session of today")
        response = self.url_open(
            url, data={"csrf_token": csrf, "line_id": self.line_of(self.badge_session, self.lucas).id}
        )
        self.assertPageSays(response, 400, "Choose a session in the list.", "another person's line")
        self._assert_nothing_signed()
        response = self.url_open(url, data={"csrf_token": csrf, "line_id": self.amina_line.id})
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIn("Amina Diallo is recorded present", response.text)
        self.env.invalidate_all()
        line = self.amina_line
        self.assertEqual(line.sign_method, "badge")
        self.assertEqual(line.status, "present")
        self.assertEqual(line.sign_user_id, self.trainer)
        self.assertEqual(line.witness_name, "Claire Trainer")
        self.assertEqual(line.sign_ip, "127.0.0.1")
        self.assertTrue(line.sign_user_agent)
        self.assertFalse(line.signature)
        self.assertEqual(self.badge_session.line_ids.filtered("signed_at"), line)
        # signed once: the session leaves the list, a second post is refused
        self.assertIn("o_az_badge_nothing", self._page(token).text)
        self.assertPageSays(
            self.url_open(url, data={"csrf_token": csrf, "line_id": line.id}),
            400,
            "Choose a session in the list.",
            "signed once",
        )

    def test_bad_or_renewed_badges_are_refused(self):
        token = self.badge_token(self.amina)
        partner_id, mac = token.split("-", 1)
        self.amina.with_user(self.trainer).action_az_renew_badge()
        self.authenticate("az_att_trainer", "az_att_trainer")
        csrf = self._csrf(self._page(self.badge_token(self.amina)))
        bad_tokens = {
            "renewed": token,
            "tampered": f"{partner_id}-{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
            "another person": f"{self.lucas.id}-{mac}",
            "other secret": tokens.make_badge_token(foreign_signer(), self.amina.id, "x"),
            "junk": "1-" + "<" * 43,
        }
        not_valid = "This badge is not valid (it may have been renewed)."
        for label, bad in bad_tokens.items():
            page = self._page(bad)
            self.assertPageSays(page, 403, not_valid, label)
            self.assertNotIn("Amina Diallo", page.text, label)
            response = self.url_open(
                f"/attendance/badge/{bad}", data={"csrf_token": csrf, "line_id": self.amina_line.id}
            )
            self.assertPageSays(response, 403, not_valid, label)
        self._assert_nothing_signed()

    def test_badge_needs_staff_of_the_session(self):
        token = self.badge_token(self.amina)
        url = f"/attendance/badge/{token}"
        # anonymous visitor: sent to the login page
        self.authenticate(None, None)
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        # portal user, even the badge's own person
        self.authenticate("az_att_portal", "az_att_portal")
        page = self._page(token)
        staff_only = "Only staff can record a presence with a badge."
        self.assertPageSays(page, 403, staff_only, "portal page")
        self.assertNotIn("Atelier du jour", page.text)
        response = self.url_open(url, data={"csrf_token": self._csrf(page), "line_id": self.amina_line.id})
        self.assertPageSays(response, 403, staff_only, "portal post")
        # staff of another project: the session is not theirs
        self.authenticate("az_att_other", "az_att_other")
        page = self._page(token)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Atelier du jour", page.text)
        response = self.url_open(url, data={"csrf_token": self._csrf(page), "line_id": self.amina_line.id})
        self.assertPageSays(response, 400, "Choose a session in the list.", "staff of another project")
        self._assert_nothing_signed()

    def test_badge_of_a_person_of_another_company_shows_nothing_of_them(self):
        """Staff of another company, who cannot read the person's contact, scan a genuine
        badge: refused as any badge that is not valid here, the person's name not shown."""
        self.amina.company_id = self.company
        other_company = self.env["res.company"].create({"name": "Autre association"})
        new_test_user(
            self.env,
            login="az_att_elsewhere",
            groups="base.group_user,az_project_base.group_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        token = self.badge_token(self.amina)
        self.authenticate("az_att_elsewhere", "az_att_elsewhere")
        page = self._page(token)
        self.assertPageSays(page, 403, "This badge is not valid (it may have been renewed).", "other company")
        self.assertNotIn("Amina Diallo", page.text)
        self.assertNotIn("Atelier du jour", page.text)
        self._assert_nothing_signed()

    def test_verify_page_and_pdf_show_the_methods(self):
        session = self.badge_session
        self.amina_line.with_user(self.trainer)._record_signature(
            None, "badge", witness_name="Claire Trainer"
        )
        session.paper_sheet = base64.b64encode(b"%PDF-1.4 scan")
        self.line_of(session, self.lucas).with_user(self.trainer).action_sign_on_paper()
        self.line_of(session, self.sofia)._record_signature(signature_data_uri(), "kiosk")
        session.with_user(self.trainer).trainer_signature = base64.b64encode(signature_png(4))
        with freeze_time(session.stop + timedelta(minutes=5)):
            session.with_user(self.trainer).action_validate()
        self.env.flush_all()
        self.authenticate(None, None)
        page = self.url_open(f"/attendance/verify/{session.verify_token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_az_verify_ok", page.text)
        methods = re.search(r'o_az_verify_methods">(.*?)</dd>', page.text, re.S).group(1)
        for expected in ("Kiosk: 1", "Paper sheet: 1", "Printed badge: 1"):
            self.assertIn(expected, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", methods)))
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("az_attendance.action_report_attendance_badge", self.amina.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
