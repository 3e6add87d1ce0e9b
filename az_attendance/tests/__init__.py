from . import test_attendance_session
from . import test_attendance_seal_lock
from . import test_attendance_report
from . import test_attendance_controllers
from . import test_attendance_tours
from . import test_attendance_invoicing
from . import test_attendance_badge
from . import test_attendance_signing
