from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .portal_common import AzBookingPortalCommon


@tagged("post_install", "-at_install")
class TestVideoLink(AzBookingPortalCommon):
    """A type whose format is video gives each booking its meeting link, in every place the
    person or the staff member looks for it, and never the sensitive type's name."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_individual.location_format = "video"
        cls.type_sensitive.location_format = "video"

    def setUp(self):
        super().setUp()
        self.slot = self.free_slots(self.type_individual)[2]
        self.booking = self.book_directly(self.type_individual, self.slot, self.portal_user.partner_id)

    def test_a_video_booking_carries_its_link_everywhere(self):
        link = self.booking.video_url
        self.assertTrue(link.startswith(self.booking.get_base_url() + "/calendar/join_videocall/"))
        # the staff member's calendar event and the button of the booking form
        self.assertEqual(self.booking.event_id.videocall_location, link)
        self.assertEqual(self.booking.action_open_video()["url"], link)
        # the personal page (also the confirmation page)
        _response, doc = self.get_doc(self.manage_url(self.booking, booked="1"))
        self.assertEqual(doc.xpath("//a[hasclass('o_az_booking_video')]/@href"), [link])
        # the confirmation and the reminder e-mails
        for kind in ("confirmation", "reminder"):
            self.booking._send_portal_notification(kind)
            mail = (
                self.env["mail.mail"]
                .sudo()
                .search([("recipient_ids", "in", self.portal_user.partner_id.ids)], order="id desc", limit=1)
            )
            self.assertIn(link, str(mail.body_html), kind)
        # the calendar file
        import vobject

        ics = vobject.readOne(self.url_open(self.manage_url(self.booking, "/appointment.ics")).text)
        self.assertEqual(ics.vevent.location.value, link)
        self.assertIn(link, ics.vevent.description.value)
        # the link opens the Discuss meeting room to the person, as a guest
        response = self.url_open(link, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/chat/", response.headers["Location"])
        self.assertTrue(self.booking.event_id.videocall_channel_id)

    def test_the_link_never_reveals_a_sensitive_types_name(self):
        booking = self.book_directly(
            self.type_sensitive, self.free_slots(self.type_sensitive)[3], self.portal_user_2.partner_id
        )
        self.assertTrue(booking.video_url)
        self.url_open(booking.video_url, allow_redirects=False)
        channel = booking.event_id.videocall_channel_id
        self.assertTrue(channel, "the room exists")
        for text in (booking.video_url, channel.name, channel.description or ""):
            self.assertNotIn("addictologie", text.lower())

    def test_the_types_own_link_gives_one_room_per_appointment_and_one_per_workshop(self):
        with self.assertRaises(ValidationError):
            self.type_individual.write({"video_source": "link", "video_link_template": "http://visio.test/x"})
        self.type_individual.write(
            {"video_source": "link", "video_link_template": "https://visio.example.org/rdv-{ref}"}
        )
        other = self.book_directly(
            self.type_individual, self.free_slots(self.type_individual)[4], self.portal_user_2.partner_id
        )
        self.env.invalidate_all()
        self.assertTrue(self.booking.video_url.startswith("https://visio.example.org/rdv-"))
        self.assertNotEqual(self.booking.video_url, other.video_url, "one room per appointment")
        self.assertNotIn("accueil", self.booking.video_url.lower())
        self.type_workshop.write(
            {
                "location_format": "video",
                "video_source": "link",
                "video_link_template": "https://visio.example.org/atelier-{ref}",
            }
        )
        slot = self.free_slots(self.type_workshop)[0]
        seats = [
            self.book_directly(self.type_workshop, slot, partner)
            for partner in (self.portal_user.partner_id, self.portal_user_2.partner_id)
        ]
        self.assertTrue(seats[0].video_url)
        self.assertEqual(seats[0].video_url, seats[1].video_url, "the workshop's seats share its room")
        # no link for a booking that holds no time
        waiting = self.book_directly(
            self.type_workshop, slot, self.env["res.partner"].create({"name": "Liste d'attente"})
        )
        self.assertEqual(waiting.state, "waiting")
        self.assertFalse(waiting.video_url)
        seats[0].action_cancel()
        self.assertFalse(seats[0].video_url)

    def test_an_on_site_booking_has_no_video_link(self):
        self.type_individual.location_format = "on_site"
        self.env.invalidate_all()
        self.assertFalse(self.booking.video_url)
        self.assertFalse(self.booking.action_open_video())
        _response, doc = self.get_doc(self.manage_url(self.booking))
        self.assertFalse(doc.xpath("//a[hasclass('o_az_booking_video')]"))
