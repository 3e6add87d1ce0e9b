from odoo import models


class ResPartnerMerge(models.Model):
    """A contact merged into another while some records must keep it (a sealed attendance
    line, a certificate): archived, not deleted (see ``base.partner.merge.automatic.wizard``)."""

    _inherit = "res.partner"

    def unlink(self):
        if not self.env.context.get("az_partner_merge") or not self:
            return super().unlink()
        held = self.env["base.partner.merge.automatic.wizard"]._az_partners_still_held(self)
        if held:
            held.sudo().write({"active": False})
            for partner in held:
                partner.sudo().message_post(
                    body=self.env._(
                        "Merged into another contact; kept (archived) for the sealed records that name it."
                    )
                )
        return super(ResPartnerMerge, self - held).unlink()
