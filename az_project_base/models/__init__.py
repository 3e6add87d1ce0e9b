from . import az_site
from . import az_funding
from . import res_partner
from . import project_project
