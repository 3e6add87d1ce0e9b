from . import az_attendance_certificate_wizard
