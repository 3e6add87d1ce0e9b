from . import test_booking_attendance
