from . import base_partner_merge_automatic_wizard
from . import az_site_area_import
