from odoo import api, fields, models
from odoo.exceptions import ValidationError

FUNDER_TYPES = [
    ("state", "State"),
    ("region", "Region"),
    ("department", "Département"),
    ("municipality", "Municipality"),
    ("france_travail", "France Travail"),
    ("opco", "OPCO"),
    ("eu", "European funds (ESF+)"),
    ("foundation", "Foundation"),
    ("company", "Company"),
    ("other", "Other"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    az_is_beneficiary = fields.Boolean(
        string="Beneficiary",
        index=True,
        help="A person the structure supports: books appointments, attends sessions.",
    )
    az_consent_date = fields.Date(
        string="Data processing consent",
        help="Date on which the person consented to the processing of their personal data.",
    )
    az_is_funder = fields.Boolean(
        string="Funder",
        index=True,
        help="An organisation that finances projects through fundings.",
    )
    az_funder_type = fields.Selection(FUNDER_TYPES, string="Funder type")
    az_funding_ids = fields.One2many("az.funding", "funder_id", string="Fundings")
    az_funding_count = fields.Integer(compute="_compute_az_funding_count")
    az_project_ids = fields.Many2many(
        "project.project",
        "az_project_beneficiary_rel",
        "partner_id",
        "project_id",
        string="Supported in projects",
    )
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

    @api.depends("az_funding_ids")
    def _compute_az_funding_count(self):
        counts = dict(
            self.env["az.funding"]._read_group([("funder_id", "in", self.ids)], ["funder_id"], ["__count"])
        )
        for partner in self:
            partner.az_funding_count = counts.get(partner._origin, 0)

    @api.constrains("az_consent_date")
    def _check_az_consent_date(self):
        today = fields.Date.context_today(self)
        for partner in self:
            if partner.az_consent_date and partner.az_consent_date > today:
                raise ValidationError(
                    self.env._("The consent date of %s cannot be in the future.", partner.display_name)
                )

    def action_view_az_fundings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("az_project_base.az_funding_action")
        action["domain"] = [("funder_id", "=", self.id)]
        action["context"] = {"default_funder_id": self.id}
        return action

    # ------------------------------------------------------------------------------------
    # Referring organisations: a contact whose referents, portal users of its own contacts
    # invited by staff, book for the people they refer
    # ------------------------------------------------------------------------------------
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

    # ------------------------------------------------------------------------------------
    # Odoo's merge of contacts: a merged contact still named by sealed records is archived
    # (see base.partner.merge.automatic.wizard)
    # ------------------------------------------------------------------------------------
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
        return super(ResPartner, self - held).unlink()
