from odoo import api, fields, models


class AzBookingCalendarMixin(models.AbstractModel):
    """The staff member's calendar event of a record that holds their time (a booking, a
    workshop occurrence): created when the record holds time, moved with it, brought back when
    it holds time again, archived when it no longer does. Written without mails or
    notifications to the attendees: the booking's own messages tell people about their
    appointment.

    A model using it gives ``_calendar_event_name``, ``_calendar_event_partners`` and
    ``_calendar_event_wanted``; it has ``start``, ``stop``, ``user_id``, ``site_id`` and
    ``type_id`` (the booking type, whose sensitivity makes the event private)."""

    _name = "az.booking.calendar.mixin"
    _description = "Calendar event of a booking or a workshop occurrence"

    event_id = fields.Many2one(
        "calendar.event", string="Calendar event", copy=False, readonly=True, index="btree_not_null"
    )

    @api.model
    def _quiet_calendar_events(self):
        """calendar.event, written without mails or notifications: no invitation to the
        attendees, who attend without following it (``az_booking_event``), no "event
        created" log, no notice of the meeting activity Odoo adds to the record for the
        staff member (the event in their calendar is the notice)."""
        return (
            self.env["calendar.event"]
            .sudo()
            .with_context(
                no_mail_to_attendees=True,
                dont_notify=True,
                mail_create_nosubscribe=True,
                mail_create_nolog=True,
                mail_auto_subscribe_no_notify=True,
                mail_activity_quick_update=True,
                az_booking_event=True,
            )
        )

    def _calendar_event_name(self):
        """The title of the event in the staff member's calendar."""
        raise NotImplementedError

    def _calendar_event_partners(self):
        """The attendees of the event (res.partner)."""
        raise NotImplementedError

    def _calendar_event_wanted(self):
        """Whether the record holds time now (its event active) or not (archived)."""
        raise NotImplementedError

    def _calendar_event_values(self):
        """Values of the event: busy time of the staff member, private for sensitive types,
        at the record's site."""
        self.ensure_one()
        return {
            "name": self._calendar_event_name(),
            "start": self.start,
            "stop": self.stop,
            "user_id": self.user_id.id,
            "partner_ids": [fields.Command.set(self._calendar_event_partners().ids)],
            "show_as": "busy",
            "privacy": "private" if self.type_id.is_sensitive else "confidential",
            "location": self.site_id.address_line() if self.site_id else False,
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
        }

    def _sync_calendar_event(self):
        """Put each record's event in line with it, or archive it."""
        events = self._quiet_calendar_events()
        for record in self.sudo():
            if not record._calendar_event_wanted():
                events.browse(record.event_id.filtered("active").ids).active = False
                continue
            values = record._calendar_event_values()
            if not record.event_id:
                record._link_calendar_event(events.create(record._calendar_event_create_values(values)))
                continue
            event = events.browse(record.event_id.id)
            event.write(dict(values, active=True) if not event.active else values)

    def _calendar_event_create_values(self, values):
        """Values of a new event: those of ``_calendar_event_values``, with what Odoo would
        otherwise look up, or compute and write again after the insert: no video call, the
        dates of an event that is not all-day, the attendees under their names, and the
        staff member's meeting activity on the record (the to-do beside the event in their
        calendar)."""
        Event = self.env["calendar.event"]
        partners = self._calendar_event_partners()
        values = dict(
            values,
            videocall_location=False,
            res_model=self._name,
            duration=Event._get_duration(self.start, self.stop),
            start_date=False,
            stop_date=False,
            attendee_ids=[
                fields.Command.create(
                    {"partner_id": partner.id, "common_name": partner.name, "email": partner.email}
                )
                for partner in partners
            ],
        )
        activity_type_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "mail.mail_activity_data_meeting", raise_if_not_found=False
        )
        if "activity_ids" in self._fields and activity_type_id and self.user_id:
            values["activity_ids"] = [
                fields.Command.create(
                    {
                        "res_model_id": values["res_model_id"],
                        "res_model": self._name,
                        "res_id": self.id,
                        "res_name": self.display_name,
                        "activity_type_id": activity_type_id,
                        "summary": values["name"],
                        "date_deadline": Event._get_activity_deadline_from_start(self.start, False),
                        "date_done": False,
                        "user_id": self.user_id.id,
                        "user_tz": self.user_id.tz,
                    }
                )
            ]
        return values

    def _link_calendar_event(self, event):
        """Record the new event on the record; a model whose writes check more overrides it
        to write only the link."""
        self.ensure_one()
        self.event_id = event
