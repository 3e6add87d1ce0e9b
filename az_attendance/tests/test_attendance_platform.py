import re
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import AttendanceCommon, legacy_mac, signature_values


@tagged("post_install", "-at_install")
class TestAttendanceDeclarations(AttendanceCommon):
    """What the platform's declarations guarantee: deletion refusals that do not block an
    uninstall, rules kept by updates, a grant report that reads the lines' effective values."""

    def _amend(self, session, partner, **values):
        return self.env["az.attendance.amendment"].create(
            {
                "session_id": session.id,
                "line_id": self.line_of(session, partner).id,
                "reason": "Correction after the session",
                **values,
            }
        )

    def test_deletion_refusals_do_not_fire_at_uninstall(self):
        session = self.sign_all_and_validate(self.make_session())
        amendment = self._amend(session, self.lucas, field_name="status", new_status="absent")
        line = self.line_of(session, self.amina)
        certificate = self.env["az.attendance.certificate"]._issue(self.project, session.date, session.date)[
            :1
        ]
        self.assertTrue(certificate)
        for record in (amendment, line, session, certificate):
            with self.assertRaises(UserError, msg=record._name), self.env.cr.savepoint():
                record.unlink()
            self.assertTrue(record.exists(), record._name)
        # uninstalling the addon removes its records: the refusals are not asked then
        uninstalling = {MODULE_UNINSTALL_FLAG: True}
        for record in (certificate, amendment, line, session):
            record.with_context(**uninstalling).unlink()
            self.assertFalse(record.exists(), record._name)

    def test_record_rules_survive_updates(self):
        mine = ["az_attendance", "az_attendance_sms", "az_project_base", "az_booking_attendance"]
        rules = self.env["ir.model.data"].search([("model", "=", "ir.rule"), ("module", "in", mine)])
        modules = set(rules.mapped("module"))
        self.assertTrue({"az_attendance", "az_project_base"} <= modules, modules)
        self.assertEqual(rules.filtered(lambda imd: not imd.noupdate).mapped("name"), [])

    def test_grant_report_reads_the_effective_values_after_amendments(self):
        session = self.make_session()
        self.line_of(session, self.sofia).write(
            {"status": "late", "arrived_at": self.day_start + timedelta(hours=1)}
        )
        self.sign_all_and_validate(session)
        # amendments in a row: the last one of each field counts, in their order
        self._amend(session, self.amina, field_name="hours_attended", new_hours=2.0)
        self._amend(session, self.lucas, field_name="hours_attended", new_hours=1.0)
        self._amend(session, self.lucas, field_name="status", new_status="late")
        self._amend(session, self.sofia, field_name="status", new_status="absent")
        self._amend(session, self.sofia, field_name="status", new_status="present")
        lines = session.line_ids
        effective = {line.partner_id.id: (line.effective_status, line.effective_hours) for line in lines}
        self.assertEqual(
            effective,
            {
                self.amina.id: ("present", 2.0),
                self.lucas.id: ("late", 3.0),
                self.sofia.id: ("present", 2.0),
            },
        )
        # stored on the line, in the database, where the report reads them
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT partner_id, effective_status, effective_hours FROM az_attendance_line "
            "WHERE session_id = %s",
            [session.id],
        )
        self.assertEqual({row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}, effective)
        rows = self.env["az.grant.report"].search(
            [("session_id", "=", session.id), ("funding_id", "=", self.funding.id)]
        )
        self.assertEqual(
            {row.partner_id.id: row.attended_hours for row in rows},
            {partner: hours for partner, (_status, hours) in effective.items()},
        )
        # the sealed lines are untouched: the sheet and its amendments still verify
        self.assertEqual(session._verify_seal(), [])
        self.assertEqual(self.line_of(session, self.lucas).hours_attended, 3.0)
        self.assertEqual(self.line_of(session, self.lucas).status, "present")


