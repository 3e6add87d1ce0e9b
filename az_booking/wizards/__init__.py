from . import az_booking_cancel_wizard
from . import az_booking_book_wizard
