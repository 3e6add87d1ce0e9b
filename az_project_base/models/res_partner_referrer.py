from odoo import api, fields, models


class ResPartnerReferrer(models.Model):
    """A referring organisation (France Travail, Mission Locale, a social service, another
    association): a contact whose referents, portal users of its own contacts invited by
    staff, book for the people they refer."""

    _inherit = "res.partner"

    az_is_referrer = fields.Boolean(
        string="Referring organisation",
        index=True,
        help="An organisation whose referents (portal users of its contacts) book for the people they refer.",
    )
    az_referent_user_ids = fields.Many2many(
        "res.users",
        string="Referents",
        compute="_compute_az_referent_user_ids",
        help="Portal users of this organisation's contacts: they book for the people they refer.",
    )

    @api.depends("az_is_referrer", "child_ids.user_ids")
    def _compute_az_referent_user_ids(self):
        for partner in self:
            partner.az_referent_user_ids = (
                self.env["res.users"]
                .sudo()
                .search([("partner_id", "child_of", partner.id), ("share", "=", True)])
                if partner.az_is_referrer and partner.id
                else False
            )

    def _az_referrer_organisation(self):
        """The referring organisation this contact is a referent of (its company, flagged
        referring), else an empty recordset. Only a portal user's contact is a referent."""
        self.ensure_one()
        partner = self.sudo()
        organisation = partner.commercial_partner_id
        if organisation == partner or not organisation.az_is_referrer:
            return self.browse()
        if not partner.user_ids or not all(user.share for user in partner.user_ids):
            return self.browse()
        return organisation

    def action_az_invite_referents(self):
        """Odoo's portal access wizard on the organisation and its contacts: staff grant
        access to the contacts who will book, each receives Odoo's invitation."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("portal.partner_wizard_action")
        action["context"] = {"active_ids": self.ids, "active_model": "res.partner"}
        return action
