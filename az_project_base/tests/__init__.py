from . import test_funding
from . import test_access
from . import test_ui
from . import test_row_lock
from . import test_company_lang
