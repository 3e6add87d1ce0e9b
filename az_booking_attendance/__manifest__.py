{
    "name": "AZ Booking ⇄ Attendance",
    "summary": "Bookings become attendance lines; validated sheets close the bookings",
    "version": "18.0.1.0.0",
    "category": "Services/Project",
    "author": "AZ for Odoo",
    "website": "https://github.com/az-for-odoo/az-for-odoo",
    "license": "AGPL-3",
    "depends": ["az_booking", "az_attendance"],
    "data": [
        "data/ir_cron_data.xml",
        "views/az_booking_views.xml",
        "views/az_attendance_session_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
