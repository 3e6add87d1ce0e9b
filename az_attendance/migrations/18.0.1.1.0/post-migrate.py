"""18.0.1.1.0: versioned seal and company ledger of sealed sheets.

Sheets sealed before keep their hashes (bare digests, read as version 1) and verify with the
field list of version 1. Nothing is sealed again: the sheets, their amendments and their purges
are only recorded, in the order they were validated, in their company's new ledger."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["az.attendance.ledger"]._register_existing_sheets()
