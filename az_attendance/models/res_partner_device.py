from odoo import fields, models
from odoo.exceptions import UserError


class ResPartnerDevice(models.Model):
    """The phones recognised as a person's, on the contact: listed, revoked, and a "this phone
    is mine" link sent by e-mail (or SMS, with the SMS add-on)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited  # one concern a file

    az_device_ids = fields.One2many(
        "az.attendance.device", "partner_id", string="Recognised phones", groups="az_project_base.group_user"
    )

    def action_az_send_device_link(self):
        self.ensure_one()
        channels = self._az_send_device_link()
        if not channels:
            raise UserError(self.env._("This person has no e-mail address (nor mobile) to send the link to."))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("Link sent %(channels)s.", channels=", ".join(channels)),
                "type": "success",
            },
        }

    def _az_device_link_url(self):
        token = self.env["az.attendance.device"]._make_link(self)
        return f"{self.get_base_url()}/attendance/device/{token}"

    def _az_send_device_link(self):
        """Send a one-time "this phone is mine" link; return the channels' words. The SMS
        add-on adds its channel."""
        self.ensure_one()
        if not self.email:
            return []
        template = self.env.ref("az_attendance.mail_template_device_link")
        template.sudo().with_context(az_device_url=self._az_device_link_url()).send_mail(self.id)
        return [self.env._("by e-mail")]
