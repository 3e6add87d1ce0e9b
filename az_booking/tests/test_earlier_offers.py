from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestEarlierOffers(AzBookingPortalCommon):
    """A person in line for an earlier time: offered by the job to the first in line only,
    accepted by the link's POST (first come, first served), refused once over, within limits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one staff member free one hour a day (9:00-10:00, Paris): one time per day
        cls.short_calendar = cls.env["resource.calendar"].create(
            {
                "name": "One hour a day",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9.0,
                            "hour_to": 10.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        cls.counsellor = cls._make_staff("az_earlier_staff")
        cls.counsellor.resource_ids.calendar_id = cls.short_calendar
        common = {
            "project_id": cls.project.id,
            "duration": 1.0,
            "slot_step": 1.0,
            "min_notice_hours": 2,
            "horizon_days": 30,
            "cancel_deadline_hours": 1,
            "tz": "Europe/Paris",
            "is_published": True,
            "assignment": "specific",
            "staff_user_ids": [Command.set(cls.counsellor.ids)],
            "specific_user_id": cls.counsellor.id,
            "earlier_offers": True,
            "earlier_offer_valid_hours": 12,
            "earlier_offer_max": 2,
            "earlier_offer_stop_days": 1,
        }
        cls.type_review = cls.env["az.booking.type"].create(dict(common, name="Bilan emploi"))
        # a second type of the same counsellor: their freed time is offered in both lines
        cls.type_follow = cls.env["az.booking.type"].create(dict(common, name="Suivi emploi"))
        cls.person_a = cls.env["res.partner"].create({"name": "Awa Diallo", "email": "awa@example.com"})
        cls.person_b = cls.env["res.partner"].create({"name": "Bruno Petit", "email": "bruno@example.com"})

    def setUp(self):
        super().setUp()
        now = fields.Datetime.now()
        self.days = self.type_review._get_free_slots(now, now + timedelta(days=12))
        self.assertGreaterEqual(len(self.days), 9, "the test needs one free time a day")
        others = self.env["res.partner"].create([{"name": f"Autre {i}"} for i in range(6)])
        # the first six times are taken by other people
        self.fillers = [self.book_directly(self.type_review, self.days[i], others[i]) for i in range(6)]
        self.booking_a = self.book_directly(self.type_review, self.days[6], self.person_a)
        self.booking_b = self.book_directly(self.type_review, self.days[7], self.person_b)

    # ------------------------------------------------------------------------------------
    def offers(self, booking):
        self.env.invalidate_all()
        return self.env["az.booking.offer"].sudo().search([("booking_id", "=", booking.id)])

    def run_job(self):
        return self.env["az.booking"]._cron_offer_earlier_times()

    def ask(self, booking, wants="1", expected_status=200):
        """The person's request from their personal page (a POST)."""
        _response, doc = self.get_doc(self.manage_url(booking, "/cancel"))  # a page with a form
        data = {"csrf_token": self.csrf_from(doc), "wants": wants}
        response = self.url_open(self.manage_url(booking, "/earlier"), data=data)
        self.assertEqual(response.status_code, expected_status, response.text[:300])
        return response

    def offer_page(self, offer, expected_status=200):
        return self.get_doc(f"/booking/offer/{offer.id}?token={offer.sudo().token}", expected_status)

    def accept(self, offer, expected_status=200):
        _response, doc = self.offer_page(offer)
        data = {"csrf_token": self.csrf_from(doc), "token": offer.sudo().token}
        response = self.url_open(f"/booking/offer/{offer.id}/accept", data=data)
        self.assertEqual(response.status_code, expected_status, response.text[:300])
        return response

    def cron_triggers(self):
        cron = self.env.ref("az_booking.ir_cron_az_booking_earlier_offers")
        return self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])

    # ------------------------------------------------------------------------------------
    def test_an_earlier_time_is_offered_once_to_the_first_in_line_and_accepting_moves_it(self):
        self.ask(self.booking_a)
        self.assertTrue(self.booking_a.wants_earlier, "the person is in line")
        self.booking_b.with_user(self.counsellor)._set_wants_earlier(True)  # staff, on the booking
        self.assertFalse(self.run_job(), "no earlier time is free: nothing offered")

        triggers = self.cron_triggers()
        self.fillers[2].action_cancel(cancel_by="person")
        self.assertGreater(self.cron_triggers(), triggers, "a cancellation wakes the job up")
        made = self.run_job()
        self.assertEqual(len(made), 1, "one freed time, one offer")
        offer = self.offers(self.booking_a)
        self.assertEqual(offer.start, self.days[2]["start"], "the first in line gets the freed time")
        self.assertFalse(self.offers(self.booking_b), "the next in line is not offered the same time")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", self.person_a.ids), ("body_html", "ilike", "/booking/offer/")])
        )
        self.assertIn(f"/booking/offer/{offer.id}?token=", str(mail.body_html), "the link is sent")
        self.assertFalse(self.run_job(), "offered once: the job does not offer it again")

        _response, doc = self.offer_page(offer)
        self.assertIn(self.booking_a.type_id._format_when(self.days[2]["start"]), doc.text_content())
        response = self.accept(offer)
        self.assertIn("moved=1", response.url)
        self.env.invalidate_all()
        self.assertEqual(self.booking_a.start, self.days[2]["start"], "the appointment moved")
        self.assertEqual(offer.state, "accepted")
        self.assertFalse(self.booking_a.wants_earlier, "out of the line once moved")
        self.assertEqual(self.booking_a.event_id.start, self.days[2]["start"], "the staff calendar follows")

        # the link works once
        response = self.url_open(
            f"/booking/offer/{offer.id}/accept",
            data={
                "csrf_token": self.csrf_from(self.get_doc(self.manage_url(self.booking_a, "/cancel"))[1]),
                "token": offer.sudo().token,
            },
        )
        self.assertEqual(response.status_code, 410)
        # the time Awa left is now free: the next in line is offered it
        self.run_job()
        self.assertEqual(self.offers(self.booking_b).start, self.days[6]["start"])

    def test_a_second_person_accepting_the_same_time_is_told_it_is_taken(self):
        follow = self.book_directly(
            self.type_follow, self.days[8], self.env["res.partner"].create({"name": "Chloé Martin"})
        )
        self.booking_a.sudo()._set_wants_earlier(True)
        follow.sudo()._set_wants_earlier(True)
        self.fillers[1].action_cancel(cancel_by="person")
        self.run_job()
        first, second = self.offers(self.booking_a), self.offers(follow)
        self.assertEqual(first.start, second.start, "the counsellor's freed time, in both lines")
        self.accept(first)
        response = self.accept(second, expected_status=409)
        self.assertIn("someone else has just taken this time", response.text)
        self.env.invalidate_all()
        self.assertEqual(follow.start, self.days[8]["start"], "the current appointment is kept")
        self.assertEqual(follow.state, "confirmed")
        self.assertEqual(second.state, "taken")
        self.assertEqual(self.booking_a.start, self.days[1]["start"])

    def test_no_offer_in_the_last_days_before_the_appointment(self):
        self.booking_a.sudo()._set_wants_earlier(True)
        self.type_review.earlier_offer_stop_days = 30
        self.fillers[0].action_cancel(cancel_by="person")
        self.assertFalse(self.run_job())
        self.assertFalse(self.offers(self.booking_a))
        # nor may the person ask any more: no form on their page, a POST writes nothing
        self.booking_a.sudo().wants_earlier = False
        _response, doc = self.get_doc(self.manage_url(self.booking_a))
        self.assertFalse(doc.xpath("//form[contains(@action, '/earlier')]"))
        self.ask(self.booking_a, expected_status=409)
        self.env.invalidate_all()
        self.assertFalse(self.booking_a.wants_earlier)

    def test_at_most_the_types_number_of_offers_per_appointment_and_expired_links_refused(self):
        self.booking_a.sudo()._set_wants_earlier(True)
        self.fillers[0].action_cancel(cancel_by="person")
        self.fillers[1].action_cancel(cancel_by="person")
        first = self.run_job()
        self.assertEqual(len(first), 1, "one open offer at a time per appointment")
        first.sudo().write({"expiry": fields.Datetime.now() - timedelta(minutes=1)})
        _response, doc = self.offer_page(first, expected_status=410)
        self.assertIn("expired", doc.text_content())
        second = self.run_job()
        self.assertEqual(len(second), 1)
        self.assertNotEqual(second.start, first.start, "a time let go is not offered twice")
        second.sudo().write({"expiry": fields.Datetime.now() - timedelta(minutes=1)})
        self.fillers[2].action_cancel(cancel_by="person")
        self.assertFalse(self.run_job(), "two offers per appointment on this type: no third")
        self.assertEqual(len(self.offers(self.booking_a)), 2)
        self.assertEqual(set(self.offers(self.booking_a).mapped("state")), {"expired"})
        self.env.invalidate_all()
        self.assertEqual(self.booking_a.start, self.days[6]["start"])

    @mute_logger("odoo.http")
    def test_hostile_input_on_the_new_routes_is_refused_and_writes_nothing(self):
        self.booking_a.sudo()._set_wants_earlier(True)
        self.fillers[0].action_cancel(cancel_by="person")
        offer = self.run_job()
        token = offer.sudo().token
        other = (
            self.env["az.booking.offer"]
            .sudo()
            .create(self.env["az.booking.offer"]._prepare_values(self.booking_b, self.days[3]))
        )
        _response, doc = self.get_doc(self.manage_url(self.booking_a, "/cancel"))
        csrf = self.csrf_from(doc)
        before = (self.booking_a.start, self.booking_b.start, offer.state, other.state)
        for url in (
            f"/booking/offer/{offer.id}?token={token[:-1]}x",
            f"/booking/offer/{offer.id}?token=",
            f"/booking/offer/{offer.id}",
            f"/booking/offer/{offer.id}?token={other.sudo().token}",
            f"/booking/offer/{offer.id}?token=%00{token}",
            f"/booking/offer/{offer.id}?token={'a' * 300}",
            f"/booking/offer/{'9' * 30}?token={token}",
            f"/booking/offer/-1?token={token}",
            f"/booking/offer/\u0661?token={token}",
            f"/booking/offer/{offer.id}/accept?token={token}",  # a GET never accepts
        ):
            response = self.url_open(url)
            self.assertGreaterEqual(response.status_code, 400, url)
            self.assertLess(response.status_code, 500, url)
        for data in (
            {"csrf_token": csrf, "token": token[:-1] + "x"},
            {"csrf_token": csrf, "token": other.sudo().token},
            {"csrf_token": csrf},
            {"token": token},  # no CSRF token
            {"csrf_token": "forged", "token": token},
        ):
            response = self.url_open(f"/booking/offer/{offer.id}/accept", data=data)
            self.assertGreaterEqual(response.status_code, 400, data)
            self.assertLess(response.status_code, 500, data)
        for wants in ("2", "", "1' OR 1=1", None):
            data = {"csrf_token": csrf}
            if wants is not None:
                data["wants"] = wants
            response = self.url_open(self.manage_url(self.booking_b, "/earlier"), data=data)
            self.assertEqual(response.status_code, 400, wants)
        bad_link = f"/my/bookings/{self.booking_b.id}/earlier?access_token={'x' * 20}"
        self.assertEqual(self.url_open(bad_link, data={"csrf_token": csrf, "wants": "1"}).status_code, 404)
        self.env.invalidate_all()
        self.assertEqual((self.booking_a.start, self.booking_b.start, offer.state, other.state), before)
        self.assertFalse(self.booking_b.wants_earlier, "nothing written")

    def test_a_workshop_seat_moves_to_an_earlier_occurrence_and_a_new_occurrence_wakes_the_job(self):
        workshop = self.type_workshop
        workshop.write({"earlier_offers": True, "earlier_offer_stop_days": 1})
        occurrences = self.workshop_occurrences.sorted("start")
        others = self.env["res.partner"].create([{"name": f"Participant {i}"} for i in range(4)])
        for i, occurrence in enumerate(occurrences[1:3]):
            for partner in others[2 * i : 2 * i + 2]:
                self.book_directly(workshop, {"start": occurrence.start, "stop": occurrence.stop}, partner)
        later = occurrences[3]
        seat = self.book_directly(workshop, {"start": later.start, "stop": later.stop}, self.person_a)
        seat._set_wants_earlier(True)
        # the first occurrence is free: offered at once; the two next ones are full
        occurrences[0].action_cancel("Salle indisponible")
        self.run_job()
        self.assertFalse(self.offers(seat), "no seat free before Awa's occurrence")
        triggers = self.cron_triggers()
        full = occurrences[1].booking_ids.filtered(lambda b: b.state == "confirmed")
        full[:1].action_cancel(cancel_by="person")
        self.assertGreater(self.cron_triggers(), triggers, "a freed seat wakes the job up")
        offer = self.run_job()
        self.assertEqual(offer.start, occurrences[1].start)
        response = self.accept(offer)
        self.env.invalidate_all()
        self.assertEqual(seat.state, "cancelled", "the former seat is given back")
        new_seat = occurrences[1].booking_ids.filtered(lambda b: b.partner_id == self.person_a)
        self.assertEqual(new_seat.state, "confirmed")
        self.assertIn(f"/my/bookings/{new_seat.id}", response.url)
        self.assertEqual(later.seats_taken, 0)
        # a new occurrence is an earlier time for the people in line
        new_seat._set_wants_earlier(True)
        triggers = self.cron_triggers()
        self.env["az.booking.occurrence"].create(
            {"type_id": workshop.id, "start": occurrences[0].start + timedelta(hours=3)}
        )
        self.assertGreater(self.cron_triggers(), triggers, "a new occurrence wakes the job up")
