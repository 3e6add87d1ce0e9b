import base64
import binascii
import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import territory

# Column names accepted in the file's first line (French or English), per field.
COLUMNS = {
    "postcode": ("postcode", "zip", "code postal", "code_postal", "cp"),
    "insee_code": ("insee", "insee_code", "code insee", "code_insee", "code commune", "code_commune"),
    "city": ("city", "commune", "ville", "nom commune", "nom_commune"),
    "street": ("street", "rue", "voie", "nom voie", "nom_voie", "adresse"),
}
MAX_LINES = 50000


class AzSiteAreaImport(models.TransientModel):
    """Staff import the areas a site serves from a CSV file: one area per line, with
    columns postcode, INSEE code, commune and street (any of them, French or English
    names). Every line is checked first; one wrong line and nothing is written, and each
    wrong line is named with its number."""

    _name = "az.site.area.import"
    _description = "Import the areas a site serves"

    site_id = fields.Many2one("az.site", required=True, ondelete="cascade")
    file = fields.Binary(string="CSV file", required=True)
    filename = fields.Char()
    replace = fields.Boolean(
        string="Replace the site's areas",
        help="Remove the areas the site serves today before adding those of the file.",
    )

    def action_import(self):
        self.ensure_one()
        rows = self._read_rows()
        Area = self.env["az.site.area"]
        existing = set()
        if not self.replace:
            existing = {self._row_key({f: area[f] for f in COLUMNS}) for area in self.site_id.area_ids}
        errors, values, seen = [], [], set(existing)
        for number, row in rows:
            error = Area._get_values_error(row)
            if error:
                errors.append(self.env._("Line %(number)s: %(error)s", number=number, error=error))
                continue
            key = self._row_key(row)
            if key in seen:
                continue  # the same area twice: kept once
            seen.add(key)
            values.append(dict(row, site_id=self.site_id.id))
        if errors:
            shown = errors[:30]
            if len(errors) > len(shown):
                shown.append(self.env._("... and %s more lines.", len(errors) - len(shown)))
            raise UserError(
                self.env._("Nothing was imported. Correct these lines and import the file again:")
                + "\n"
                + "\n".join(shown)
            )
        if self.replace:
            self.site_id.area_ids.unlink()
        Area.create(values)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s areas imported for %(site)s.", count=len(values), site=self.site_id.name
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _row_key(self, values):
        """What makes two areas the same one, whatever the spelling."""
        return (
            territory.postcode_key(values.get("postcode") or ""),
            territory.insee_key(values.get("insee_code") or ""),
            territory.city_key(values.get("city") or ""),
            territory.street_key(values.get("street") or ""),
        )

    def _read_rows(self):
        """The file's lines as ``(line number, values)``; a file that cannot be read as
        CSV with a known header is refused as a whole."""
        _ = self.env._
        try:
            raw = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(_("The file could not be read.")) from error
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # spreadsheets saved on Windows
        if "\0" in text:
            raise UserError(_("This file is not a CSV text file."))
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = next(reader, None) or []
        names = [" ".join(h.strip().lower().split()) for h in header]
        positions = {}
        for field, aliases in COLUMNS.items():
            for index, name in enumerate(names):
                if name in aliases:
                    positions[field] = index
                    break
        if not positions:
            raise UserError(
                _(
                    "The first line of the file must name its columns: postcode, insee, city, "
                    "street (or code_postal, code_insee, commune, voie)."
                )
            )
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_LINES:
                raise UserError(_("The file has more than %s lines: split it.", MAX_LINES))
            rows.append(
                (
                    number,
                    {
                        field: cells[index].strip()[:200] if index < len(cells) else ""
                        for field, index in positions.items()
                    },
                )
            )
        if not rows:
            raise UserError(_("The file has no area."))
        return rows
