"""The funder's justification bundle: tables of hours and the ZIP with its manifest.

Pure Python, no Odoo import: the model gathers the rows and the files, this module writes
them. Every file of the ZIP is listed in its manifest with its SHA-256 and, for a sheet,
the seal it was validated with, so that an auditor can check each file on their own.
"""

import csv
import hashlib
import io
import zipfile
from collections import defaultdict

HOUR_KEYS = ("planned", "done", "excused", "funded")
MANIFEST = "manifest.csv"


def digest(data):
    return hashlib.sha256(data).hexdigest()


def summaries(rows):
    """Totals of ``rows`` (dicts with participant, session, date, month and the hour keys)
    per participant, per session and per month: {name: (header, rows)}."""
    tables = {}
    for name, keys in (
        ("participant", ("participant",)),
        ("session", ("session", "date")),
        ("month", ("month",)),
    ):
        totals = defaultdict(lambda: dict.fromkeys(HOUR_KEYS, 0.0))
        for row in rows:
            key = tuple(row[k] for k in keys)
            for hour_key in HOUR_KEYS:
                totals[key][hour_key] += row[hour_key]
        body = [list(key) + [round(totals[key][h], 2) for h in HOUR_KEYS] for key in sorted(totals)]
        tables[name] = (list(keys) + list(HOUR_KEYS), body)
    return tables


def csv_bytes(header, body, labels=None, decimal_point="."):
    """CSV of ``body`` under the ``labels`` of ``header``, as the spreadsheets of the
    language read it: with a decimal comma, columns are separated by semicolons."""
    stream = io.StringIO()
    delimiter = ";" if decimal_point == "," else ","
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([(labels or {}).get(h, h) for h in header])
    for row in body:
        writer.writerow([f"{v:.2f}".replace(".", decimal_point) if isinstance(v, float) else v for v in row])
    # with a byte order mark: spreadsheets then read the accents right
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def xlsx_bytes(tables, labels=None, sheet_names=None):
    import xlsxwriter

    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True})
    bold = book.add_format({"bold": True})
    for name, (header, body) in tables.items():
        sheet = book.add_worksheet(((sheet_names or {}).get(name) or name)[:31])
        sheet.write_row(0, 0, [(labels or {}).get(h, h) for h in header], bold)
        for index, row in enumerate(body, start=1):
            sheet.write_row(index, 0, row)
        sheet.set_column(0, len(header), 18)
    book.close()
    return stream.getvalue()


def build_zip(files, manifest_labels=None, manifest_name=MANIFEST, decimal_point="."):
    """ZIP of ``files`` with a manifest (``manifest_name``, in the ZIP's language) listing each
    file's path, size, SHA-256, seal and, for an archived original, the digest the ledger
    records for it and its ledger entry. A file is (path, bytes, seal or "") or (path, bytes,
    seal, original's SHA-256, ledger entry). Returns (zip bytes, manifest rows)."""
    manifest = []
    for path, data, seal, *original in files:
        original_sha256, ledger_entry = (list(original) + ["", ""])[:2]
        manifest.append(
            (path, len(data), digest(data), seal or "", original_sha256 or "", ledger_entry or "")
        )
    header = ["file", "bytes", "sha256", "seal", "original_sha256", "ledger_entry"]
    labels = manifest_labels or {}
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data, *_rest in files:
            archive.writestr(path, data)
        archive.writestr(manifest_name, csv_bytes(header, manifest, labels, decimal_point))
    return stream.getvalue(), manifest


def read_manifest_rows(zip_data, manifest_name=MANIFEST):
    """The manifest's rows (lists of text, the header first), read back from a bundle."""
    with zipfile.ZipFile(io.BytesIO(zip_data)) as archive:
        text = archive.read(manifest_name).decode("utf-8-sig")
    delimiter = ";" if ";" in text.partition("\n")[0] else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_manifest(zip_data, manifest_name=MANIFEST):
    """{path: (sha256, seal)} read back from a bundle's manifest (for checks)."""
    rows = read_manifest_rows(zip_data, manifest_name)
    return {row[0]: (row[2], row[3]) for row in rows[1:]}
