from . import az_attendance_invoice_wizard
