from . import main
from . import portal
from . import verify
from . import qr
from . import portal_phones
