from . import test_attendance_sms