@tagged("post_install", "-at_install")
class TestOneSigningRule(HttpCase, AttendanceCommon):
    """Every signing path asks the line's one rule (``_sign_refusal``); links and badges of
    the former token format get a clear page and write nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        cls.att_session = cls.make_session(start=now - timedelta(minutes=30), name="Atelier du jour")
        cls.amina_line = cls.line_of(cls.att_session, cls.amina)
        cls.secret = cls.env["ir.config_parameter"].sudo().get_param("database.secret")

    def setUp(self):
        super().setUp()
        # an anonymous visitor's session, bound to this database
        self.authenticate(None, None)

    def _csrf(self, response):
        self.assertEqual(response.status_code, 200, response.text[:500])
        return re.search(r'csrf_token(?:" value=|: )"([^"]+)"', response.text).group(1)

    def _assert_nothing_signed(self):
        self.env.invalidate_all()
        self.assertFalse(self.att_session.line_ids.filtered("signed_at"))

    def test_every_path_asks_the_line(self):
        Line = type(self.env["az.attendance.line"])
        refusal = ("closed", "Refused by the one rule.")
        badge = self.amina.with_user(self.trainer)._az_badge_token()
        remote = self.amina_line._get_remote_token()
        with patch.object(Line, "_sign_refusal", lambda self, at=None, offline=False: refusal):
            # back office: buttons hidden, on-behalf, paper and e-mail refused, nothing to send
            self.assertFalse(self.amina_line.can_sign)
            with self.assertRaisesRegex(UserError, "one rule"):
                self.amina_line.with_user(self.trainer).action_sign_on_behalf()
            with self.assertRaisesRegex(UserError, "one rule"):
                self.amina_line.with_user(self.trainer).action_send_remote_link()
            with self.assertRaisesRegex(UserError, "No participant left to sign has an e-mail address."):
                self.att_session.with_user(self.trainer).action_send_remote_links()
            # kiosk: shown as not signable, and refused when sent anyway
            kiosk = self.att_session.with_user(self.trainer).kiosk_data()
            self.assertFalse([line for line in kiosk["lines"] if line["can_sign"]])
            self.authenticate("az_att_trainer", "az_att_trainer")
            result = self.make_jsonrpc_request(
                "/attendance/kiosk/sign", {"line_id": self.amina_line.id, **signature_values()}
            )
            self.assertEqual(result, {"ok": False, "error": "Refused by the one rule."})
            # badge: no session to choose
            page = self.url_open(f"/attendance/badge/{badge}")
            self.assertEqual(page.status_code, 200)
            self.assertNotIn("Atelier du jour", page.text)
            # QR: no name to choose; personal link: refused
            self.authenticate(None, None)
            page = self.url_open(f"/attendance/qr/{self.att_session.qr_token}")
            self.assertNotIn("Amina D.", page.text)
            page = self.url_open(f"/attendance/sign/{remote}")
            self.assertEqual(page.status_code, 410)
            self.assertIn("Refused by the one rule.", page.text)
        self._assert_nothing_signed()
        # the same paths open again when the rule allows it
        self.assertTrue(self.amina_line.can_sign)
        self.assertIn("Amina D.", self.url_open(f"/attendance/qr/{self.att_session.qr_token}").text)
        self.assertEqual(self.url_open(f"/attendance/sign/{remote}").status_code, 200)

    def test_a_signed_person_is_told_so_even_once_the_sheet_is_closed(self):
        remote = self.amina_line._get_remote_token()
        self.amina_line._record_signature(signature_values()["signature"], "kiosk")
        self.att_session.action_cancel()
        page = self.url_open(f"/attendance/sign/{remote}")
        self.assertEqual(page.status_code, 410)
        self.assertIn("already recorded", page.text)

    def test_former_signing_links_get_a_clear_page(self):
        line, session = self.amina_line, self.att_session
        expiry = int(session.stop.timestamp()) + 7200
        mac = legacy_mac(self.secret, f"sign:{line.id}:{session.id}:{expiry}")
        old = f"{line.id}-{session.id}-{expiry}-{mac}"
        csrf = self._csrf(self.url_open(f"/attendance/sign/{line._get_remote_token()}"))
        for data in (None, {"csrf_token": csrf, **signature_values()}):
            page = self.url_open(f"/attendance/sign/{old}", data=data)
            self.assertEqual(page.status_code, 410)
            self.assertIn("no longer valid", page.text)
            self.assertIn("new link", page.text)
        self._assert_nothing_signed()

    def test_former_badges_get_a_clear_page(self):
        nonce = self.amina.sudo().az_badge_nonce
        old = f"{self.amina.id}-{legacy_mac(self.secret, f'badge:{self.amina.id}:{nonce}')}"
        self.authenticate("az_att_trainer", "az_att_trainer")
        genuine = self.amina.with_user(self.trainer)._az_badge_token()
        csrf = self._csrf(self.url_open(f"/attendance/badge/{genuine}"))
        for data in (None, {"csrf_token": csrf, "line_id": self.amina_line.id}):
            page = self.url_open(f"/attendance/badge/{old}", data=data)
            self.assertEqual(page.status_code, 410)
            self.assertIn("no longer valid", page.text)
            self.assertIn("Print a new badge", page.text)
            self.assertNotIn("Amina Diallo", page.text)
        self._assert_nothing_signed()
