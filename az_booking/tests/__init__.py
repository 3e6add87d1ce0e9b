from . import test_availability
