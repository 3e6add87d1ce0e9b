"""Query-count guards on the hot paths, so that a regression (a query per slot, per staff
member, per line or per project) fails the suite. Bounds are the counts measured when the
guard was written plus a small margin; each is checked at two sizes, so that a count that
grows with the data fails even below the bound."""

import logging
import re
from datetime import datetime, timedelta

import odoo
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.az_attendance.tests.common import signature_data_uri, signature_strokes

_logger = logging.getLogger(__name__)

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def signature_uri():
    return signature_data_uri()


# the strokes the signing page sends with the drawing above (as the pad draws it)
STROKES = signature_strokes()


@tagged("post_install", "-at_install")
class TestQueryCounts(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.calendar = env["resource.calendar"].create(
            {
                "name": "Guard 9-17",
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
        cls.staff = env["res.users"]
        for i in range(8):
            user = new_test_user(
                env, login=f"guard_staff_{i}", tz="Europe/Paris", groups="az_project_base.group_user"
            )
            env["resource.resource"].create(
                {
                    "name": user.name,
                    "user_id": user.id,
                    "calendar_id": cls.calendar.id,
                    "tz": "Europe/Paris",
                    "resource_type": "user",
                }
            )
            cls.staff |= user
        cls.projects = env["project.project"].create([{"name": f"Guard project {i}"} for i in range(4)])
        cls.site = env["az.site"].create({"name": "Guard site", "tz": "Europe/Paris"})

    def _type(self, staff, horizon_days=14):
        return self.env["az.booking.type"].create(
            {
                "name": f"Guard type {len(staff)}",
                "project_id": self.projects[0].id,
                "duration": 0.5,
                "slot_step": 0.5,
                "staff_user_ids": [Command.set(staff.ids)],
                "min_notice_hours": 0,
                "horizon_days": horizon_days,
                "tz": "Europe/Paris",
                "is_published": True,
                "site_ids": [Command.set(self.site.ids)],
            }
        )

    def _queries(self, func):
        func()  # warm: caches, assets, routing map
        before = odoo.sql_db.sql_counter
        func()
        return odoo.sql_db.sql_counter - before

    def test_slot_page_queries_do_not_grow_with_staff_or_weeks(self):
        self.authenticate(None, None)
        small, large = self._type(self.staff[:2]), self._type(self.staff)
        monday = (datetime.now() + timedelta(days=7)).date()
        monday -= timedelta(days=monday.weekday())
        week = monday.isoformat()
        small_count = self._queries(lambda: self.url_open(f"/booking/{small.id}?week={week}"))
        large_count = self._queries(lambda: self.url_open(f"/booking/{large.id}?week={week}"))
        _logger.info("slot page: %s queries", large_count)
        self.assertEqual(large_count, small_count, "4× the staff must not add queries to the slot page")
        self.assertLessEqual(large_count, 25)

    def test_booking_post_queries_are_bounded(self):
        self.authenticate(None, None)
        booking_type = self._type(self.staff)
        slots = booking_type._get_free_slots(datetime.now(), datetime.now() + timedelta(days=14))
        counts = []
        for index, slot in enumerate(slots[:2]):
            start = slot["start"].strftime("%Y-%m-%dT%H:%M")
            form = self.url_open(f"/booking/{booking_type.id}/book?start={start}")
            csrf = CSRF_RE.search(form.text).group(1)
            key = re.search(r'name="submission_key"\s+value="([^"]+)"', form.text).group(1)
            before = odoo.sql_db.sql_counter
            response = self.url_open(
                f"/booking/{booking_type.id}/book",
                data={
                    "csrf_token": csrf,
                    "start": start,
                    "name": f"Guard Person {index}",
                    "email": f"guard{index}@example.com",
                    "consent": "1",
                    "submission_key": key,
                },
                allow_redirects=False,
            )
            counts.append(odoo.sql_db.sql_counter - before)
            self.assertEqual(response.status_code, 303)
            # within those queries: the booking, the staff member's calendar event and
            # to-do, and the confirmation e-mail to the person, its queue woken
            booking = self.env["az.booking"].sudo().search([("submission_key", "=", key)])
            self.assertIn(f"/my/bookings/{booking.id}", response.headers["Location"])
            event = booking.event_id
            self.assertTrue(event.active, "the staff member's calendar shows it")
            self.assertEqual(event.user_id, booking.user_id)
            self.assertEqual(
                event.attendee_ids.partner_id,
                booking.user_id.partner_id | booking.partner_id,
                "the staff member and the person attend the event",
            )
            self.assertEqual(
                event.attendee_ids.mapped("common_name"),
                [p.name for p in event.attendee_ids.partner_id],
            )
            self.assertEqual((event.res_model, event.res_id), ("az.booking", booking.id))
            self.assertEqual(event.duration, 0.5)
            todo = booking.activity_ids
            self.assertEqual((todo.user_id, todo.calendar_event_id), (booking.user_id, event))
            self.assertEqual(todo.res_name, booking.display_name)
            self.assertIn(booking.user_id.partner_id, booking.message_partner_ids, "the staff follows it")
            self.assertIn(
                "Booked from the website.",
                booking.message_ids.mapped("body")[-1],
                "the chatter says where the booking was made",
            )
            mails = (
                self.env["mail.mail"]
                .sudo()
                .search([("model", "=", "az.booking"), ("res_id", "=", booking.id)])
            )
            self.assertEqual(mails.recipient_ids, booking.partner_id, "the person is told at once")
            self.assertEqual(mails.state, "outgoing")
            self.assertIn(booking.name, mails.subject + mails.body_html)
            self.assertEqual(mails.attachment_ids.mimetype, "text/calendar")
            self.assertTrue(
                self.env["ir.cron.trigger"]
                .sudo()
                .search([("cron_id", "=", self.env.ref("mail.ir_cron_mail_scheduler_action").id)]),
                "the mail queue is woken up right after the booking",
            )
        _logger.info("booking POST: %s queries", counts[1])
        # 39 with every addon on a French company (l10n_fr_account and the e-invoicing and VAT
        # modules it brings); 43 when those modules computed the new contact's empty Peppol
        # address and VIES check one search at a time
        self.assertLessEqual(counts[1], 40, f"booking POST used {counts[1]} queries")

    def test_signing_post_queries_do_not_grow_with_the_sheet(self):
        self.authenticate(None, None)
        now = datetime.now()
        counts = {}
        for size in (3, 12):
            session = self.env["az.attendance.session"].create(
                {
                    "name": f"Guard session {size}",
                    "project_id": self.projects[0].id,
                    "site_id": self.site.id,
                    "trainer_ids": [Command.set(self.staff[:1].ids)],
                    "start": now - timedelta(minutes=5),
                    "stop": now + timedelta(hours=2),
                }
            )
            people = self.env["res.partner"].create([{"name": f"Guard {size}-{i}"} for i in range(size)])
            session._add_participants(people)
            session.action_open()
            measured = []
            for line in session.line_ids[:2]:
                url = line._get_remote_sign_url().split("/attendance/", 1)[1]
                page = self.url_open(f"/attendance/{url}")
                csrf = CSRF_RE.search(page.text).group(1)
                before = odoo.sql_db.sql_counter
                response = self.url_open(
                    f"/attendance/{url}",
                    data={"csrf_token": csrf, "signature": signature_uri(), "strokes": STROKES},
                )
                measured.append(odoo.sql_db.sql_counter - before)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(line.signed_at)
            counts[size] = measured[1]
        self.assertEqual(counts[12], counts[3], "a longer sheet must not add queries to signing")
        self.assertLessEqual(counts[12], 25)

    def test_project_kpis_are_computed_in_bounded_queries(self):
        def kpis(projects):
            projects.invalidate_recordset()
            before = odoo.sql_db.sql_counter
            projects.read(
                [
                    "az_booking_count",
                    "az_booking_no_show_rate",
                    "az_attendance_hours",
                    "az_funded_hours_target",
                    "az_funded_hours_used",
                    "az_session_count",
                ]
            )
            return odoo.sql_db.sql_counter - before

        kpis(self.projects)  # warm
        one, four = kpis(self.projects[:1]), kpis(self.projects)
        self.assertEqual(four, one, "KPIs of four projects cost what those of one cost")
        self.assertLessEqual(four, 12)
