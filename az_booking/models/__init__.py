from . import az_booking_type
from . import az_booking_question
from . import az_booking_slot
from . import az_booking
from . import az_booking_answer
from . import project_project
from . import az_booking_portal
from . import az_booking_series
