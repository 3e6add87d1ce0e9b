from . import az_row_lock_mixin
from . import az_site
from . import az_funding
from . import res_partner
from . import project_project
from . import res_company
from . import az_site_area
from . import az_site_territory
