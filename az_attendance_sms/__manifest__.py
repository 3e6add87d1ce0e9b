{
    "name": "AZ Attendance SMS",
    "summary": "Personal signing links of attendance sheets sent by SMS through Odoo's SMS module",
    "version": "18.0.1.2.0",
    "category": "Services/Project",
    "author": "AZ for Odoo",
    "website": "https://github.com/az-for-odoo/az-for-odoo",
    "license": "AGPL-3",
    "depends": ["az_attendance", "sms"],
    "data": [
        "data/sms_template_data.xml",
        "views/res_company_views.xml",
        "views/az_attendance_session_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
