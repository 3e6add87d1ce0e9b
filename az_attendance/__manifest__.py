{
    "name": "AZ Attendance",
    "summary": "Attendance sheets signed on site (kiosk, QR code) and remotely, sealed and "
    "verifiable, with PDF sheets for funders' auditors",
    "version": "18.0.1.0.0",
    "category": "Services/Project",
    "author": "AZ for Odoo",
    "website": "https://github.com/az-for-odoo/az-for-odoo",
    "license": "AGPL-3",
    "depends": ["az_project_base", "account", "portal", "website"],
    "external_dependencies": {"python": ["qrcode"]},
    "data": [
        "security/az_attendance_security.xml",
        "security/ir.model.access.csv",
        "security/az_attendance_accounting_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "report/az_attendance_report.xml",
        "report/az_attendance_templates.xml",
        "views/az_attendance_session_views.xml",
        "views/az_attendance_line_views.xml",
        "views/az_attendance_amendment_views.xml",
        "views/project_project_views.xml",
        "views/res_company_views.xml",
        "views/az_attendance_public_templates.xml",
        "wizards/az_attendance_sign_wizard_views.xml",
        "views/az_attendance_menus.xml",
        "views/az_attendance_accounting_views.xml",
    ],
    "demo": ["demo/az_attendance_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "az_attendance/static/src/kiosk/*",
        ],
        "web.assets_frontend": [
            "az_attendance/static/src/public/*",
        ],
        "web.assets_tests": [
            "az_attendance/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
}
