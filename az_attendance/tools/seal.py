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

GENESIS = "0" * 64


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
