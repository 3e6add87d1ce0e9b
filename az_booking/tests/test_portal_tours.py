from odoo.tests import tagged

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestPortalTours(AzBookingPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lang_fr = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_booking"], ["fr_FR"])
        cls.env["website"].get_current_website().language_ids = [(4, lang_fr.id)]

    def test_visitor_books_moves_and_cancels(self):
        """In French, with a confirmation page before moving and before cancelling."""
        slots = self.free_slots(self.type_individual)
        week = slots[0]["start"].date().isoformat()
        self.start_tour(f"/fr/booking/{self.type_individual.id}?week={week}", "az_booking_visitor")
        booking = self.env["az.booking"].sudo().search([("partner_id.email", "=", "samia.tour@example.com")])
        self.assertEqual(len(booking), 1)
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.cancel_by, "person")
        self.assertEqual(booking.cancel_reason, "Empêchement de dernière minute")
        self.assertNotEqual(booking.start, slots[0]["start"], "it was moved before")
        self.assertEqual(booking.booked_by_kind, "self")
        self.assertEqual(booking.lang, "fr_FR")
        self.assertTrue(booking.consent_datetime)

    def test_portal_user_moves_and_cancels_from_my_bookings(self):
        slots = self.free_slots(self.type_individual)
        booking = self.book_directly(self.type_individual, slots[0], self.portal_user.partner_id)
        self.start_tour("/my/bookings", "az_booking_portal_user", login="az_portal_nadia")
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.cancel_by, "person")
        self.assertNotEqual(booking.start, slots[0]["start"])


@tagged("post_install", "-at_install")
class TestWorkshopTourOnPhone(AzBookingPortalCommon):
    """A visitor on a phone picks a workshop occurrence, in French."""

    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lang_fr = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_booking"], ["fr_FR"])
        cls.env["website"].get_current_website().language_ids = [(4, lang_fr.id)]
        site = cls.env["az.site"].create({"name": "Maison des solidarités", "tz": "Europe/Paris"})
        cls.workshop_occurrences.site_id = site
        cls.type_workshop.show_facilitator = True

    def test_visitor_picks_a_workshop_occurrence_on_a_phone(self):
        occurrences = self.workshop_occurrences.sorted("start")
        full = occurrences[1]  # the week shown has it and at least one occurrence with seats
        for partner in (self.portal_user.partner_id, self.portal_user_2.partner_id):
            self.book_directly(self.type_workshop, {"start": full.start, "stop": full.stop}, partner)
        self.assertEqual(full.state, "full")
        week = full.start.date().isoformat()
        self.start_tour(f"/fr/booking/{self.type_workshop.id}?week={week}", "az_booking_workshop_phone")
        booking = (
            self.env["az.booking"].sudo().search([("partner_id.email", "=", "yasmine.atelier@example.com")])
        )
        self.assertEqual(len(booking), 1)
        self.assertIn(booking.occurrence_id, occurrences - full)
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual(booking.lang, "fr_FR")
        self.assertEqual(booking.site_id.name, "Maison des solidarités")
