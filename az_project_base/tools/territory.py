"""Addresses and the areas a site serves: normalisation and matching.

Plain Python on purpose (no Odoo import, no network): a typed address or postcode is read
into a postcode, an INSEE commune code, a commune name and a street name, each folded into
a key (lower case, no accents, no punctuation, common abbreviations written out), so that
"12 bd St-Michel, 75005 PARIS" and "Boulevard Saint Michel 75005 Paris" give the same keys.

An area is a postcode, a commune (INSEE code and/or name) or a street of a commune. The most
precise area that matches an address wins over a wider one: street > commune > postcode.
"""

import re
import unicodedata
from typing import NamedTuple

# Precision of a match: the higher, the more precise.
NONE, POSTCODE, COMMUNE, STREET = 0, 1, 2, 3

# Abbreviations of French street names and communes, written out (keys are folded words).
ABBREVIATIONS = {
    "all": "allee",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "boul": "boulevard",
    "bvd": "boulevard",
    "ch": "chemin",
    "che": "chemin",
    "chem": "chemin",
    "crs": "cours",
    "fbg": "faubourg",
    "fg": "faubourg",
    "imp": "impasse",
    "lot": "lotissement",
    "pl": "place",
    "pte": "porte",
    "qu": "quai",
    "r": "rue",
    "res": "residence",
    "rte": "route",
    "sq": "square",
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
}
# What may follow a house number: "12 bis", "12b", "3 ter".
_NUMBER_SUFFIXES = {"b", "bis", "t", "ter", "q", "quater", "a", "c", "d"}
_POSTCODE = re.compile(r"(?<![0-9A-Za-z])(\d{5}|\d{2} \d{3})(?![0-9A-Za-z])")
_INSEE = re.compile(r"^(\d{5}|2[ABab]\d{3})$")
_CEDEX = re.compile(r"\bcedex\b.*$")
_HOUSE_NUMBER = re.compile(r"^\d+(?:[a-z]|bis|ter|quater)?$")


class Address(NamedTuple):
    """A typed address read into keys; any part may be empty ("")."""

    postcode: str = ""
    insee: str = ""
    city: str = ""
    street: str = ""

    def __bool__(self):
        return any(self)


class Area(NamedTuple):
    """An area served, as the matching needs it (keys already folded)."""

    key: object  # what the caller wants back (a record id, a site id...)
    postcode: str = ""
    insee: str = ""
    city: str = ""
    street: str = ""

    @property
    def kind(self):
        if self.street:
            return STREET
        if self.insee or self.city:
            return COMMUNE
        return POSTCODE


def fold(text):
    """Lower case, accents removed, every run of punctuation or hyphens one space."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _expand(words):
    return [ABBREVIATIONS.get(word, word) for word in words]


def city_key(text):
    """The key of a commune's name: "St-Étienne CEDEX 2" -> "saint etienne"."""
    folded = _CEDEX.sub("", fold(text)).strip()
    return " ".join(_expand(folded.split()))


def street_key(text):
    """The key of a street, without its house number: "12 bis Bd St-Michel" ->
    "boulevard saint michel"."""
    words = fold(text).split()
    while words and _HOUSE_NUMBER.match(words[0]):
        words.pop(0)
        if words and words[0] in _NUMBER_SUFFIXES and len(words) > 1:
            words.pop(0)
    return " ".join(_expand(words))


def postcode_key(text):
    """A French postcode as 5 digits ("75 005" -> "75005"), or "" when it is not one."""
    digits = re.sub(r"\s+", "", text or "")
    return digits if re.fullmatch(r"\d{5}", digits) else ""


def insee_key(text):
    """An INSEE commune code (5 digits, or 2A/2B and 3 digits for Corsica), upper case, or ""."""
    code = (text or "").strip().upper()
    return code if _INSEE.match(code) else ""


def parse_address(text):
    """Read what a person typed into an ``Address``.

    - "75005" -> postcode only (a lone code of 5 digits is read as a postcode, and as an
      INSEE code too since both have 5 digits); "2A004" -> INSEE code;
    - "12 bd St-Michel, 75005 Paris" -> street, postcode and commune;
    - "12 rue de la Paix, Lyon" -> street and commune (the last part after a comma);
    - "Lyon" -> commune only.
    """
    text = " ".join((text or "").split())[:300]
    if not text:
        return Address()
    lone = text.replace(" ", "")
    if insee_key(lone) and not lone.isdigit():
        return Address(insee=insee_key(lone))
    if postcode_key(text) and len(lone) == 5:
        return Address(postcode=lone, insee=lone)
    # the last code of the text is the postcode (a house number has fewer digits)
    match = ([None] + list(_POSTCODE.finditer(text)))[-1]
    if match:
        postcode = match.group(1).replace(" ", "")
        before = text[: match.start()].strip(" ,;")
        after = text[match.end() :].strip(" ,;")
        city = after or (before.rsplit(",", 1)[1] if "," in before and not after else "")
        street = before.rsplit(",", 1)[0] if city and not after else before
        return Address(postcode=postcode, city=city_key(city), street=street_key(street))
    parts = [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
    if len(parts) >= 2:
        return Address(city=city_key(parts[-1]), street=street_key(" ".join(parts[:-1])))
    if re.search(r"\d", text):  # "12 rue X" without a commune: a street only
        return Address(street=street_key(text))
    return Address(city=city_key(text))


def match_level(address, area):
    """How precisely ``area`` serves ``address`` (NONE, POSTCODE, COMMUNE or STREET).

    An area is matched only on what the address says: a street area needs the address's
    street when it has one, a commune area its commune. An address given by its postcode
    alone matches every area of that postcode, at the postcode's precision.
    """
    same_postcode = bool(address.postcode) and address.postcode == area.postcode
    same_commune = bool(
        (address.insee and area.insee and address.insee == area.insee)
        or (address.city and area.city and address.city == area.city)
    )
    # a commune named in both, with postcodes that disagree, is another commune of that name
    if (
        same_commune
        and address.postcode
        and area.postcode
        and not same_postcode
        and not (address.insee and address.insee == area.insee)
    ):
        same_commune = False
    kind = area.kind
    if kind == STREET and address.street:
        in_commune = same_commune or (same_postcode and not (address.city and area.city))
        return STREET if in_commune and address.street == area.street else NONE
    if kind in (STREET, COMMUNE) and not address.street and not address.city and same_postcode:
        return POSTCODE  # a postcode alone: every area of it, none more precise
    if kind == COMMUNE:
        return COMMUNE if same_commune else NONE
    if kind == POSTCODE:
        return POSTCODE if same_postcode else NONE
    return NONE


def best_areas(address, areas):
    """``(level, keys)``: the most precise level at which ``areas`` serve ``address``, and
    the keys of the areas matched at that level (in the order given)."""
    best, keys = NONE, []
    for area in areas:
        level = match_level(address, area)
        if level > best:
            best, keys = level, [area.key]
        elif level == best and level:
            keys.append(area.key)
    return best, keys
