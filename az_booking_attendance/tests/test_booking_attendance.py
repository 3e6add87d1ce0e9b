import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.az_attendance.tests.common import signature_data_uri, signature_png
from odoo.addons.az_booking.tests.common import AzBookingCommon, paris


@tagged("post_install", "-at_install")
class TestBookingAttendance(AzBookingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = cls.env["az.site"].create({"name": "Espace emploi", "tz": "Europe/Paris"})
        cls.type_workshop.site_ids = cls.site
        cls.type_individual.site_ids = cls.site
        # Monday 1 March 2027, 14:00-16:00 in Paris
        cls.ws_start, cls.ws_stop = paris(2027, 3, 1, 14), paris(2027, 3, 1, 16)

    def _book(self, booking_type, person, start, stop=None):
        return self.env["az.booking"].create(
            {
                "type_id": booking_type.id,
                "partner_id": person.id,
                "start": start,
                **({"stop": stop} if stop else {}),
            }
        )

    def test_workshop_bookings_share_one_sheet(self):
        people = self.person | self.person_2 | self.person_3
        bookings = self.env["az.booking"]
        for person in people:
            bookings |= self._book(self.type_workshop, person, self.ws_start, self.ws_stop)
        self.assertEqual(set(bookings.mapped("state")), {"confirmed"})
        bookings.action_prepare_attendance_sheets()
        session = bookings.attendance_session_id
        self.assertEqual(len(session), 1, "one sheet for the whole workshop")
        self.assertEqual(session.line_ids.partner_id, people)
        self.assertEqual((session.start, session.stop), (self.ws_start, self.ws_stop))
        self.assertEqual(session.project_id, self.project)
        self.assertEqual(session.site_id, self.site)
        self.assertEqual(session.trainer_ids, self.staff_b)
        self.assertEqual(session.booking_count, 3)
        self.assertEqual(bookings[0].attendance_line_id.partner_id, bookings[0].partner_id)

    def test_a_workshop_session_has_one_sheet_with_all_its_participants(self):
        session = self.env["az.booking.occurrence"].create(
            {
                "type_id": self.type_workshop.id,
                "start": self.ws_start,
                "capacity": 2,
                "site_id": self.site.id,
                "user_ids": [Command.set((self.staff_b | self.staff_a).ids)],
            }
        )
        first = self._book(self.type_workshop, self.person, self.ws_start)
        second = self._book(self.type_workshop, self.person_2, self.ws_start)
        waiting = self._book(self.type_workshop, self.person_3, self.ws_start)
        # on demand, from one booking: the sheet of the whole session
        sheet = first._get_or_create_attendance_session()
        self.assertEqual(session.attendance_session_id, sheet)
        self.assertEqual(sheet.line_ids.partner_id, self.person | self.person_2)
        self.assertEqual(second.attendance_session_id, sheet)
        self.assertEqual(sheet.trainer_ids, self.staff_a | self.staff_b)
        self.assertEqual(session._get_or_create_attendance_sheet(), sheet, "never a second")
        # a seat freed before the start: the person waiting takes it and joins the sheet
        first.action_cancel(cancel_by="person", reason="Malade")
        self.assertEqual(waiting.state, "confirmed")
        self.assertEqual(sheet.line_ids.partner_id, self.person_2 | self.person_3)

    def test_cancelled_session_cancels_its_unsigned_sheet(self):
        session = self.env["az.booking.occurrence"].create(
            {"type_id": self.type_workshop.id, "start": self.ws_start}
        )
        self._book(self.type_workshop, self.person, self.ws_start)
        sheet = session._get_or_create_attendance_sheet()
        session.action_cancel("Salle inondée")
        self.assertEqual(sheet.state, "cancelled")

    def test_individual_appointments_get_their_own_sheet(self):
        first = self._book(self.type_individual, self.person, paris(2027, 3, 1, 9))
        second = self._book(self.type_individual, self.person_2, paris(2027, 3, 1, 10))
        (first | second).action_prepare_attendance_sheets()
        self.assertNotEqual(first.attendance_session_id, second.attendance_session_id)
        self.assertEqual(first.attendance_session_id.line_ids.partner_id, self.person)
        self.assertIn("Nadia Benali", first.attendance_session_id.name)
        self.assertEqual(first.attendance_session_id.trainer_ids, self.staff_a)

    def test_late_booking_joins_the_existing_sheet(self):
        early = self._book(self.type_workshop, self.person, self.ws_start, self.ws_stop)
        session = early._get_or_create_attendance_session()
        late = self._book(self.type_workshop, self.person_2, self.ws_start, self.ws_stop)
        self.assertEqual(late._get_or_create_attendance_session(), session)
        self.assertEqual(session.line_ids.partner_id, self.person | self.person_2)

    def test_cancelled_booking_leaves_the_sheet_unless_signed(self):
        bookings = self.env["az.booking"]
        for person in (self.person, self.person_2):
            bookings |= self._book(self.type_workshop, person, self.ws_start, self.ws_stop)
        session = bookings._get_or_create_attendance_session()
        bookings[0].action_cancel(cancel_by="person", reason="Malade")
        self.assertEqual(session.line_ids.partner_id, self.person_2)
        # a signed line is never removed
        session.action_open()
        with freeze_time(self.ws_start):
            session.line_ids._record_signature(signature_data_uri(3), "kiosk")
        bookings[1].action_cancel(cancel_by="person")
        self.assertEqual(session.line_ids.partner_id, self.person_2)
        self.assertTrue(session.line_ids.signed_at)

    def test_cancelled_booking_gets_no_sheet(self):
        booking = self._book(self.type_individual, self.person, paris(2027, 3, 2, 9))
        booking.action_cancel()
        with self.assertRaisesRegex(UserError, "not expected any more"):
            booking._get_or_create_attendance_session()
        self.assertFalse(booking.attendance_session_id)

    def test_validated_sheet_closes_the_bookings(self):
        people = self.person | self.person_2 | self.person_3
        bookings = self.env["az.booking"]
        for person in people:
            bookings |= self._book(self.type_workshop, person, self.ws_start, self.ws_stop)
        session = bookings._get_or_create_attendance_session()
        session.action_open()
        line_of = {line.partner_id: line for line in session.line_ids}
        with freeze_time(self.ws_start):
            line_of[self.person]._record_signature(signature_data_uri(1), "kiosk")
        line_of[self.person_2].status = "absent"
        line_of[self.person_3].status = "excused"
        line_of[self.person_3].justification = base64.b64encode(b"%PDF-1.4 certificate")
        line_of[self.person_3].justification_filename = "certificat.pdf"
        session.trainer_signature = base64.b64encode(signature_png(9))
        with freeze_time(self.ws_stop + timedelta(minutes=5)):
            session.with_user(self.staff_b).action_validate()
        self.assertEqual(session.state, "validated")
        state_of = {b.partner_id: b.state for b in bookings}
        self.assertEqual(state_of, {self.person: "done", self.person_2: "no_show", self.person_3: "excused"})

    @freeze_time("2027-03-01 06:00:00")
    def test_cron_prepares_the_sheets_of_the_coming_day(self):
        today = self._book(self.type_workshop, self.person, self.ws_start, self.ws_stop)
        next_week = self._book(self.type_individual, self.person_2, paris(2027, 3, 8, 9))
        prepared = self.env["az.booking"]._cron_prepare_attendance_sheets()
        self.assertEqual(prepared, today)
        self.assertTrue(today.attendance_session_id)
        self.assertFalse(next_week.attendance_session_id)
