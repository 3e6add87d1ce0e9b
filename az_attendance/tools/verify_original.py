"""Offline check of an archived original (the PDF/A of a sealed attendance sheet).

Needs nothing but Python 3 and a PDF library (``pypdf``, or ``PyPDF2`` as Odoo installs it):

    python3 az_attendance/tools/verify_original.py SHEET.pdf [--json]

The original embeds ``az-attendance-proof.json``: the sealed content (each text the seal's
chain hashes), the seal, the seal's entry of the company ledger and the RFC 3161 token of the
seal. The command recomputes the chain from that content, checks that it ends on the seal,
that the ledger entry records that seal and hashes to itself, that the seal printed on the
pages is that seal, and that the timestamp token's message imprint is the seal's digest (the
authority's signature over the token can be checked with ``openssl ts -verify``). It prints
what it checked and exits with 0 when everything agrees, 1 otherwise, 2 when the file holds
no readable proof.

This module imports nothing from Odoo on purpose.
"""

import hashlib
import io
import json
import re
import sys
import zlib

try:  # as a module of the addon
    from . import seal as sealer
except ImportError:  # as a script: python3 az_attendance/tools/verify_original.py
    import seal as sealer

PROOF_NAME = "az-attendance-proof.json"
PROOF_FORMAT = "az-attendance-original/1"
# Largest proof read from a PDF (bytes): a sheet of a few hundred lines is far below.
PROOF_MAX = 8 * 1024 * 1024
# What the pages of an original may hold at most, decoded (bytes), and their number: a file
# beyond is not read further (a compressed stream cannot make the check run out of memory).
PAGES_MAX_BYTES = 64 * 1024 * 1024
PAGES_MAX = 500

MESSAGES = {
    "not_pdf": "The file is not a readable PDF.",
    "no_proof": "The PDF embeds no proof of an attendance sheet.",
    "unreadable": "The embedded proof is not readable.",
    "header": "The sheet's header does not give the hash the proof records.",
    "line": "Line {index}: its content does not give its recorded hash.",
    "link": "Line {index}: it is not chained to the line before it.",
    "seal": "The chain of the lines does not end on the seal.",
    "amendment": "Amendment {index}: its content or its chaining does not give its hash.",
    "amendment_head": "The chain of the amendments does not end on the recorded head.",
    "no_ledger": "The proof holds no ledger entry.",
    "ledger": "The ledger entry does not give its own hash: it was altered.",
    "ledger_value": "The ledger entry records another seal than the proof's.",
    "printed": "The seal printed on the pages is not the seal of the proof.",
    "timestamp": "The trusted timestamp does not sign this seal.",
    "sheet_ledger": "Sheet {index} of the certificate: its ledger entry records another seal or was altered.",
    "sheet_printed": "Sheet {index} of the certificate: its seal is not printed on the pages.",
    "number": "The certificate's number is not printed on the pages.",
}
NOTES = {
    "withheld": "{count} line(s) sealed with personal values (seal before version 4): checked by hash only.",
    "no_timestamp": "The original was made without a trusted timestamp.",
    "timestamped": "Trusted timestamp of the seal: {at} (UTC).",
}


def _pdf_library():
    try:
        import pypdf as library  # noqa: PLC0415 - the library the reader has
    except ImportError:
        import PyPDF2 as library  # noqa: PLC0415
    return library


def read_pdf(data):
    """The reader of ``data``, or None when it is not a readable PDF."""
    if not isinstance(data, bytes) or not data.lstrip()[:5] == b"%PDF-":
        return None
    try:
        reader = _pdf_library().PdfReader(io.BytesIO(data), strict=False)
        return reader if reader.trailer["/Root"] is not None else None
    except Exception:  # noqa: BLE001 - any broken or hostile file is "not readable"
        return None


def _decoded(stream, budget):
    """The decoded bytes of a PDF stream, at most ``budget`` of them (ValueError beyond);
    only the plain and Flate encodings are read."""
    raw = getattr(stream, "_data", b"") or b""
    encoding = stream.get("/Filter")
    if isinstance(encoding, list) and len(encoding) == 1:
        encoding = encoding[0]
    if encoding is None:
        data = bytes(raw)
    elif encoding == "/FlateDecode" and not stream.get("/DecodeParms"):
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(bytes(raw), budget + 1)
        except zlib.error as error:
            raise ValueError("broken stream") from error
    else:
        raise ValueError("encoding not read")
    if len(data) > budget:
        raise ValueError("stream too large")
    return data


