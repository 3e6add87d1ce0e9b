from . import main
from . import portal
from . import verify
from . import qr
from . import portal_phones
from . import verify_file
