from . import az_attendance_certificate_wizard
from . import base_partner_merge_automatic_wizard
