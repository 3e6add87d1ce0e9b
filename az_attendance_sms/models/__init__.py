from . import res_company
from . import az_attendance_session
from . import az_attendance_line
from . import az_attendance_line_qr
from . import res_partner_device