def embedded_proof(reader):
    """The embedded proof (dict), None when there is none; ValueError when unreadable."""
    try:
        names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    except Exception:  # noqa: BLE001 - no embedded files
        return None
    try:
        found = [index for index in range(0, len(names) - 1, 2) if str(names[index]) == PROOF_NAME]
        if len(found) > 1:
            raise ValueError("more than one proof")
        for index in found:
            stream = names[index + 1].get_object()["/EF"]["/F"].get_object()
            data = _decoded(stream, PROOF_MAX)
            proof = json.loads(data.decode("utf-8"))
            if not isinstance(proof, dict) or proof.get("format") != PROOF_FORMAT:
                raise ValueError("not a proof")
            return proof
    except ValueError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged attachment
        raise ValueError(str(error)) from error
    return None


def page_text(reader):
    """The text of the pages, without any white space (a seal may be broken over lines)."""
    try:
        if len(reader.pages) > PAGES_MAX:
            return ""
        budget = PAGES_MAX_BYTES
        for page in reader.pages:
            contents = page.get("/Contents")
            contents = contents.get_object() if contents is not None else []
            for stream in contents if isinstance(contents, list) else [contents]:
                budget -= len(_decoded(stream.get_object(), budget))
        text = "".join(page.extract_text() or "" for page in reader.pages)
    except Exception:  # noqa: BLE001 - an unreadable or oversized page
        return ""
    return re.sub(r"\s+", "", text)


def _der(data, pos=0):
    """(tag, content, next position) of the DER element at ``pos``."""
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated DER")
    return tag, data[pos : pos + length], pos + length


def _der_children(data):
    pos, children = 0, []
    while pos < len(data):
        tag, content, pos = _der(data, pos)
        children.append((tag, content))
    return children


def timestamp_imprint(token):
    """(hashed message, generation time text) of an RFC 3161 token (DER), read by hand."""
    _tag, content_info, _end = _der(token)
    signed_data = _der(_der_children(content_info)[1][1])[1]
    encap = _der_children(signed_data)[2][1]
    e_content = _der(_der_children(encap)[1][1])[1]
    tst_info = _der_children(_der(e_content)[1])
    imprint = _der_children(tst_info[2][1])
    return imprint[1][1], tst_info[4][1].decode("ascii", "replace")


def _hash(version, previous, text):
    return sealer.versioned_hash(version, previous, text)


def _check_chain(seal, problems, notes):
    version = seal.get("version")
    if not isinstance(version, int) or version < 1:
        problems.append(("unreadable", {}))
        return
    if _hash(version, sealer.GENESIS, seal["header"]) != seal["header_hash"]:
        problems.append(("header", {}))
    previous, withheld = seal["header_hash"], 0
    for index, line in enumerate(seal["lines"], start=1):
        if line["previous_hash"] != previous:
            problems.append(("link", {"index": index}))
        if line.get("content") is None:
            withheld += 1
        elif _hash(version, line["previous_hash"], line["content"]) != line["hash"]:
            problems.append(("line", {"index": index}))
        previous = line["hash"]
    if previous != seal["value"]:
        problems.append(("seal", {}))
    if withheld:
        notes.append(("withheld", {"count": withheld}))
    previous = seal["value"]
    for index, amendment in enumerate(seal.get("amendments") or [], start=1):
        amendment_version = sealer.parse_hash(amendment.get("hash"))[0]
        if (
            amendment["previous_hash"] != previous
            or amendment.get("content") is None
            or _hash(amendment_version, previous, amendment["content"]) != amendment["hash"]
        ):
            problems.append(("amendment", {"index": index}))
        previous = amendment["hash"]
    if previous != (seal.get("amendment_head") or seal["value"]):
        problems.append(("amendment_head", {}))


