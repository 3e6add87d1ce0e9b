from odoo import models

from .az_attendance_bundle import BUS_CHANNEL


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        """Staff hear the progress of the justification bundles of their companies."""
        channels = super()._build_bus_channel_list(channels)
        user = self.env.user
        if user and user._is_internal() and user.has_group("az_project_base.group_user"):
            channels.extend((company, BUS_CHANNEL) for company in user.company_ids)
        return channels
