"""Recurring follow-up appointments, and the lists of a social worker's day."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import AzBookingCommon, paris


@tagged("post_install", "-at_install")
@freeze_time("2026-02-27 10:00:00")
class TestFollowUpSeries(AzBookingCommon):
    def _wizard(self, **values):
        return (
            self.env["az.booking.series.wizard"]
            .with_user(self.staff_a)
            .create(
                {
                    "type_id": self.type_individual.id,
                    "partner_id": self.person.id,
                    "user_id": self.staff_a.id,
                    "date_from": date(2026, 3, 2),
                    "tue": True,
                    "hour": 10.0,
                    "end_type": "count",
                    "count": 8,
                    **values,
                }
            )
        )

    def _mails_to(self, partner):
        return self.env["mail.mail"].sudo().search([("recipient_ids", "in", partner.ids)], order="id")

    def test_series_books_each_occurrence_and_lists_what_could_not_be(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Mardi gras",
                "date_from": paris(2026, 3, 17),
                "date_to": paris(2026, 3, 18),
                "time_type": "leave",
            }
        )
        taken = self._book(
            self.type_individual, paris(2026, 3, 24, 10), person=self.person_2, user=self.staff_a
        )
        before = len(self._mails_to(self.person))
        wizard = self._wizard()
        wizard.action_book()
        series = wizard.series_id
        bookings = series.booking_ids.sorted("start")
        self.assertEqual(len(bookings), 6, "8 Tuesdays minus a holiday and a taken slot")
        self.assertNotIn(paris(2026, 3, 17, 10), bookings.mapped("start"))
        self.assertNotIn(taken.start, bookings.mapped("start"))
        self.assertEqual(bookings[0].start, paris(2026, 3, 3, 10))
        self.assertEqual(set(bookings.mapped("state")), {"confirmed"})
        self.assertEqual(bookings.user_id, self.staff_a)
        self.assertIn("6 appointment(s) booked", wizard.result)
        self.assertIn("Mardi gras", wizard.result)
        self.assertIn("24 March", wizard.result)
        self.assertIn("no longer available", wizard.result)
        # one message listing the dates, each with its own link
        mails = self._mails_to(self.person)[before:]
        self.assertEqual(len(mails), 1)
        for booking in bookings:
            self.assertIn(booking.access_token, mails.body_html)
            self.assertIn(booking.when_label, mails.body_html)

    def test_series_keeps_its_local_time_across_summer_time(self):
        wizard = self._wizard(date_from=date(2026, 3, 23), count=2)
        wizard.action_book()
        self.assertEqual(
            wizard.series_id.booking_ids.sorted("start").mapped("start"),
            [paris(2026, 3, 24, 10), paris(2026, 3, 31, 10)],
        )

    def test_cancelling_the_series_cancels_future_occurrences_only(self):
        wizard = self._wizard(count=3, notify=False)
        wizard.action_book()
        first, second, third = wizard.series_id.booking_ids.sorted("start")
        with freeze_time("2026-03-05 10:00:00"):
            first.action_done()
            wizard.series_id.action_cancel()
        self.assertEqual((first.state, second.state, third.state), ("done", "cancelled", "cancelled"))
        self.assertEqual(wizard.series_id.state, "cancelled")


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 10:30:00")
class TestBookingLists(AzBookingCommon):
    def test_upcoming_today_mine_and_my_site(self):
        site = self.env["az.site"].create({"name": "Maison des solidarités", "tz": "Europe/Paris"})
        self.type_individual.site_ids = site
        past = self._book(self.type_individual, paris(2026, 3, 2, 9), user=self.staff_a, site_id=site.id)
        later = self._book(
            self.type_individual, paris(2026, 3, 4, 9), user=self.staff_a, person=self.person_2
        )
        soon = self._book(
            self.type_individual,
            paris(2026, 3, 2, 14),
            user=self.staff_a,
            person=self.person_3,
            site_id=site.id,
        )
        Booking = self.env["az.booking"].with_user(self.staff_a)
        mine = [("id", "in", (past | later | soon).ids)]
        upcoming = Booking.search(mine + [("is_upcoming", "=", True)], order="start, id")
        self.assertEqual(upcoming, soon | later, "from now on, soonest first")
        self.assertEqual(upcoming[0], soon)
        self.assertEqual(Booking.search(mine + [("is_today", "=", True)]), past | soon)
        self.assertEqual(Booking.search(mine + [("is_my_site", "=", True)]), past | soon)
        self.assertEqual(soon.partner_email, "lina@example.com")

    def test_cancelling_closes_the_booking_to_do(self):
        booking = self._book(self.type_individual, paris(2026, 3, 4, 9), user=self.staff_a)
        booking.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.staff_a.id, summary="Préparer le dossier"
        )
        booking.action_cancel(reason="Empêchée")
        self.assertFalse(booking.activity_ids)
