"""18.0.1.2.0: the record rules of the addon are loaded as ``noupdate`` data from now on.

Their identifiers were made by the former, updatable file: mark them ``noupdate`` before
the data is loaded, so that an update keeps a database's own changes to them, as it does on
a new installation. The exclusion constraints made by the former ``init`` have no
definition in their comment: Odoo replaces them by the ones of ``_sql_constraints`` during
this update, with the same names."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_model_data
           SET noupdate = TRUE
         WHERE module = 'az_booking' AND model = 'ir.rule' AND NOT noupdate
        """
    )
