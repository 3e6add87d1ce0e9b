from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import AzBookingCommon, paris

SLOT_TAKEN = "This slot is no longer available"


@tagged("post_install", "-at_install")
@freeze_time("2026-02-27 10:00:00")
class TestBooking(AzBookingCommon):
    def _tracked_states(self, booking):
        self.env.cr.precommit.run()
        values = booking.sudo().message_ids.tracking_value_ids.filtered(lambda v: v.field_id.name == "state")
        return sorted((v.old_value_char, v.new_value_char) for v in values)

    def test_booking_by_staff_is_confirmed_and_in_the_calendar(self):
        booking = self._book(self.type_individual, paris(2026, 3, 2, 10), as_user=self.staff_a)
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual(booking.user_id, self.staff_a)
        self.assertEqual(booking.stop, paris(2026, 3, 2, 11))
        self.assertTrue(booking.name.startswith("RDV/"))
        self.assertEqual(booking.project_id, self.project)
        event = booking.event_id
        self.assertEqual((event.start, event.stop), (booking.start, booking.stop))
        self.assertEqual(event.partner_ids, self.staff_a.partner_id | self.person)
        self.assertEqual(event.user_id, self.staff_a)
        self.assertIn("Premier accueil", event.name)
        self.assertIn(booking, self.env["az.booking"].with_user(self.staff_a).search([]))

    def test_sensitive_type_name_never_in_the_calendar(self):
        self.type_individual.is_sensitive = True
        booking = self._book(self.type_individual, paris(2026, 3, 2, 10))
        self.assertNotIn("Premier accueil", booking.event_id.name)
        self.assertIn("Appointment", booking.event_id.name)
        self.assertEqual(booking.event_id.privacy, "private")
        self.assertEqual(self.type_individual.public_name, "Appointment")

    def test_state_machine_and_tracking(self):
        self.type_individual.needs_validation = True
        booking = self._book(self.type_individual, paris(2026, 3, 2, 10), as_user=self.staff_a)
        self.assertEqual(booking.state, "requested")
        booking = booking.with_user(self.staff_a)
        with self.assertRaises(UserError):
            booking.action_done()
        booking.action_confirm()
        booking.action_no_show()
        self.assertEqual(booking.state, "no_show")
        with self.assertRaises(UserError):
            booking.action_confirm()
        self.assertEqual(
            self._tracked_states(booking), sorted([("Requested", "Confirmed"), ("Confirmed", "No-show")])
        )

    def test_done_and_excused(self):
        first = self._book(self.type_individual, paris(2026, 3, 2, 9))
        second = self._book(self.type_individual, paris(2026, 3, 2, 14))
        first.with_user(self.staff_a).action_done()
        second.with_user(self.staff_a).action_excused()
        self.assertEqual((first.state, second.state), ("done", "excused"))
        # the appointment happened or was planned: it stays in the staff's calendar
        self.assertTrue(first.event_id.active)
        self.assertEqual(self.project.az_booking_done_count, 1)

    def test_cancel_wizard_keeps_the_booking_and_frees_the_slot(self):
        booking = self._book(self.type_individual, paris(2026, 3, 2, 10), as_user=self.staff_a)
        action = booking.with_user(self.staff_a).action_open_cancel_wizard()
        wizard = Form(self.env[action["res_model"]].with_user(self.staff_a).with_context(**action["context"]))
        wizard.cancel_by = "service"
        wizard.reason = "Staff member ill"
        wizard.save().action_cancel()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.cancel_by, "service")
        self.assertEqual(booking.cancel_reason, "Staff member ill")
        self.assertFalse(booking.event_id.active)
        self.assertIn(("Confirmed", "Cancelled"), self._tracked_states(booking))
        starts = [
            s["start"] for s in self.type_individual._get_free_slots(paris(2026, 3, 2), paris(2026, 3, 3))
        ]
        self.assertIn(paris(2026, 3, 2, 10), starts)
        # nothing is lost
        with self.assertRaises(UserError):
            booking.with_user(self.manager).unlink()
        self.assertTrue(booking.exists())

    def test_reschedule_moves_the_calendar_event(self):
        booking = self._book(self.type_individual, paris(2026, 3, 2, 10))
        booking.write({"start": paris(2026, 3, 2, 15), "stop": paris(2026, 3, 2, 16)})
        self.assertEqual(booking.event_id.start, paris(2026, 3, 2, 15))
        self.assertEqual(booking.event_id.stop, paris(2026, 3, 2, 16))
        booking.write({"start": paris(2026, 3, 3, 9)})  # keeps its length
        self.assertEqual(booking.stop, paris(2026, 3, 3, 10))
        self.assertEqual(booking.event_id.stop, paris(2026, 3, 3, 10))
        booking.write({"start": paris(2026, 3, 2, 15)})
        other = self._book(self.type_individual, paris(2026, 3, 2, 9), person=self.person_2)
        with self.assertRaisesRegex(UserError, SLOT_TAKEN):
            other.write({"start": paris(2026, 3, 2, 15, 30), "stop": paris(2026, 3, 2, 16, 30)})

    def test_slot_already_taken_is_refused(self):
        self._book(self.type_individual, paris(2026, 3, 2, 10))
        with self.assertRaisesRegex(UserError, SLOT_TAKEN):
            self._book(
                self.type_individual, paris(2026, 3, 2, 10, 30), person=self.person_2, user=self.staff_a
            )
        with self.assertRaisesRegex(UserError, SLOT_TAKEN):  # Sunday
            self._book(self.type_individual, paris(2026, 3, 1, 10), person=self.person_2)

    @mute_logger("odoo.sql_db")
    def test_database_refuses_overlap_even_without_python_check(self):
        self._book(self.type_individual, paris(2026, 3, 2, 10))
        Booking = self.env["az.booking"].with_context(az_booking_skip_check=True)
        with self.assertRaisesRegex(UserError, SLOT_TAKEN):
            Booking.create(
                {
                    "type_id": self.type_individual.id,
                    "partner_id": self.person_2.id,
                    "user_id": self.staff_a.id,
                    "start": paris(2026, 3, 2, 10, 30),
                }
            )
        # back to back is fine, and a cancelled booking holds nothing
        after = Booking.create(
            {
                "type_id": self.type_individual.id,
                "partner_id": self.person_2.id,
                "user_id": self.staff_a.id,
                "start": paris(2026, 3, 2, 11),
            }
        )
        after.action_cancel(reason="test")
        again = Booking.create(
            {
                "type_id": self.type_individual.id,
                "partner_id": self.person_3.id,
                "user_id": self.staff_a.id,
                "start": paris(2026, 3, 2, 11),
            }
        )
        self.assertEqual(again.state, "confirmed")

    @mute_logger("odoo.sql_db")
    def test_database_refuses_overlap_of_buffers(self):
        self.type_individual.buffer_after = 0.5
        self._book(self.type_individual, paris(2026, 3, 2, 10))
        with self.assertRaisesRegex(UserError, SLOT_TAKEN):
            self.env["az.booking"].with_context(az_booking_skip_check=True).create(
                {
                    "type_id": self.type_individual.id,
                    "partner_id": self.person_2.id,
                    "user_id": self.staff_a.id,
                    "start": paris(2026, 3, 2, 11),
                }
            )

    def test_least_loaded_staff_member_is_chosen(self):
        self.type_individual.staff_user_ids = [Command.link(self.staff_b.id)]
        self._book(self.type_individual, paris(2026, 3, 2, 9), user=self.staff_a)
        booking = self._book(self.type_individual, paris(2026, 3, 3, 9), person=self.person_2)
        self.assertEqual(booking.user_id, self.staff_b)
        booking = self._book(self.type_individual, paris(2026, 3, 3, 9), person=self.person_3)
        self.assertEqual(booking.user_id, self.staff_a)

    def test_self_booking_respects_notice(self):
        self.type_individual.min_notice_hours = 72
        with self.assertRaisesRegex(UserError, SLOT_TAKEN):
            self._book(self.type_individual, paris(2026, 3, 2, 9), booked_by_kind="self")
        booking = self._book(self.type_individual, paris(2026, 3, 2, 9), booked_by_kind="staff")
        self.assertEqual(booking.state, "confirmed")

    def test_book_on_behalf_wizard(self):
        Wizard = self.env["az.booking.book.wizard"].with_user(self.staff_a)
        form = Form(Wizard)
        form.type_id = self.type_individual
        form.partner_id = self.person
        form.date_from = paris(2026, 3, 2).date()
        form.date_to = paris(2026, 3, 2, 12).date()
        form.booked_by_kind = "referrer"
        wizard = form.save()
        wizard.action_search_slots()
        self.assertEqual(len(wizard.line_ids), 10)
        line = wizard.line_ids.sorted("start")[2]
        with self.assertRaises(UserError):  # no consent recorded
            line.action_book()
        wizard.consent = True
        action = line.action_book()
        booking = self.env["az.booking"].browse(action["res_id"])
        self.assertEqual(booking.start, paris(2026, 3, 2, 10))
        self.assertEqual(booking.booked_by_kind, "referrer")
        self.assertEqual(booking.booked_by_id, self.staff_a.partner_id)
        self.assertTrue(booking.consent_datetime)
        wizard.action_search_slots()
        self.assertNotIn(paris(2026, 3, 2, 10), wizard.line_ids.mapped("start"))

    def test_project_indicators(self):
        first = self._book(self.type_individual, paris(2026, 3, 2, 9))
        second = self._book(self.type_individual, paris(2026, 3, 2, 14))
        third = self._book(self.type_individual, paris(2026, 3, 3, 9))
        first.action_done()
        second.action_no_show()
        third.action_cancel(reason="moved away")
        self.project.invalidate_recordset()
        self.assertEqual(self.project.az_booking_count, 2)
        self.assertEqual(self.project.az_booking_cancelled_count, 1)
        self.assertAlmostEqual(self.project.az_booking_no_show_rate, 50.0)
