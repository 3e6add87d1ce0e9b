from . import az_booking
from . import az_attendance_session
from . import az_booking_occurrence
