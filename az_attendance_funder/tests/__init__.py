from . import test_attendance_funder
from . import test_attendance_funder_platform
from . import test_certificate_concurrency
from . import test_funder_words
from . import test_demo_story
from . import test_bundle_originals
from . import test_funder_partner_merge
from . import test_certificate_original
