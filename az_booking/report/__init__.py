from . import az_booking_referral_report
