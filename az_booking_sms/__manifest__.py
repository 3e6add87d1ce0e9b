{
    "name": "AZ Appointments - SMS",
    "summary": "Booking confirmations, reminders and personal links by SMS for people without e-mail",
    "version": "18.0.1.2.0",
    "category": "Services/Project",
    "author": "AZ for Odoo",
    "website": "https://github.com/az-for-odoo/az-for-odoo",
    "license": "AGPL-3",
    "depends": ["az_booking", "sms"],
    "data": [
        "data/sms_template_data.xml",
        "views/az_booking_type_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
