from . import test_attendance_funder
from . import test_attendance_funder_platform
