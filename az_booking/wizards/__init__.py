from . import az_booking_cancel_wizard
from . import az_booking_book_wizard
from . import az_booking_book_wizard_line
from . import az_booking_series_mixin
from . import az_booking_occurrence_cancel_wizard
from . import az_booking_occurrence_wizard
from . import az_booking_series_wizard
from . import base_partner_merge_automatic_wizard
