{
    "name": "AZ Attendance Invoicing",
    "summary": "Validated attendance invoiced per funder: draft invoices and credit notes from the "
    "verified sheets, never twice",
    "version": "18.0.1.0.0",
    "category": "Services/Project",
    "author": "AZ for Odoo",
    "website": "https://github.com/az-for-odoo/az-for-odoo",
    "license": "AGPL-3",
    "depends": ["az_attendance_funder", "account"],
    "data": [
        "security/az_attendance_invoicing_groups.xml",
        "security/ir.model.access.csv",
        "security/az_attendance_invoicing_security.xml",
        "wizards/az_attendance_invoice_wizard_views.xml",
        "views/az_attendance_invoice_entry_views.xml",
    ],
    "assets": {
        "web.assets_frontend": ["az_attendance_invoicing/static/src/js/portal_home_counters.js"],
    },
    "auto_install": True,
    "installable": True,
}
