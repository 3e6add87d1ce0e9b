from . import main
from . import portal
from . import verify
from . import verify_file
