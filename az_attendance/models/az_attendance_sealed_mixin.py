import base64

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import seal as sealer

# Markers put in the context by the signing, sealing and purge code. An object cannot travel
# through JSON-RPC, so a client can never pretend to be that code by sending a context key.
INTERNAL = object()
PURGE = object()
# Marker of the sealing code (and of the amendment chain): the only writer of a sealed sheet.
SEALING = object()


def is_internal(env):
    return env.context.get("az_attendance_internal") is INTERNAL


class AzAttendanceSealedMixin(models.AbstractModel):
    """What the sealed records (sheet, line, amendment, ledger entry) share: the fields each
    version of the seal covers (``_get_seal_fields``, as ``account.move`` declares its
    ``_get_integrity_hash_fields``), and the write guard that reads that same list.

    The guard is kept in ``write`` rather than left to record rules or access rights: it holds
    for the superuser too, and only the sealing code (a context marker no client can send) and
    the GDPR purge (which clears images whose digests stay sealed) get past it. Stored computed
    fields recomputed by the ORM (the line's effective status and hours) do not go through
    ``write`` and are not sealed: the guard never sees them.

    It also holds what every sealed model computes of itself for the seal: the canonical
    texts of its records (``_seal_canonicals``), read by SQL for sealing and verifying alike,
    and the digest of a file whose image is sealed by its SHA-256 (``_binary_sha256``)."""

    _name = "az.attendance.sealed.mixin"
    _description = "Record covered by the seal of an attendance sheet"

    def _get_seal_fields(self, version=None):
        """Fields that the seal of ``version`` (the current one by default) covers."""
        raise NotImplementedError(f"{self._name} declares no sealed fields")

    def _get_seal_guarded_extra_fields(self):
        """Fields nobody may write once sealed besides the sealed ones: the files whose
        digests are sealed, the proof and the chain."""
        return set()

    def _get_seal_purgeable_fields(self):
        """Fields the GDPR purge may clear on a sealed record (their digests stay)."""
        return set()

    def _seal_guarded_fields(self):
        """Fields nobody may write on a sealed record: the declared ones of every version and
        the extra ones."""
        guarded = set(self._get_seal_guarded_extra_fields())
        for version in range(2, sealer.SEAL_VERSION + 1):
            guarded.update(self._get_seal_fields(version))
        return guarded

    def _is_seal_locked(self):
        """Whether this record is sealed (frozen for every writer but the sealing code)."""
        self.ensure_one()
        return False

    def _seal_locked_message(self):
        """What a person reads when they try to change this sealed record."""
        self.ensure_one()
        return self.env._("This record is sealed: it can no longer be changed.")

    def _check_seal_lock(self, vals):
        """Refuse ``vals`` on the sealed records of ``self`` unless it comes from the sealing
        code, or from the purge clearing purgeable files only."""
        locked = self.filtered(lambda record: record._is_seal_locked())
        if not locked or self._is_sealing():
            return
        changed = set(vals) & self._seal_guarded_fields()
        if not changed:
            return
        purgeable = self._get_seal_purgeable_fields()
        if (
            self._is_purge()
            and changed <= purgeable
            and not any(vals.get(name) for name in changed if self._fields[name].type == "binary")
        ):
            return
        raise UserError(locked[0]._seal_locked_message())

    def _internal(self):
        return self.with_context(az_attendance_internal=INTERNAL)

    def _sealing(self):
        return self.with_context(az_attendance_internal=INTERNAL, az_attendance_sealing=SEALING)

    def _is_sealing(self):
        return self.env.context.get("az_attendance_sealing") is SEALING

    def _is_purge(self):
        """Whether the GDPR purge cron is running: superuser, with a marker no client can send."""
        return bool(self.env.su and self.env.context.get("az_attendance_purge") is PURGE)

    # ------------------------------------------------------------------ seal helpers
    def _seal_canonicals(self, version):
        """{id: canonical text} of the records of ``self`` for a seal of ``version``, read by
        SQL so that what is sealed and what is verified is what the database holds."""
        names = self._get_seal_fields(version)
        kinds = {name: self._fields[name].type for name in names}
        columns = [n for n in names if kinds[n] not in ("many2many", "one2many")]
        ids = list(self.ids)
        values = {}
        if not ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM %s WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL.identifier(self._table),
                ids,
            )
        )
        for row in self.env.cr.fetchall():
            values[row[0]] = dict(zip(columns, row[1:], strict=False))
        for name in names:
            if kinds[name] != "many2many":
                continue
            field = self._fields[name]
            for vals in values.values():
                vals[name] = []
            self.env.cr.execute(
                SQL(
                    "SELECT %s, %s FROM %s WHERE %s = ANY(%s)",
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    ids,
                )
            )
            for record_id, other_id in self.env.cr.fetchall():
                values[record_id][name].append(other_id)
        return {
            record_id: sealer.record_canonical(version, self._name, record_id, kinds, vals)
            for record_id, vals in values.items()
        }

    def _binary_sha256(self, field_name):
        """SHA-256 of the decoded image of ``field_name`` of this record (what the seal holds
        of a file), or an empty string when there is none."""
        self.ensure_one()
        data = self.with_context(bin_size=False)[field_name]
        return sealer.image_digest(base64.b64decode(data)) if data else ""
