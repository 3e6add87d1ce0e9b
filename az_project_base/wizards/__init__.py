from . import az_site_area_import
