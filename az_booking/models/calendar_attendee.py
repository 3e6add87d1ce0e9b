from odoo import models


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def _send_invitation_emails(self):
        """No invitation when the caller asked for none (``no_mail_to_attendees``, as the
        bookings' calendar events are written): the mail template is not even looked up."""
        if self.env.context.get("no_mail_to_attendees"):
            return
        super()._send_invitation_emails()
