from . import test_booking_attendance
from . import test_hostile_input
from . import test_query_counts
from . import test_accessibility_audit
from . import test_layout_audit
