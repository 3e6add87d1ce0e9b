from . import test_funding
from . import test_access
from . import test_ui
