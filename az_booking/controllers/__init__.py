from . import main
from . import portal
from . import earlier
from . import referral
from . import territory
