from . import test_attendance_invoicing
from . import test_demo_company
