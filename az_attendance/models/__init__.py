from . import res_company
from . import az_attendance_session
from . import az_attendance_line
from . import az_attendance_amendment
from . import az_funding
from . import project_project
from . import az_attendance_invoice_entry
from . import az_attendance_sign_attempt
