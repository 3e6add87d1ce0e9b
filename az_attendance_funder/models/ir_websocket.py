from odoo import models

from .az_attendance_bundle import BUS_CHANNEL


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        """Staff hear the progress of the justification bundles of their companies."""
        channels = super()._build_bus_channel_list(channels)
        channels.extend(self._az_bundle_channels())
        return channels

    def _az_bundle_channels(self):
        """The bundle channels of the user: one per company they work in, staff only."""
        user = self.env.user
        if not (user and user._is_internal() and user.has_group("az_project_base.group_user")):
            return []
        return [(company, BUS_CHANNEL) for company in user.company_ids]
