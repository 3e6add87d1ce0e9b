from . import test_attendance_invoicing
