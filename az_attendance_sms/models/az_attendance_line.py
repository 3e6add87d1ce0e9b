from odoo import api, fields, models

SMS_STATES = [
    ("ready", "Sending"),
    ("process", "Sending"),
    ("pending", "Sent"),
    ("sent", "Delivered"),
    ("bounce", "Not delivered"),
    ("exception", "Not delivered"),
    ("canceled", "Cancelled"),
]


class AzAttendanceLine(models.Model):
    _inherit = "az.attendance.line"

    az_sms_state = fields.Selection(
        SMS_STATES,
        string="SMS",
        compute="_compute_az_sms_state",
        help="Delivery of the last signing link sent by SMS to this person.",
    )
    az_sms_failure = fields.Char(string="SMS problem", compute="_compute_az_sms_state")

    @api.depends("session_id", "partner_id")
    def _compute_az_sms_state(self):
        # the SMS are posted on the session (one message per person), so that the line
        # itself stays a plain record; the state is that of the latest SMS to the person
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("notification_type", "=", "sms"),
                    ("mail_message_id.model", "=", "az.attendance.session"),
                    ("mail_message_id.res_id", "in", self.session_id.ids),
                    ("res_partner_id", "in", self.partner_id.ids),
                ],
                order="id desc",
            )
        )
        latest = {}
        for notification in notifications:
            key = (notification.mail_message_id.res_id, notification.res_partner_id.id)
            latest.setdefault(key, notification)
        labels = dict(self.env["mail.notification"]._fields["failure_type"]._description_selection(self.env))
        for line in self:
            notification = latest.get((line.session_id.id, line.partner_id.id))
            line.az_sms_state = notification.notification_status if notification else False
            line.az_sms_failure = (
                labels.get(notification.failure_type) if notification and notification.failure_type else False
            )

    def _az_sms_number(self):
        """The person's mobile (or phone) number in international format, or False when it
        cannot be read as a phone number."""
        self.ensure_one()
        partner = self.partner_id
        for field in ("mobile", "phone"):
            if partner[field]:
                number = partner._phone_format(fname=field, force_format="E164", raise_exception=False)
                if number:
                    return number
        return False

    def _send_remote_sms(self):
        """Text each line's personal signing link through Odoo's SMS path, by its job right
        after the commit (an
        sms.template rendered in the person's language, posted on the session). Returns the
        lines texted; the others are named in the session's chatter."""
        template = self.env.ref("az_attendance_sms.sms_template_remote_sign")
        sent = self.browse()
        for line in self:
            number = line._az_sms_number()
            if not number:
                continue
            body = template._render_field("body", line.ids, compute_lang=True)[line.id]
            # queued, then sent by Odoo's SMS job right after this transaction commits: the
            # request never waits on the SMS provider
            line.session_id._message_sms(
                body,
                partner_ids=line.partner_id.ids,
                sms_pid_to_number={line.partner_id.id: number},
                put_in_queue=True,
            )
            sent |= line
        if sent:
            self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        for session in self.session_id:
            mine = self.filtered(lambda ln, s=session: ln.session_id == s)
            wrong = mine - sent
            if wrong:
                session.message_post(
                    body=self.env._(
                        "No SMS for %(names)s: the phone number cannot be read.",
                        names=", ".join(wrong.mapped("partner_name")),
                    )
                )
        return sent
