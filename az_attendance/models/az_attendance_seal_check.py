"""Verification of sealed attendance sheets, one sheet or thousands at a time.

Everything is read by SQL in a few queries per batch of sheets, so that a change made behind
the ORM's back is seen, and so that the company-wide integrity check stays fast. Each problem
is a sentence that names what changed: the sheet's header, a line by the person's name, an
amendment, a file, the ledger or the paper.
"""

import base64
import hashlib
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import format_datetime

from ..tools import seal as sealer
from ..tools import timestamp as tsa

BATCH = 500
FILE_FIELDS = {
    "az.attendance.line": ("signature", "justification"),
    "az.attendance.session": ("trainer_signature", "paper_sheet"),
}


class SealCheck:
    def __init__(self, env, check_files=True):
        self.env = env
        self.cr = env.cr
        self.check_files = check_files
        self._ = env._

    def run(self, ids, paper_seals=None):
        result = {}
        ids = list(ids)
        for start in range(0, len(ids), BATCH):
            result.update(self._run_batch(ids[start : start + BATCH], paper_seals or {}))
        return result

    # ------------------------------------------------------------------ reading
    def _fetch(self, query, params):
        self.cr.execute(query, params)
        return self.cr.fetchall()

    def _read(self, ids):
        self.sessions = {
            row[0]: row
            for row in self._fetch(
                "SELECT id, name, state, seal, header_hash, seal_manifest, amendment_head, "
                "trainer_signature_sha256, paper_sheet_sha256 FROM az_attendance_session "
                "WHERE id = ANY(%s)",
                [ids],
            )
        }
        self.ledger = defaultdict(list)
        for row in self._fetch(
            "SELECT l.session_ref, l.kind, l.value, l.res_ref, l.label, l.timestamped_at, "
            "l.sequence, l.timestamp_token, c.az_tsa_certificate, l.manifest "
            "FROM az_attendance_ledger l JOIN res_company c ON c.id = l.company_id "
            "WHERE l.session_ref = ANY(%s) ORDER BY l.sequence",
            [ids],
        ):
            self.ledger[row[0]].append(row)
        self.lines = defaultdict(list)
        for row in self._fetch(
            "SELECT id, session_id, hash, previous_hash, seal_sequence, partner_name, "
            "signature_sha256, justification_sha256, signature_purged FROM az_attendance_line "
            "WHERE session_id = ANY(%s) ORDER BY seal_sequence, id",
            [ids],
        ):
            self.lines[row[1]].append(row)
        self.amendments = defaultdict(list)
        for row in self._fetch(
            "SELECT id, session_id, hash, previous_hash, line_id, old_value, new_value "
            "FROM az_attendance_amendment WHERE session_id = ANY(%s) ORDER BY id",
            [ids],
        ):
            self.amendments[row[1]].append(row)

    def _read_files(self, ids):
        """{(model, field, id): sha256 of the content} of the sealed files that exist."""
        files = {}
        if not self.check_files:
            self.files = None
            return
        line_ids = [line[0] for sid in ids for line in self.lines[sid]]
        rows = self._fetch(
            "SELECT res_model, res_field, res_id, store_fname, db_datas FROM ir_attachment "
            "WHERE (res_model = 'az.attendance.line' AND res_id = ANY(%s) "
            "       AND res_field IN ('signature', 'justification')) "
            "   OR (res_model = 'az.attendance.session' AND res_id = ANY(%s) "
            "       AND res_field IN ('trainer_signature', 'paper_sheet'))",
            [line_ids, ids],
        )
        Attachment = self.env["ir.attachment"].sudo()
        for model, field, res_id, store_fname, db_datas in rows:
            if store_fname:
                try:
                    data = Attachment._file_read(store_fname)
                except OSError:
                    data = b""
            else:
                data = bytes(db_datas or b"")
            files[(model, field, res_id)] = hashlib.sha256(data).hexdigest() if data else ""
        self.files = files

    def _canonicals(self, ids):
        """Canonical texts of the sheets, lines and amendments, each in its own version."""
        Session = self.env["az.attendance.session"]
        by_version = defaultdict(list)
        for sid in ids:
            by_version[self._version(sid)].append(sid)
        self.texts = {}
        v1 = by_version.pop(1, [])
        if v1:
            self.env.invalidate_all()
            for session in Session.sudo().browse(v1):
                self.texts[("s", session.id)] = session._seal_values_v1()
                for line in session.line_ids:
                    self.texts[("l", line.id)] = line._seal_values_v1()
        for version, sids in by_version.items():
            for sid, text in Session.browse(sids)._seal_canonicals(version).items():
                self.texts[("s", sid)] = text
            line_ids = [line[0] for sid in sids for line in self.lines[sid]]
            for lid, text in (
                self.env["az.attendance.line"].browse(line_ids)._seal_canonicals(version).items()
            ):
                self.texts[("l", lid)] = text
        amendments_by_version = defaultdict(list)
        for sid in ids:
            for amendment in self.amendments[sid]:
                amendments_by_version[sealer.parse_hash(amendment[2])[0] or 0].append(amendment)
        for version, rows in amendments_by_version.items():
            if version == 1:
                Amendment = self.env["az.attendance.amendment"].sudo()
                for row in rows:
                    self.texts[("a", row[0])] = Amendment.browse(row[0])._seal_values_v1(row[5], row[6])
            elif version:
                texts = (
                    self.env["az.attendance.amendment"]
                    .browse([row[0] for row in rows])
                    ._seal_canonicals(version)
                )
                for aid, text in texts.items():
                    self.texts[("a", aid)] = text

    def _version(self, sid):
        """The version the sheet was sealed under: as the company ledger recorded it (its
        entries are chained), else as the header's hash says, else as the seal says. A seal
        whose version prefix was edited is then named alone, not every line of the sheet
        checked under another version's layout."""
        seals = [row for row in self.ledger[sid] if row[1] == "seal"]
        session = self.sessions.get(sid)
        candidates = [seals[0][2] if seals else None]
        if session:
            candidates += [session[4], session[3]]
        for value in candidates:
            version = sealer.parse_hash(value)[0]
            if version:
                return version
        return sealer.SEAL_VERSION

    # ------------------------------------------------------------------ checking
    def _run_batch(self, ids, paper_seals):
        self._read(ids)
        sealed = [sid for sid in ids if (sid in self.sessions and self.sessions[sid][3]) or self.ledger[sid]]
        present = [sid for sid in sealed if sid in self.sessions]
        self._read_files(present)
        self._canonicals(present)
        result = {}
        for sid in sealed:
            if sid not in self.sessions:
                result[sid] = [self._("The sheet was deleted from the database.")]
                continue
            result[sid] = self._check_session(sid, paper_seals.get(sid))
        return result

    def _check_session(self, sid, paper_seal):
        _ = self._
        (_id, _name, state, seal, header_hash, manifest_text, amendment_head, trainer_sha, paper_sha) = (
            self.sessions[sid]
        )
        problems = []
        version = self._version(sid)
        seal_entries = [row for row in self.ledger[sid] if row[1] == "seal"]
        purged = self._purge_holds(sid, seal, seal_entries)
        ledger_seal = seal_entries[-1][2] if seal_entries else None
        if len(seal_entries) > 1:
            problems.append(
                _(
                    "The company ledger records %(count)s seals of this sheet (entries %(entries)s): "
                    "it was reopened and sealed again after its first seal.",
                    count=len(seal_entries),
                    entries=", ".join(f"#{row[6]}" for row in seal_entries),
                )
            )
        if state != "validated":
            problems.append(_("The sheet was reopened after its seal (it is no longer validated)."))
        if not seal:
            problems.append(_("The sheet's seal was removed from the database."))
        names = {}
        ledger_manifest = seal_entries[-1][9] if seal_entries else None
        if version == 1 and not ledger_manifest:
            problems += self._check_chain_v1(sid, seal, header_hash, names)
        else:
            # a sheet of version 1 takes the list of its sealed lines from the ledger
            problems += self._check_chain(
                sid, version, seal, header_hash, manifest_text if version > 1 else ledger_manifest, names
            )
        problems += self._check_files(sid, trainer_sha, paper_sha, purged, names)
        problems += self._check_amendments(sid, seal, amendment_head, version, names)
        if not ledger_seal:
            problems.append(_("The company ledger has no record of this sheet's seal."))
        elif seal and ledger_seal != seal:
            problems.append(
                _(
                    "The seal stored with the sheet differs from the one recorded in the company "
                    "ledger: the sheet was changed in the database after it was sealed."
                )
            )
        if paper_seal:
            problems += self._check_paper(paper_seal, seal, ledger_seal)
        problems += self._check_timestamps(sid, seal)
        return problems

    def _purge_holds(self, sid, seal, seal_entries):
        """Whether the GDPR purge excuses the sheet's missing images: the ledger records a
        purge of this seal after the seal, the sheet's own purge record says so, and its
        retention period, counted from its sealed date, is really past. An entry written
        into the ledger by hand (even with a well-computed hash) excuses nothing else."""
        sealed_at = max((row[6] for row in seal_entries), default=None)
        if sealed_at is None or not any(
            row[1] == "purge" and row[6] > sealed_at and row[2] == seal for row in self.ledger[sid]
        ):
            return False
        session = self.env["az.attendance.session"].sudo().browse(sid)
        self.cr.execute("SELECT signatures_purged FROM az_attendance_session WHERE id = %s", [sid])
        row = self.cr.fetchone()
        if not (row and row[0]):
            return False
        today = fields.Date.context_today(session)
        return session._sealed_date() < today - relativedelta(years=session._retention_years())

    def _check_timestamps(self, sid, seal):
        """Each trusted timestamp must sign what the sheet holds now: its seal, and each
        amendment's hash."""
        _ = self._
        problems = []
        hashes = {row[0]: row[2] for row in self.amendments[sid]}
        for entry in self.ledger[sid]:
            kind, res_ref, when, token, pinned = entry[1], entry[3], entry[5], entry[7], entry[8]
            if not token or kind not in ("seal", "amendment"):
                continue
            current = seal if kind == "seal" else hashes.get(res_ref)
            try:
                tsa.check_token(
                    base64.b64decode(bytes(token)),
                    tsa.imprint(current or ""),
                    base64.b64decode(bytes(pinned)) if pinned else None,
                )
            except (tsa.TimestampError, ValueError):
                what = _("the sheet's seal") if kind == "seal" else (entry[4] or "")
                problems.append(
                    _(
                        "The trusted timestamp of %(date)s does not match %(what)s: it was "
                        "changed after it was timestamped.",
                        date=format_datetime(self.env, when) if when else "",
                        what=what,
                    )
                )
        return problems

    def _check_paper(self, paper_seal, seal, ledger_seal):
        _ = self._
        if paper_seal == seal == ledger_seal:
            return []
        if paper_seal == ledger_seal:
            return [
                _(
                    "The seal on the paper matches the company ledger but not the database: "
                    "the sheet was changed in the database after it was printed."
                )
            ]
        if paper_seal == seal:
            return [
                _(
                    "The seal on the paper matches the database but not the company ledger: "
                    "the sheet was sealed again in the database."
                )
            ]
        return [
            _(
                "The seal on the paper matches neither the database nor the company ledger: "
                "this paper is not the sheet that was sealed, or it was altered."
            )
        ]

    def _line_label(self, number, name):
        return self._("Line %(number)s: %(name)s", number=number, name=name)

    def _check_chain(self, sid, version, seal, header_hash, manifest_text, names):
        _ = self._
        problems = []
        header_ok = sealer.versioned_hash(version, sealer.GENESIS, self.texts[("s", sid)]) == header_hash
        if not header_ok:
            problems.append(
                _("Sheet header (title, date, times, place, trainers, fundings)")
                if version > 1
                else _("Sheet header (title, times, site, trainers)")
            )
        manifest = sealer.parse_manifest(manifest_text)
        lines = {row[0]: row for row in self.lines[sid]}
        order = [row[0] for row in self.lines[sid]]
        if manifest is None:
            problems.append(_("The list of sealed lines cannot be read."))
            for number, lid in enumerate(order, start=1):
                names[lid] = (number, lines[lid][5])
            return problems
        sealed_ids = [entry[0] for entry in manifest]
        for number, entry in enumerate(manifest, start=1):
            names[entry[0]] = (number, entry[2] if len(entry) > 2 else "")
        missing, added, reordered = sealer.compare_manifest(sealed_ids, order)
        for lid in missing:
            number, name = names[lid]
            problems.append(_("%(line)s was deleted.", line=self._line_label(number, name)))
        for lid in added:
            problems.append(_("%(name)s: line added after the seal (not sealed).", name=lines[lid][5] or ""))
            names[lid] = (0, lines[lid][5])
        if reordered:
            problems.append(_("The lines were reordered after the seal."))
        # a line is linked to the one before when it holds that line's stored hash or the
        # hash that line's content gives: a changed stored hash (or a changed content) of
        # one line then accuses that line alone, not the next, untouched one
        previous, chain_known = {header_hash}, True
        if not header_ok:
            previous.add(sealer.versioned_hash(version, sealer.GENESIS, self.texts[("s", sid)]))
        recomputed = header_hash
        for lid in sealed_ids:
            row = lines.get(lid)
            if not row:
                chain_known = False
                recomputed = None
                continue
            number, name = names[lid]
            stored, stored_previous = row[2], row[3]
            text = self.texts[("l", lid)]
            own = sealer.versioned_hash(version, stored_previous, text)
            intact = own == stored
            linked = not chain_known or stored_previous in previous
            if not (intact and linked):
                problems.append(self._line_label(number, name))
            previous, chain_known = {stored, own}, True
            if recomputed is not None:
                recomputed = sealer.versioned_hash(version, recomputed, text)
        if not problems and recomputed != seal:
            problems.append(_("The sheet's final seal"))
        return problems

    def _check_chain_v1(self, sid, seal, header_hash, names):
        _ = self._
        rows = sorted(self.lines[sid], key=lambda row: row[0])
        texts = [self.texts[("s", sid)]] + [self.texts[("l", row[0])] for row in rows]
        stored = [header_hash or ""] + [row[2] or "" for row in rows]
        labels = [_("Sheet header (title, times, site, trainers)")]
        for number, row in enumerate(rows, start=1):
            names[row[0]] = (number, row[5])
            labels.append(self._line_label(number, row[5]))
        problems = []
        for index in sealer.verify_chain(texts, stored, seal):
            if index == -1:
                problems.append(_("The sheet's final seal"))
            elif index < len(labels):
                problems.append(labels[index])
            else:
                problems.append(_("A sealed line is missing"))
        return problems

    def _check_files(self, sid, trainer_sha, paper_sha, purged, names):
        """Every file whose digest is sealed must be there with that digest; an image may be
        missing only after the GDPR purge, which the ledger records."""
        if self.files is None:
            return []
        _ = self._
        problems = []

        def check(key, digest, label, purgeable=True):
            if not digest:
                return
            found = self.files.get(key)
            if found is None:
                if not (purgeable and purged):
                    problems.append(_("%(what)s: the file is missing.", what=label))
            elif found != digest:
                problems.append(label)

        check(
            ("az.attendance.session", "trainer_signature", sid),
            trainer_sha,
            _("The trainer's signature image"),
        )
        check(
            ("az.attendance.session", "paper_sheet", sid),
            paper_sha,
            _("The scan of the paper sheet"),
            purgeable=False,
        )
        for row in self.lines[sid]:
            if row[0] not in names or not names[row[0]][0]:
                # a line added after the seal is named as added: its files prove nothing
                continue
            number, name = names[row[0]]
            check(
                ("az.attendance.line", "signature", row[0]),
                row[6],
                _("%(line)s (signature image)", line=self._line_label(number, name)),
                purgeable=bool(row[8]),
            )
            check(
                ("az.attendance.line", "justification", row[0]),
                row[7],
                _("%(line)s (justification)", line=self._line_label(number, name)),
                purgeable=bool(row[8]),
            )
        return problems

    def _check_amendments(self, sid, seal, amendment_head, version, names):
        _ = self._
        problems = []
        lines = {row[0]: row for row in self.lines[sid]}
        recorded = {row[3]: row for row in self.ledger[sid] if row[1] == "amendment"}
        seals = [row[2] for row in self.ledger[sid] if row[1] == "seal"]
        # the first amendment is chained to the seal, as stored with the sheet or as the
        # ledger recorded it (a seal edited alone is named once, by the seal's own check)
        starts = {seal, *seals[-1:]}
        previous = seal
        found = set()
        for number, row in enumerate(self.amendments[sid], start=1):
            aid, _sid, stored, stored_previous, line_id = row[:5]
            found.add(aid)
            line = lines.get(line_id)
            label = _("Amendment %(number)s (%(name)s)", number=number, name=line[5] if line else "")
            amendment_version = sealer.parse_hash(stored)[0]
            text = self.texts.get(("a", aid))
            if not (
                amendment_version
                and text
                and sealer.versioned_hash(amendment_version, stored_previous, text) == stored
                and (stored_previous == previous or (number == 1 and stored_previous in starts))
            ):
                problems.append(label)
            elif aid not in recorded:
                problems.append(_("%(amendment)s is not in the company ledger.", amendment=label))
            elif recorded[aid][2] != stored:
                problems.append(_("%(amendment)s differs from the company ledger.", amendment=label))
            previous = stored
        for aid, entry in recorded.items():
            if aid not in found:
                problems.append(_("%(amendment)s was deleted.", amendment=entry[4] or aid))
        heads = {previous or None} if found else {previous or None, *starts}
        if version >= 2 and not problems and (amendment_head or None) not in heads:
            problems.append(_("The head of the chain of amendments"))
        return problems
