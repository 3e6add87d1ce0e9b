from . import az_booking_type
from . import az_booking
