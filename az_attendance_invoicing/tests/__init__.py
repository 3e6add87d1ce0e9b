from . import test_attendance_invoicing
from . import test_invoicing_words
from . import test_portal_home
from . import test_demo_company
from . import test_invoicing_hours
