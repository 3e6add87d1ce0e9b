"""A person who uses only the keyboard books, moves and cancels an appointment on the French
website, through the confirmation steps: Tab, typing, Space and Enter, never a click. Every
element met shows its focus, Tab never gets stuck."""

from odoo.tests import tagged

from odoo.addons.az_project_base.tests.keyboard import LiveBrowser

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestPortalKeyboard(AzBookingPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lang_fr = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["az_project_base", "az_booking"], ["fr_FR"])
        website = cls.env["website"].get_current_website()
        website.language_ids = [(4, lang_fr.id)]

    def test_book_move_and_cancel_with_the_keyboard_only(self):
        slot = self.free_slots(self.type_individual)[0]
        week = slot["start"].date().isoformat()
        with LiveBrowser(self, "/fr/booking") as kb:
            kb.activate(f"a[href$='{self.type_individual.website_url}']")
            kb.wait_for_page(self.type_individual.website_url)
            # late on a Sunday the first free time is next week: follow the week link
            if not kb.evaluate("!!document.querySelector('a.o_az_slot:not(.o_az_slot_full)')"):
                kb.activate(f"a[href*='?week='][href$='{week}']")
                kb.wait_for_page(f"week={week}")
            kb.activate("a.o_az_slot:not(.o_az_slot_full)")
            kb.wait_for_page("/book?start=")
            kb.fill("#az_name", "Samia Clavier")
            kb.fill("#az_email", "samia.clavier@example.com")
            kb.fill("#az_phone", "+33 6 12 34 56 78")
            kb.fill(f"[name='question_{self.question.id}']", "Une aide pour un dossier")
            kb.activate("#az_consent", key=" ")
            self.assertTrue(kb.evaluate("document.querySelector('#az_consent').checked"))
            kb.activate("button.o_az_booking_submit")
            kb.wait_for("!location.pathname.endsWith('/book')", what="the confirmation page")
            kb.wait_for_page("")
            self.assertIn("Samia Clavier", kb.text())
            booking = (
                self.env["az.booking"].sudo().search([("partner_id.email", "=", "samia.clavier@example.com")])
            )
            self.assertEqual(len(booking), 1)
            self.assertEqual(booking.start, slot["start"])
            # move it: another time, then the confirmation step
            kb.activate("a.o_az_booking_reschedule")
            kb.wait_for_page("/reschedule")
            kb.activate("a.o_az_slot")
            kb.wait_for_page("start=")
            self.assertIn("Déplacer", kb.text())
            kb.activate("button.o_az_booking_move")
            kb.wait_for_page("moved=1")
            booking.invalidate_recordset()
            moved_to = booking.start
            self.assertNotEqual(moved_to, slot["start"], "the appointment moved")
            # cancel it: the confirmation step, a reason typed, then the button
            kb.activate("a.o_az_booking_cancel_start")
            kb.wait_for_page("/cancel")
            kb.fill("#az_cancel_reason", "Un empêchement")
            kb.activate("button.o_az_booking_cancel")
            kb.wait_for(
                "!!document.querySelector('.o_az_booking_cancelled')",
                what="the page saying the appointment is cancelled",
            )
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.cancel_reason, "Un empêchement")
        self.assertEqual(booking.start, moved_to)
        self.assertEqual(booking.partner_id.lang, "fr_FR")
        self.assertTrue(kb.stops, "the journey went through the page with Tab")
