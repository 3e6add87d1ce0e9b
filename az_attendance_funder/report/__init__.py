from . import az_grant_report
