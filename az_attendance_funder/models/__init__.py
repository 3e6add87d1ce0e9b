from . import az_funding
from . import project_project
from . import res_company
from . import az_attendance_enrolment
from . import az_attendance_certificate
from . import az_attendance_bundle
from . import ir_websocket
from . import az_attendance_certificate_original
