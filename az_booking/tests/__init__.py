from . import test_availability
from . import test_booking
from . import test_waiting_list
from . import test_access
from . import test_concurrency
from . import test_portal_controllers
from . import test_portal_accessibility
from . import test_portal_reminders
