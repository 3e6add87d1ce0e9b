from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .az_booking_video_mixin import VIDEO_REF


class AzBookingTypeVideo(models.Model):
    """Where the video calls of a type whose format is video take place: an Odoo Discuss
    meeting room per appointment (the calendar's own video call, open to guests through its
    link), or the structure's own video service from a link template."""

    _inherit = "az.booking.type"  # pylint: disable=consider-merging-classes-inherited  # one concern a file

    video_source = fields.Selection(
        [("discuss", "Odoo Discuss meeting room"), ("link", "Our own video link")],
        string="Video service",
        default="discuss",
        required=True,
        help="Each booking of a video type gets its own meeting link: a Discuss room of this "
        "database, or a link made from the template below.",
    )
    video_link_template = fields.Char(
        string="Video link template",
        help="An https address containing {ref}, replaced for each appointment (or workshop "
        "occurrence) by a code of its own, e.g. https://visio.example.org/rdv-{ref}. Never put "
        "the type's name in it: the link is sent by e-mail and SMS.",
    )

    @api.constrains("location_format", "video_source", "video_link_template")
    def _check_video_link_template(self):
        for booking_type in self:
            if booking_type.location_format != "video" or booking_type.video_source != "link":
                continue
            template = booking_type.video_link_template or ""
            if not template.startswith("https://") or VIDEO_REF not in template or " " in template:
                raise ValidationError(
                    self.env._(
                        "The video link template of %s must be an https address containing {ref}.",
                        booking_type.name,
                    )
                )
