from . import az_attendance_sign_wizard
from . import az_attendance_validate_wizard
from . import az_attendance_integrity_check
from . import base_partner_merge_automatic_wizard
