"""Record rules now load in a ``noupdate`` block: rules installed before are marked so too,
so that this update and the next ones keep what an administrator changed in them."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE ir_model_data SET noupdate = TRUE WHERE module = %s AND model = 'ir.rule'",
        ["az_project_base"],
    )
