from . import az_attendance_invoice_entry