def _check_ledger(proof, problems):
    seal, entry = proof["seal"], proof.get("ledger_entry")
    if not entry:
        problems.append(("no_ledger", {}))
        return
    if _hash(entry["version"], entry["previous_hash"], entry["content"]) != entry["hash"]:
        problems.append(("ledger", {}))
    if json.loads(entry["content"]).get("value") != seal["value"]:
        problems.append(("ledger_value", {}))


def _check_timestamp(proof, problems, notes):
    stamp = proof.get("timestamp") or {}
    if not stamp.get("token"):
        notes.append(("no_timestamp", {}))
        return
    import base64  # noqa: PLC0415

    try:
        digest, at = timestamp_imprint(base64.b64decode(stamp["token"]))
    except (ValueError, IndexError, TypeError):
        problems.append(("timestamp", {}))
        return
    if digest != hashlib.sha256(proof["seal"]["value"].encode("utf-8")).digest():
        problems.append(("timestamp", {}))
    else:
        notes.append(("timestamped", {"at": at}))


def _check_certificate(proof, text, problems):
    """A certificate rests on sealed sheets: each sheet's seal, recorded by a ledger entry
    that hashes to itself, printed on the certificate."""
    sheets, entries = proof["sheets"], proof["ledger_entries"]
    if len(sheets) != len(entries):
        problems.append(("unreadable", {}))
        return
    for index, (sheet, entry) in enumerate(zip(sheets, entries, strict=True), start=1):
        if (
            not entry
            or _hash(entry["version"], entry["previous_hash"], entry["content"]) != entry["hash"]
            or json.loads(entry["content"]).get("value") != sheet["seal"]
        ):
            problems.append(("sheet_ledger", {"index": index}))
        digest = sealer.parse_hash(sheet["seal"])[1]
        if not digest or digest not in text:
            problems.append(("sheet_printed", {"index": index}))
    number = re.sub(r"\s+", "", str(proof["document"]["name"]))
    if not number or number not in text:
        problems.append(("number", {}))


def verify(data):
    """Check a PDF (bytes). Returns ``(proof or None, problems, notes)``: each problem and
    note a (code, parameters) pair, see MESSAGES and NOTES."""
    reader = read_pdf(data)
    if reader is None:
        return None, [("not_pdf", {})], []
    try:
        proof = embedded_proof(reader)
    except ValueError:
        return None, [("unreadable", {})], []
    if proof is None:
        return None, [("no_proof", {})], []
    problems, notes = [], []
    if proof.get("kind") == "certificate":
        try:
            _check_certificate(proof, page_text(reader), problems)
        except (KeyError, TypeError, ValueError, AttributeError):
            return proof, [("unreadable", {})], notes
        return proof, problems, notes
    try:
        _check_chain(proof["seal"], problems, notes)
        _check_ledger(proof, problems)
        _check_timestamp(proof, problems, notes)
        digest = sealer.parse_hash(proof["seal"]["value"])[1]
    except (KeyError, TypeError, ValueError, AttributeError):
        return proof, [("unreadable", {})], notes
    if not digest or digest not in page_text(reader):
        problems.append(("printed", {}))
    return proof, problems, notes


def _say(text):
    sys.stdout.write(f"{text}\n")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    paths = [a for a in argv if not a.startswith("--")]
    if len(paths) != 1:
        _say(__doc__.strip().splitlines()[0])
        _say("usage: python3 verify_original.py SHEET.pdf [--json]")
        return 2
    with open(paths[0], "rb") as handle:
        data = handle.read()
    proof, problems, notes = verify(data)
    if "--json" in argv:
        _say(json.dumps({"problems": problems, "notes": notes}, indent=1))
    else:
        _say(f"SHA-256 of the file: {hashlib.sha256(data).hexdigest()}")
        if proof:
            document = proof.get("document") or {}
            seal = (proof.get("seal") or {}).get("value") or "-"
            _say(f"Document: {document.get('name')} ({document.get('company')}), seal {seal}")
        for code, params in notes:
            _say("note: " + NOTES[code].format(**params))
        for code, params in problems:
            _say("FAILED: " + MESSAGES[code].format(**params))
        if not problems:
            _say("OK: the embedded content gives the seal, the ledger entry records it, the pages print it.")
    if proof is None:
        return 2
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
