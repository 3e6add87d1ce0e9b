import hashlib

from odoo import http
from odoo.http import request

from ..tools import verify_original

# Largest file the page reads (bytes): an original of a long sheet is far below.
FILE_MAX_BYTES = 20 * 1024 * 1024


class AttendanceVerifyFileController(http.Controller):
    """The verify page takes a file: a person drops the PDF they were given, the page reads
    its SHA-256 and looks for it among the archived originals of the structure. A file that
    is not one is said so, and when it embeds the proof of a sheet, the page says what in it
    disagrees with the proof itself and with the company ledger."""

    def _render(self, values, status=200):
        values["help_text"] = request.env._(
            "Drop the file on the field or choose it; %(size)s MB at most.",
            size=FILE_MAX_BYTES // (1024 * 1024),
        )
        return request.render("az_attendance.public_verify_file", values, status=status)

    @http.route(
        "/attendance/verify/file",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def verify_file_form(self, **kwargs):
        return self._render({})

    @http.route(
        "/attendance/verify/file",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def verify_file(self, **kwargs):
        env = request.env
        upload = request.httprequest.files.get("file")
        data = upload.stream.read(FILE_MAX_BYTES + 1) if upload else b""
        if not data:
            return self._render({"error": env._("Choose the PDF file to check.")}, status=400)
        if len(data) > FILE_MAX_BYTES:
            return self._render(
                {
                    "error": env._(
                        "The file is larger than %(size)s MB.", size=FILE_MAX_BYTES // (1024 * 1024)
                    )
                },
                status=413,
            )
        if not data.lstrip()[:5] == b"%PDF-":
            return self._render({"error": env._("This file is not a PDF.")}, status=415)
        sha = hashlib.sha256(data).hexdigest()
        original = (
            env["az.attendance.original"].sudo().search([("sha256", "=", sha)], limit=1, order="id desc")
        )
        if original and original.attachment_id:
            return self._render(self._recognised_values(original, sha))
        values = {"sha256": sha, "unknown": True, "problems": [], "notes": []}
        if original:
            # a purged original: its digest is known, its signature images are gone
            values["purged_original"] = original
        proof, problems, notes = verify_original.verify(data)
        if proof is not None or ("unreadable", {}) in problems:
            # it embeds a proof (readable or not): say what in it disagrees
            values["has_proof"] = True
            values["problems"] = [self._problem_text(code, params) for code, params in problems]
            values["notes"] = [self._note_text(code, params) for code, params in notes]
        if proof is not None:
            values["problems"] += self._ledger_problems(proof)
            values["proof_label"] = env._(
                'It carries the proof of "%(name)s".',
                name=str((proof.get("document") or {}).get("name") or "")[:200],
            )
        return self._render(values)

    def _recognised_values(self, original, sha):
        env = request.env
        record = env[original.res_model].sudo().browse(original.res_id).exists()
        values = {"sha256": sha, "original": original, "document": record}
        if original.state != "current":
            values["verdict"] = env._(
                'This file is an original of "%(name)s", but not its latest version.', name=original.name
            )
        elif original.res_model == "az.attendance.session" and record:
            values["verdict"] = env._(
                'This file is the original of the sheet "%(name)s", sealed on %(date)s (%(zone)s) by %(person)s.',  # noqa: E501 - one sentence to translate
                name=original.name,
                date=record._format_local(record.validated_at),
                zone=record._tz_label(),
                person=record.validated_by_id.name or "-",
            )
        else:
            values["verdict"] = env._('This file is the original of "%(name)s".', name=original.name)
        values["recorded"] = env._(
            "Recorded in the register of %(company)s (entry no. %(sequence)s).",
            company=original.company_id.name,
            sequence=original.ledger_entry_id.sequence or "-",
        )
        return values

    def _ledger_problems(self, proof):
        """What the embedded proof says that the company ledger does not."""
        env = request.env
        seal = (proof.get("seal") or {}).get("value")
        entry = proof.get("ledger_entry") or {}
        if not isinstance(seal, str) or not seal:
            return []
        recorded = (
            env["az.attendance.ledger"].sudo().search([("value", "=", seal), ("kind", "=", "seal")], limit=1)
        )
        if not recorded:
            return [env._("No sheet sealed by this structure has the seal the file carries.")]
        problems = []
        if entry.get("hash") != recorded.hash:
            problems.append(
                env._("The ledger entry the file carries is not the one the company ledger holds.")
            )
        session = recorded.session_id
        if session and (session.amendment_head or session.seal) != (
            proof["seal"].get("amendment_head") or seal
        ):
            problems.append(
                env._(
                    "The sheet was amended since this file was made: the file does not show the "
                    "sheet as it is now."
                )
            )
        return problems

    def _problem_text(self, code, params):
        _ = request.env._
        texts = {
            "not_pdf": _("The file is not a readable PDF."),
            "no_proof": _("The PDF embeds no proof of an attendance sheet."),
            "unreadable": _("The proof embedded in the file is not readable."),
            "header": _("The sheet's details in the file do not give the hash its proof records."),
            "line": _("Line %(index)s of the file's proof does not give its recorded hash."),
            "link": _("Line %(index)s of the file's proof is not chained to the line before it."),
            "seal": _("The lines in the file's proof do not lead to its seal."),
            "amendment": _("Amendment %(index)s in the file's proof does not give its hash."),
            "amendment_head": _("The amendments in the file's proof do not lead to their recorded head."),
            "no_ledger": _("The file's proof holds no entry of the company ledger."),
            "ledger": _("The ledger entry in the file's proof was altered."),
            "ledger_value": _("The ledger entry in the file's proof records another seal."),
            "printed": _("The seal printed on the pages is not the seal of the file's proof."),
            "timestamp": _("The trusted timestamp in the file does not sign its seal."),
            "sheet_ledger": _(
                "Sheet %(index)s of the certificate in the file: its ledger entry does not record its seal."
            ),
            "sheet_printed": _("Sheet %(index)s of the certificate in the file: its seal is not printed."),
            "number": _("The certificate's number is not printed in the file."),
        }
        return texts.get(code, code) % {"index": params.get("index", "")}

    def _note_text(self, code, params):
        _ = request.env._
        if code == "withheld":
            return _(
                "%(count)s line(s) hold personal data under a seal before version 4: they are "
                "checked by their hashes only.",
                count=params.get("count", 0),
            )
        if code == "no_timestamp":
            return _("The file was made without a trusted timestamp.")
        return _(
            "The seal's date was certified by a time-stamping authority (%(at)s, UTC).",
            at=params.get("at", ""),
        )
