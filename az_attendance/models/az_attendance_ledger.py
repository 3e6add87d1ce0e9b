import base64
import logging
import threading

import requests
from psycopg2.pool import PoolError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.sql_db import TestCursor

from ..tools import seal as sealer
from ..tools import timestamp as tsa

_logger = logging.getLogger(__name__)
TSA_TIMEOUT = 10

# Marker of the code that appends to the ledger: an object cannot travel through JSON-RPC.
LEDGER = object()
# Key of the PostgreSQL advisory lock that serialises the appends of one company's ledger.
_LEDGER_LOCK = 7104210


class AzAttendanceLedger(models.Model):
    """The company's ledger of sealed sheets, the way account chains the moves of a journal.

    Each sealing, each amendment and each GDPR purge appends an entry, chained to the
    previous entry of the same company. The ledger is what tells a reopened, recomputed or
    deleted sheet: the sheet's own chain can be rewritten by someone with database access,
    the ledger would then have to be rewritten from that entry to its end, and its head is
    what the integrity check prints (and, optionally, what a time-stamping authority signs).
    """

    _name = "az.attendance.ledger"
    # the declared sealed fields; every write is refused outright (write() below)
    _inherit = ["az.attendance.sealed.mixin"]
    _description = "Ledger of sealed attendance sheets"
    _order = "company_id, sequence desc"
    _rec_name = "sequence"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    sequence = fields.Integer(required=True, readonly=True)
    kind = fields.Selection(
        [
            ("seal", "Sheet sealed"),
            ("amendment", "Amendment"),
            ("purge", "Images purged"),
            # a contact named by a sealed sheet merged into another (Odoo's merge of contacts)
            ("merge", "Contact merged"),
            ("original", "Original archived"),
            ("original_purge", "Original purged"),
        ],
        required=True,
        readonly=True,
    )
    session_id = fields.Many2one(
        "az.attendance.session", string="Sheet", readonly=True, index=True, ondelete="set null"
    )
    session_ref = fields.Integer(
        string="Sheet id",
        required=True,
        readonly=True,
        index=True,
        help="Id of the sheet, kept when the sheet itself is gone.",
    )
    session_name = fields.Char(string="Sheet title", readonly=True)
    res_ref = fields.Integer(
        string="Record id",
        readonly=True,
        help="Id of the amendment, for amendment entries; of the document, for originals.",
    )
    res_model = fields.Char(
        string="Document model",
        readonly=True,
        help="Model of the document whose archived original the entry records.",
    )
    label = fields.Char(readonly=True)
    manifest = fields.Text(
        string="Sealed lines", readonly=True, help="The lines the seal covers, in order: line, person, name."
    )
    value = fields.Char(
        string="Recorded hash", readonly=True, help="The sheet's seal, or the head of its amendments."
    )
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    recorded_at = fields.Datetime(string="Recorded on", readonly=True)
    previous_hash = fields.Char(readonly=True)
    hash = fields.Char(readonly=True)
    timestamp_token = fields.Binary(
        string="Trusted timestamp",
        attachment=False,
        readonly=True,
        help="RFC 3161 token of the company's time-stamping authority for the recorded hash.",
    )
    timestamped_at = fields.Datetime(string="Timestamped on", readonly=True)

    _sql_constraints = [
        (
            "sequence_unique",
            "UNIQUE(company_id, sequence)",
            "Each position of a company's ledger holds one entry.",
        ),
    ]

    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for entry in self:
            entry.display_name = f"#{entry.sequence} {kinds.get(entry.kind, '')}: {entry.session_name or ''}"

    def _get_seal_fields(self, version=None):
        """Fields of a ledger entry that its hash covers."""
        version = version or sealer.SEAL_VERSION
        if version >= 2:
            fields_v2 = [
                "company_id",
                "sequence",
                "kind",
                "session_ref",
                "session_name",
                "res_ref",
                "label",
                "value",
                "manifest",
                "user_id",
                "recorded_at",
            ]
        if version in (2, 3):
            return fields_v2
        if version >= 4:
            # version 4: the archived originals of sheets and certificates (a certificate is
            # not a sheet: the entry names the document's model)
            return fields_v2 + ["res_model"]
        raise NotImplementedError(f"No ledger of version {version}")

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("az_attendance_ledger") is not LEDGER:
            raise UserError(self.env._("The ledger of sealed sheets is written by the sealing code only."))
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super  # ledger entries are immutable
        raise UserError(self.env._("An entry of the ledger of sealed sheets cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("An entry of the ledger of sealed sheets cannot be deleted."))

    @api.model
    def _append(self, session, kind, value, res_ref=0, label="", manifest=None, alone=False):
        """Append an entry for ``session`` to its company's ledger and return it. A seal entry
        keeps the list of the lines sealed (``manifest``), so that even a sheet sealed under
        version 1, whose header does not hold that list, names a deleted line."""
        session.ensure_one()
        entry = self._append_entry(
            session.company_id,
            {
                "kind": kind,
                "session_id": session.id,
                "session_ref": session.id,
                "session_name": session.name,
                "res_ref": res_ref or 0,
                "label": label or False,
                "value": value,
                "manifest": manifest or False,
            },
            alone=alone,
        )
        if session.company_id.az_tsa_url and kind in ("seal", "amendment"):
            # the authority is asked by a job once this transaction has committed: nothing
            # waits on the network under the ledger's lock or inside the request
            self.env.ref("az_attendance.ir_cron_timestamp_pending").sudo()._trigger()
        return entry

    @api.model
    def _append_entry(self, company, values, alone=False):
        """Append an entry with ``values`` at the head of ``company``'s ledger, chained."""
        sequence, previous = self._lock_head(company, alone=alone)
        entry = (
            self.sudo()
            .with_context(az_attendance_ledger=LEDGER)
            .create(
                {
                    **values,
                    "company_id": company.id,
                    "sequence": sequence,
                    "user_id": self.env.uid,
                    "recorded_at": fields.Datetime.now(),
                    "previous_hash": previous,
                }
            )
        )
        entry.flush_recordset()
        version = sealer.SEAL_VERSION
        text = entry._seal_canonicals(version)[entry.id]
        # written behind the ORM: write() refuses every change of an entry
        self.env.cr.execute(
            "UPDATE az_attendance_ledger SET hash = %s WHERE id = %s",
            [sealer.versioned_hash(version, previous, text), entry.id],
        )
        entry.invalidate_recordset(["hash"])
        return entry

    @api.model
    def _lock_head(self, company, alone=False):
        """Queue for the company's ledger and return (next position, previous hash).

        Appends of one company are serialised across workers and servers by a
        transaction-level advisory lock. Odoo runs REPEATABLE READ: the transaction's snapshot
        was taken at its first statement, long before the lock, so that it does not show the
        entries that the appends it waited for have committed since (three sheets validated
        at once would all read the same last position). The head is therefore read again,
        once the lock is held, on a connection of its own whose snapshot starts now; the
        transaction's own snapshot still holds the entries it appended itself. No other
        append can commit while the lock is held, so the later of the two heads is the head.
        The unique constraint on (company, sequence) stays the last guard. ``alone`` (the
        update that registers the sheets sealed before the ledger existed, which runs with
        no other worker) reads the transaction's own snapshot only."""
        cr = self.env.cr
        cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LEDGER_LOCK, company.id])
        query = (
            "SELECT sequence, hash FROM az_attendance_ledger WHERE company_id = %s "
            "ORDER BY sequence DESC LIMIT 1"
        )
        cr.execute(query, [company.id])
        heads = [cr.fetchone()]
        if not alone and not isinstance(cr, TestCursor):
            try:
                with self.env.registry.cursor() as fresh:
                    fresh.execute(query, [company.id])
                    heads.append(fresh.fetchone())
            except PoolError:
                # no connection left for the fresh read: let Odoo run the request again
                cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', "
                    "MESSAGE = 'ledger head not readable now'; END $$"
                )
        head = max((row for row in heads if row), default=None)
        return (head[0] + 1, head[1]) if head else (1, sealer.GENESIS)

    def _request_timestamp(self, commit=False):
        """Ask the company's time-stamping authority to sign the recorded hash, check the
        token it answers (the digest signed, the authority's certificate) and keep it. A
        failure is logged and asked again by the next run of the job. With ``commit``, each
        token is committed as it comes (the job's own transaction)."""
        unreachable = set()
        for entry in self:
            company = entry.company_id.sudo()
            if company.id in unreachable:
                continue
            digest = tsa.imprint(entry.value)
            query, nonce = tsa.make_request(digest)
            try:
                response = requests.post(
                    company.az_tsa_url,
                    data=query,
                    timeout=TSA_TIMEOUT,
                    headers={"Content-Type": tsa.CONTENT_TYPE_QUERY},
                )
                response.raise_for_status()
                token = tsa.parse_response(response.content[:1048576], digest, nonce)
                pinned = base64.b64decode(company.az_tsa_certificate or b"") or None
                when, certificate = tsa.check_token(token, digest, pinned)
            except (requests.RequestException, tsa.TimestampError) as error:
                _logger.warning(
                    "No trusted timestamp for ledger entry %s of %s: %s", entry.sequence, company.name, error
                )
                if isinstance(error, requests.RequestException):
                    # the authority does not answer: its other entries wait for a later run
                    unreachable.add(company.id)
                continue
            if not pinned:
                company.az_tsa_certificate = base64.b64encode(certificate)
            # written behind the ORM: write() refuses every change of an entry
            self.env.cr.execute(
                "UPDATE az_attendance_ledger SET timestamp_token = %s, timestamped_at = %s WHERE id = %s",
                [base64.b64encode(token), when.replace(tzinfo=None), entry.id],
            )
            entry.invalidate_recordset(["timestamp_token", "timestamped_at"])
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # each token kept as it comes

    @api.model
    def _cron_timestamp_pending(self, limit=500):
        """The job that asks the authority: run right after each sealing or amendment commits
        (triggered by :meth:`_append`), and daily for the tokens the authority did not give."""
        entries = self.sudo().search(
            [
                ("kind", "in", ("seal", "amendment")),
                ("timestamp_token", "=", False),
                ("company_id.az_tsa_url", "!=", False),
            ],
            order="id",
            limit=limit,
        )
        testing = getattr(threading.current_thread(), "testing", False)
        entries._request_timestamp(commit=not testing)
        return entries

    @api.model
    def _check_chain(self, company):
        """Anomalies of the company's ledger itself: a missing, altered or unlinked entry.
        Returns a list of (kind, sheet title, detail)."""
        anomalies = []
        self.env.cr.execute(
            "SELECT id, sequence, previous_hash, hash, session_name FROM az_attendance_ledger "
            "WHERE company_id = %s ORDER BY sequence",
            [company.id],
        )
        rows = self.env.cr.fetchall()
        texts = {}
        by_version = {}
        for row in rows:
            version = sealer.parse_hash(row[3])[0] or sealer.SEAL_VERSION
            by_version.setdefault(version, []).append(row[0])
        for version, ids in by_version.items():
            for start in range(0, len(ids), 5000):
                texts.update(self.browse(ids[start : start + 5000])._seal_canonicals(version))
        expected_sequence, previous = 1, sealer.GENESIS
        for entry_id, sequence, previous_hash, stored, name in rows:
            if sequence != expected_sequence:
                if sequence - 1 == expected_sequence:
                    detail = self.env._("Ledger entry %(number)s is missing.", number=expected_sequence)
                else:
                    detail = self.env._(
                        "Ledger entries %(first)s to %(last)s are missing.",
                        first=expected_sequence,
                        last=sequence - 1,
                    )
                anomalies.append(("ledger_missing", "", detail))
                previous = None
            version = sealer.parse_hash(stored)[0]
            if not version or sealer.versioned_hash(version, previous_hash, texts[entry_id]) != stored:
                anomalies.append(
                    (
                        "ledger_changed",
                        name,
                        self.env._("Ledger entry %(sequence)s was altered.", sequence=sequence),
                    )
                )
            elif previous is not None and previous_hash != previous:
                anomalies.append(
                    (
                        "ledger_changed",
                        name,
                        self.env._(
                            "Ledger entry %(sequence)s is not chained to the previous entry.",
                            sequence=sequence,
                        ),
                    )
                )
            expected_sequence, previous = sequence + 1, stored
        return anomalies, rows

    @api.model
    def _check_integrity(self, company):
        """Company-wide integrity check of the attendance sheets: the ledger's own chain, then
        every sheet of the ledger and every sealed sheet of the company, recomputed from the
        database. Returns the values of the printable report."""
        self.env.flush_all()
        anomalies = []
        ledger_anomalies, rows = self._check_chain(company)
        for kind, name, detail in ledger_anomalies:
            anomalies.append({"kind": kind, "sheet": name or "", "detail": detail})
        cr = self.env.cr
        cr.execute(
            "SELECT DISTINCT session_ref FROM az_attendance_ledger WHERE company_id = %s AND kind = 'seal'",
            [company.id],
        )
        in_ledger = {row[0] for row in cr.fetchall()}
        cr.execute(
            "SELECT id FROM az_attendance_session WHERE company_id = %s "
            "AND (seal IS NOT NULL OR state = 'validated')",
            [company.id],
        )
        in_database = {row[0] for row in cr.fetchall()}
        ids = sorted(in_ledger | in_database)
        cr.execute("SELECT id, name, state FROM az_attendance_session WHERE id = ANY(%s)", [ids])
        sheets = {row[0]: row for row in cr.fetchall()}
        cr.execute(
            "SELECT DISTINCT ON (session_ref) session_ref, session_name "
            "FROM az_attendance_ledger WHERE session_ref = ANY(%s) "
            "ORDER BY session_ref, sequence DESC",
            [ids],
        )
        ledger_names = dict(cr.fetchall())
        results = self.env["az.attendance.session"]._seal_verify_batch(ids, record=True)
        labels = dict(self._integrity_kinds())
        for sid in ids:
            problems = results.get(sid)
            if not problems and sid in in_ledger:
                continue
            sheet = sheets.get(sid)
            if not sheet:
                kind = "deleted"
            elif sid not in in_ledger:
                kind = "not_in_ledger"
            elif sheet[2] != "validated":
                kind = "reopened"
            else:
                kind = "changed"
            name = sheet[1] if sheet else ledger_names.get(sid, "")
            anomalies.append({"kind": kind, "sheet": f"{name} (#{sid})", "detail": "\n".join(problems or [])})
        for anomaly in anomalies:
            anomaly["label"] = labels.get(anomaly["kind"], anomaly["kind"])
        return {
            "company": company,
            "checked_at": fields.Datetime.now(),
            "entries": len(rows),
            "sheets": len(ids),
            "head": rows[-1][3] if rows else "",
            "anomalies": anomalies,
        }

    def _integrity_kinds(self):
        return [
            ("changed", self.env._("Sheet changed")),
            ("reopened", self.env._("Sheet reopened")),
            ("deleted", self.env._("Sheet deleted")),
            ("not_in_ledger", self.env._("Ledger entry missing for a sealed sheet")),
            ("ledger_missing", self.env._("Ledger entry missing")),
            ("ledger_changed", self.env._("Ledger entry altered")),
        ]

    @api.model
    def _register_existing_sheets(self):
        """Record in the ledgers the sheets sealed before the ledger existed, in the order they
        were validated, then their amendments and purges. Nothing is sealed again: each entry
        holds the hash stored with the sheet, and each sheet keeps verifying under the version
        it was sealed with. Sheets and amendments already in a ledger are skipped, so that the
        step can run twice. Returns the number of entries written."""
        Session = self.env["az.attendance.session"].sudo()
        self.env.cr.execute(
            "SELECT s.id FROM az_attendance_session s WHERE s.seal IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM az_attendance_ledger l "
            "                WHERE l.session_ref = s.id AND l.kind = 'seal') "
            "ORDER BY s.validated_at, s.id"
        )
        sessions = Session.browse([row[0] for row in self.env.cr.fetchall()])
        label = self.env._("Recorded when the ledger was created")
        count = 0
        for session in sessions:
            self._append(
                session, "seal", session.seal, label=label, manifest=session._seal_manifest_now(), alone=True
            )
            count += 1
            for number, amendment in enumerate(session.amendment_ids.sorted("id"), start=1):
                if amendment.hash:
                    self._append(
                        session,
                        "amendment",
                        amendment.hash,
                        res_ref=amendment.id,
                        label=amendment._ledger_label(number),
                        alone=True,
                    )
                    count += 1
            if session.signatures_purged:
                self._append(session, "purge", session.seal, label=label, alone=True)
                count += 1
        return count
