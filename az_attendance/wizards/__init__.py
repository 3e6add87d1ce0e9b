from . import az_attendance_sign_wizard
from . import az_attendance_invoice_wizard
from . import az_attendance_validate_wizard
from . import az_attendance_certificate_wizard
