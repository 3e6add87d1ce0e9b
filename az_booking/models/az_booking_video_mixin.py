from odoo import fields, models
from odoo.tools import hmac as tools_hmac

# The route of Odoo's calendar that opens an event's Discuss meeting room to a guest
# (calendar/controllers/main.py: the event is found by its access token).
DISCUSS_ROUTE = "/calendar/join_videocall/"
# The placeholder of a type's own video link: each booking's (or workshop occurrence's)
# reference, an unguessable code that says nothing of the type.
VIDEO_REF = "{ref}"


class AzBookingVideoMixin(models.AbstractModel):
    """The meeting link of a record of a video type: an appointment has its own room, a
    seat the room of its workshop occurrence. The link carries only a code derived from the
    record (a keyed hash, nothing stored), never the type's name: it is sent by e-mail and
    SMS and written in calendar files. With Discuss, the link is the calendar event's
    invitation (its access token), which opens the room to the person as a guest."""

    _name = "az.booking.video.mixin"
    _description = "Meeting link of a video booking or workshop occurrence"

    video_url = fields.Char(
        string="Video link",
        compute="_compute_video_url",
        help="The meeting link of this appointment, sent to the person with their messages.",
    )

    video_note = fields.Char(
        string="Video link in an SMS",
        compute="_compute_video_url",
        help="The meeting link as the SMS to the person says it (empty without one).",
    )

    def _compute_video_url(self):
        for record in self:
            url = record._get_video_url()
            record.video_url = url
            if url and record._name == "az.booking":
                env = record.with_context(lang=record._recipient_lang()).env
                record.video_note = " " + env._("Video call: %s", url)
            else:
                record.video_note = False

    def _video_room(self):
        """The record whose meeting room this one uses: a seat's occurrence, else itself."""
        self.ensure_one()
        return self.occurrence_id if "occurrence_id" in self._fields and self.occurrence_id else self

    def _video_token(self):
        self.ensure_one()
        room = self._video_room()
        return tools_hmac(self.env(su=True), "az_booking_video", (room._name, room.id))[:32]

    def _get_video_url(self):
        """The meeting link, or False: not a video type, not saved yet, or a booking that
        holds no time (waiting list, cancelled, over)."""
        self.ensure_one()
        record = self.sudo()
        booking_type = record.type_id
        if not record.id or booking_type.location_format != "video":
            return False
        if record._name == "az.booking" and record.state not in ("requested", "confirmed", "done"):
            return False
        if booking_type.video_source == "link":
            template = booking_type.video_link_template or ""
            return template.replace(VIDEO_REF, record._video_token()) if VIDEO_REF in template else False
        return record.get_base_url() + DISCUSS_ROUTE + record._video_token()

    def _video_event_values(self):
        """What the calendar event of a video record holds: the Discuss room's link and the
        token that opens it."""
        self.ensure_one()
        if self.type_id.location_format != "video" or self.type_id.video_source != "discuss":
            return {}
        token = self._video_token()
        return {"access_token": token, "videocall_location": self.get_base_url() + DISCUSS_ROUTE + token}

    def _calendar_event_values(self):
        values = super()._calendar_event_values()
        values.update(self._video_event_values())
        return values

    def _calendar_event_create_values(self, values):
        values = super()._calendar_event_create_values(values)
        values.update(self._video_event_values())
        return values

    def action_open_video(self):
        """Staff join the meeting from the booking (or occurrence) form."""
        self.ensure_one()
        url = self._get_video_url()
        if not url:
            return False
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}
