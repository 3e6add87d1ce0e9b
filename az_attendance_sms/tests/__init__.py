from . import test_attendance_sms
from . import test_template_migration
from . import test_attendance_reminder_sms
from . import test_attendance_sms_rotating_qr
