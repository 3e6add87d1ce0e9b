from . import test_attendance_funder
from . import test_attendance_funder_platform
from . import test_demo_story
