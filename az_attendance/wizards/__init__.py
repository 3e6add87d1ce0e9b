from . import az_attendance_sign_wizard
