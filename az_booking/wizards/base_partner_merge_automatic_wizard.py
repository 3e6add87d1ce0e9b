from odoo import api, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging duplicate contacts: their bookings follow the contact kept. Two bookings of
    the same type at overlapping times would break the rule that a person holds one booking
    of a type at a time: the merge is then refused, naming them, and nothing is deleted."""

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _az_merge_columns(self):
        return super()._az_merge_columns() + [
            {
                "table": "az_booking",
                "column": "partner_id",
                "keep": None,
                "refused": self._az_bookings_overlap,
            }
        ]

    @api.model
    def _az_bookings_overlap(self, error, src_partners, dst_partner):
        self.env.cr.execute(
            """
            SELECT a.name, b.name
              FROM az_booking a
              JOIN az_booking b ON b.type_id = a.type_id AND b.id <> a.id
                               AND tsrange(b.start, b.stop) && tsrange(a.start, a.stop)
             WHERE a.partner_id IN %s AND b.partner_id = %s
               AND a.state IN ('waiting', 'requested', 'confirmed')
               AND b.state IN ('waiting', 'requested', 'confirmed')
             ORDER BY a.start
             LIMIT 3
            """,
            [tuple(src_partners.ids), dst_partner.id],
        )
        pairs = ", ".join(f"{a} / {b}" for a, b in self.env.cr.fetchall())
        return self.env._(
            "These contacts cannot be merged: they hold bookings of the same type at the same time "
            "(%(pairs)s), and one person holds one booking of a type at a time. Cancel or move one "
            "of them, then merge again.",
            pairs=pairs or "?",
        )
