from . import test_availability
from . import test_booking
from . import test_waiting_list
from . import test_access
