"""Time zones as people say them: "Paris", "La Réunion", not "Europe/Paris".

Pure Python, no Odoo import. The public pages say "All times are Paris time" rather than
showing an IANA name that most people have never read.
"""

# Zones whose last part is not how people in France name the place.
PLACE_NAMES = {
    "Indian/Reunion": "La Réunion",
    "Indian/Mayotte": "Mayotte",
    "Pacific/Noumea": "Nouméa",
    "Pacific/Tahiti": "Tahiti",
    "Pacific/Wallis": "Wallis-et-Futuna",
    "America/Cayenne": "Cayenne",
    "America/Guadeloupe": "Guadeloupe",
    "America/Martinique": "Martinique",
    "America/Miquelon": "Saint-Pierre-et-Miquelon",
    "America/St_Barthelemy": "Saint-Barthélemy",
    "America/Marigot": "Saint-Martin",
}


def place_of(tz_name):
    """The place a time zone is named after, as people say it (``"UTC"`` stays ``"UTC"``)."""
    tz_name = tz_name or "UTC"
    if tz_name in PLACE_NAMES:
        return PLACE_NAMES[tz_name]
    return tz_name.rsplit("/", 1)[-1].replace("_", " ") or tz_name
