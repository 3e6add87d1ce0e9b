from odoo import api, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging duplicate contacts: certificates keep the person they were issued to (the
    merged contact is then archived, not deleted); enrolments follow the contact kept,
    unless both contacts are enrolled in the same action, which refuses the merge."""

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _az_merge_columns(self):
        return super()._az_merge_columns() + [
            {
                "table": "az_attendance_certificate",
                "column": "partner_id",
                "keep": "TRUE",
                "refused": self._az_enrolled_twice,
            },
            {
                "table": "az_attendance_enrolment",
                "column": "partner_id",
                "keep": None,
                "refused": self._az_enrolled_twice,
            },
        ]

    @api.model
    def _az_enrolled_twice(self, error, src_partners, dst_partner):
        return self.env._(
            "These contacts cannot be merged: they are both enrolled in the same action, and a "
            "person is enrolled once per action. Remove one of the two enrolments, then merge again."
        )
