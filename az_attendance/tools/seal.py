"""Tamper-evident seal of an attendance sheet.

Each line is reduced to a canonical text (sorted-key JSON of its proof fields, including the
SHA-256 of its signature image rather than the image itself), then chained:
``hash_n = sha256(hash_{n-1} + canonical_n)``. Changing any line, or its order, changes every
following hash, so recomputing the chain names the first altered line and the lines whose
stored content no longer matches.

This module imports nothing from Odoo on purpose.
"""

import hashlib
import json
import re
from datetime import date, datetime

GENESIS = "0" * 64
# Version of the seal written by this code. Hashes of version 1 (before the field lists were
# declared on the models) are stored as bare hex digests; later versions as ``$<version>$<hex>``
# so that a sheet is always checked with the field list it was sealed with.
SEAL_VERSION = 4
_HASH_RE = re.compile(r"(?:\$([1-9][0-9]{0,2})\$)?([0-9a-f]{64})")


def image_digest(data):
    """SHA-256 hex digest of a signature image (raw bytes), or "" when there is none."""
    if not data:
        return ""
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


def canonical(values):
    """Canonical serialisation of a line: JSON with sorted keys, no spaces, UTF-8 kept.

    ``values`` must hold only JSON-serialisable scalars (str, int, float, bool, None);
    datetimes are expected already formatted as strings by the caller.
    """
    for key, value in values.items():
        if not isinstance(value, (str, int, float, bool, type(None))):
            raise TypeError(f"Field {key!r} is not a scalar: {type(value).__name__}")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(previous_hash, canonical_text):
    """Hash of a line chained to the previous one."""
    return hashlib.sha256((previous_hash + canonical_text).encode("utf-8")).hexdigest()


def compute_chain(canonicals, start=GENESIS):
    """Return the list of (previous_hash, hash) for canonical texts taken in order."""
    result = []
    previous = start
    for text in canonicals:
        current = chain_hash(previous, text)
        result.append((previous, current))
        previous = current
    return result


def final_seal(canonicals, start=GENESIS):
    """The seal of a whole sheet: the hash of its last line (``start`` when empty)."""
    chain = compute_chain(canonicals, start)
    return chain[-1][1] if chain else start


def verify_chain(canonicals, stored_hashes, stored_seal=None, start=GENESIS):
    """Recompute the chain and compare it with what was stored.

    Returns the sorted list of indexes of the lines whose recomputed hash differs from the
    stored one, computed each from the *stored* previous hash, so that one altered line is
    named alone and does not drag every following line with it. A missing or extra line is
    reported too: indexes beyond the shorter list are all reported. When ``stored_seal`` is
    given and does not match the recomputed seal, and no line is named, index -1 is returned
    to say the seal itself was altered.
    """
    broken = []
    count = max(len(canonicals), len(stored_hashes))
    for index in range(count):
        if index >= len(canonicals) or index >= len(stored_hashes):
            broken.append(index)
            continue
        previous = stored_hashes[index - 1] if index else start
        if chain_hash(previous, canonicals[index]) != stored_hashes[index]:
            broken.append(index)
    if stored_seal is not None and not broken:
        if final_seal(canonicals, start) != stored_seal:
            broken.append(-1)
    return broken


def format_hash(version, digest):
    """Stored form of a hash: bare hex for version 1, ``$<version>$<hex>`` afterwards."""
    return digest if version == 1 else f"${version}${digest}"


def parse_hash(value):
    """``(version, hex digest)`` of a stored hash, or ``(None, None)`` when it is not one."""
    match = _HASH_RE.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return None, None
    return int(match.group(1) or 1), match.group(2)


def versioned_hash(version, previous, canonical_text):
    """Hash of a record chained to ``previous`` (a stored hash), in its stored form."""
    return format_hash(version, chain_hash(previous or "", canonical_text))


def scalar(kind, value):
    """The value of a field as the seal reads it, whatever read it (the ORM or SQL).

    ``kind`` is the Odoo field type. Empty values are all ``None``; floats are written with
    4 decimals (so that a float read back from the database gives the same text); relations
    count by id (many2many: sorted ids joined by commas); dates in ISO form."""
    if kind == "boolean":
        return bool(value)
    if value is None or value is False or value == "":
        return None
    if kind in ("many2many", "one2many"):
        ids = sorted(int(v) for v in value)
        return ",".join(str(i) for i in ids) or None
    if kind in ("many2one", "integer"):
        return int(value)
    if kind in ("float", "monetary"):
        return f"{float(value):.4f}"
    if kind == "datetime":
        if not isinstance(value, datetime):
            raise TypeError(f"not a datetime: {value!r}")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if kind == "date":
        if not isinstance(value, date):
            raise TypeError(f"not a date: {value!r}")
        return value.isoformat()
    if kind in ("char", "text", "selection", "html"):
        return str(value)
    raise TypeError(f"The seal cannot cover a field of type {kind}")


def record_canonical(version, model, record_id, kinds, values):
    """Canonical text of one record for a seal of ``version`` (2 and later).

    ``kinds`` maps each sealed field to its type, ``values`` each field to its raw value."""
    data = {name: scalar(kind, values.get(name)) for name, kind in kinds.items()}
    data.update({"_model": model, "_id": record_id, "_v": version})
    return canonical(data)


def compare_manifest(sealed, current):
    """Compare the ids a seal recorded (in order) with the ids found now (in order).

    Returns ``(missing, added, reordered)``: ids sealed and gone, ids found and never sealed,
    and whether the ids present in both appear in another order."""
    sealed_set, current_set = set(sealed), set(current)
    missing = [i for i in sealed if i not in current_set]
    added = [i for i in current if i not in sealed_set]
    kept_sealed = [i for i in sealed if i in current_set]
    kept_current = [i for i in current if i in sealed_set]
    return missing, added, kept_sealed != kept_current


def manifest_text(entries):
    """Canonical text of the list of what a seal covers: [(id, ...scalars), ...]."""
    return json.dumps([list(entry) for entry in entries], separators=(",", ":"), ensure_ascii=False)


def parse_manifest(text):
    """The list stored by :func:`manifest_text`, or None when it is not readable."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(data, list) or not all(isinstance(e, list) and e for e in data):
        return None
    return data


def seal_to_url(value):
    """A stored seal as printed in the verify address: ``2-<hex>`` (``<hex>`` for version 1)."""
    version, digest = parse_hash(value)
    if not digest:
        return ""
    return digest if version == 1 else f"{version}-{digest}"


def seal_from_url(value):
    """The stored form of a seal read from a verify address, or None when it is not one."""
    if not isinstance(value, str) or len(value) > 80:
        return None
    version, sep, digest = value.strip().lower().rpartition("-")
    stored = f"${version}${digest}" if sep else digest
    parsed_version, parsed = parse_hash(stored)
    if not parsed or (sep and parsed_version == 1):
        return None
    return stored
