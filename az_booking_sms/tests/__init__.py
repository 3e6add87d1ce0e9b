from . import test_booking_sms
