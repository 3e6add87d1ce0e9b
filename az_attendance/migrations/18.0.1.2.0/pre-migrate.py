"""18.0.1.2.0: record rules in a ``noupdate`` block; the grant report read as a query.

Rules installed before are marked ``noupdate`` too, so that this update and the next ones
keep what an administrator changed in them. The grant report is no longer a database view
(the ORM reads its ``_table_query``): the old view is dropped."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE ir_model_data SET noupdate = TRUE WHERE module = %s AND model = 'ir.rule'",
        ["az_attendance"],
    )
    cr.execute("DROP VIEW IF EXISTS az_grant_report")
