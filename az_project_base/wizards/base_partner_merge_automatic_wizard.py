import psycopg2

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's merge of duplicate contacts, for the records our addons hold about a person.

    Odoo moves every reference to the merged contacts with one UPDATE per column and, when
    the database refuses it (a unique or exclusion constraint), deletes the rows instead.
    The columns our addons declare (``_az_merge_columns``) are moved here, before: a refusal
    stops the whole merge with a clear message and deletes nothing; rows that must keep the
    person they sealed stay with the merged contact, which is then archived rather than
    deleted."""

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _az_merge_columns(self):
        """The references to a contact our addons move themselves: a list of dicts with
        ``table`` and ``column``, ``keep`` (an SQL condition on the row, alias-free, true
        for the rows that keep their contact; or None) and ``refused`` (a function of the
        database error, the merged contacts and the contact kept, giving the message shown
        when the move is refused). Extended by
        each addon."""
        return []

    def _get_fk_on(self, table):
        relations = super()._get_fk_on(table)
        if table != "res_partner":
            return relations
        ours = {(spec["table"], spec["column"]) for spec in self._az_merge_columns()}
        return [relation for relation in relations if tuple(relation) not in ours]

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        self.env.flush_all()
        for spec in self._az_merge_columns():
            condition = SQL("%s IN %s", SQL.identifier(spec["column"]), tuple(src_partners.ids))
            if spec.get("keep"):
                condition = SQL("%s AND NOT (%s)", condition, SQL(spec["keep"]))
            try:
                # the refusal is expected and answered below: not an error of the server
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        SQL(
                            "UPDATE %s SET %s = %s WHERE %s",
                            SQL.identifier(spec["table"]),
                            SQL.identifier(spec["column"]),
                            dst_partner.id,
                            condition,
                        )
                    )
            except psycopg2.IntegrityError as error:
                raise UserError(spec["refused"](error, src_partners, dst_partner)) from None
        self.env.invalidate_all()
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # the merged contacts still held by kept rows are archived, not deleted
        # (res.partner.unlink reads this key)
        return super(BasePartnerMergeAutomaticWizard, self.with_context(az_partner_merge=True))._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )

    @api.model
    def _az_partners_still_held(self, partners):
        """The contacts among ``partners`` that rows of our declared columns still hold."""
        held = set()
        for spec in self._az_merge_columns():
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT %s FROM %s WHERE %s IN %s",
                    SQL.identifier(spec["column"]),
                    SQL.identifier(spec["table"]),
                    SQL.identifier(spec["column"]),
                    tuple(partners.ids),
                )
            )
            held.update(row[0] for row in self.env.cr.fetchall())
        return partners.browse(sorted(held))
