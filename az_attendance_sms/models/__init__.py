from . import res_company
from . import az_attendance_session
from . import az_attendance_line
