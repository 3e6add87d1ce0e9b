from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import seal as sealer

# Proof of the sheet that only the code itself writes: validation, seal, digests.
SESSION_PROOF_FIELDS = {
    "seal",
    "header_hash",
    "validated_by_id",
    "validated_at",
    "trainer_signature_sha256",
    "trainer_signed_by_id",
    "trainer_signed_at",
    "paper_sheet_sha256",
    "signatures_purged",
    "site_label",
    "seal_tz",
    "trainer_names",
    "funder_names",
    "sealed_funding_ids",
    "seal_manifest",
    "amendment_head",
}


class AzAttendanceSessionSealing(models.AbstractModel):
    """The seal of a sheet: what each version of the seal covers (``_get_seal_fields``, the
    frozen layout of version 1), what the sheet prints as recorded at sealing (place,
    timezone, trainers, fundings, list of lines), the sealing itself (number the lines,
    chain the header and each line, write the seal into the company ledger) and the write
    guard of a sealed sheet. The verification of a seal is
    ``az.attendance.session.verification``."""

    _name = "az.attendance.session.sealing"
    _inherit = ["az.attendance.sealed.mixin", "az.row.lock.mixin"]
    _description = "Seal of an attendance sheet"

    header_hash = fields.Char(copy=False, readonly=True)
    seal = fields.Char(
        copy=False,
        readonly=True,
        help="Final hash of the chained lines, computed at validation.",
    )
    validated_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    validated_at = fields.Datetime(copy=False, readonly=True)
    # What the sheet prints, recorded at sealing so that a later change of the site, the
    # trainers' names or the fundings does not change a sealed sheet (and is sealed with it).
    site_label = fields.Char(string="Place as sealed", copy=False, readonly=True)
    seal_tz = fields.Char(string="Timezone as sealed", copy=False, readonly=True)
    trainer_names = fields.Char(string="Trainers as sealed", copy=False, readonly=True)
    funder_names = fields.Char(string="Funders as sealed", copy=False, readonly=True)
    sealed_funding_ids = fields.Many2many(
        "az.funding",
        "az_attendance_session_sealed_funding_rel",
        "session_id",
        "funding_id",
        string="Fundings as sealed",
        copy=False,
        readonly=True,
    )
    seal_manifest = fields.Text(
        string="Sealed lines",
        copy=False,
        readonly=True,
        help="The lines sealed, in order: line, person, name.",
    )
    amendment_head = fields.Char(
        string="Head of the amendments",
        copy=False,
        readonly=True,
        help="Last hash of the chain of amendments (the seal when there is none).",
    )
    seal_version = fields.Integer(string="Seal version", compute="_compute_seal_version")

    @api.depends("seal")
    def _compute_seal_version(self):
        for session in self:
            session.seal_version = sealer.parse_hash(session.seal)[0] or 0

    def _check_writable(self, vals):
        """A sealed session is frozen for everyone, superuser included: no field the seal
        declares (nor the files whose digests it holds, nor the chain) may change. Only the
        sealing code writes them; the GDPR purge may clear the trainer's signature image."""
        self._check_seal_lock(vals)

    def _is_seal_locked(self):
        self.ensure_one()
        return self.state == "validated" or bool(self.seal)

    def _seal_locked_message(self):
        self.ensure_one()
        return self.env._(
            "The session '%(name)s' is validated and sealed: it can no longer be changed. "
            "Record a correction as an amendment.",
            name=self.name,
        )

    def _get_seal_purgeable_fields(self):
        return {"trainer_signature", "signatures_purged"}

    # ------------------------------------------------------------------ seal
    def _get_seal_fields(self, version=None):
        """Fields of the sheet that the seal of ``version`` covers: everything the PDF, the
        verify page, the invoicing, the grant report and the purge read of the sheet itself
        (the lines and amendments declare their own). The write guard of a sealed sheet is
        derived from this list. Version 1 is the frozen list of :meth:`_seal_values_v1`."""
        version = version or sealer.SEAL_VERSION
        if version < 2:
            raise NotImplementedError(f"No seal of version {version}")
        # the same list for versions 2 and 3
        fields_v3 = [
            "name",
            "company_id",
            "project_id",
            "date",
            "start",
            "stop",
            "duration",
            "granularity",
            "site_id",
            "site_label",
            "seal_tz",
            "trainer_ids",
            "trainer_names",
            "sealed_funding_ids",
            "funder_names",
            "trainer_signature_sha256",
            "trainer_signed_by_id",
            "trainer_signed_at",
            "paper_sheet_sha256",
            "early_validation_reason",
            "seal_manifest",
            "validated_by_id",
            "validated_at",
            "verify_token",
        ]
        if version in (2, 3):
            return fields_v3
        # version 4: the session's actual end, until which the lines' hours are counted
        return fields_v3 + ["actual_stop"]

    def _seal_values_v1(self):
        """Canonical text of the header of a sheet sealed under version 1 (kept unchanged so
        that those sheets keep verifying)."""
        self.ensure_one()
        return sealer.canonical(
            {
                "session_id": self.id,
                "name": self.name,
                "project_id": self.project_id.id,
                "company_id": self.company_id.id,
                "site_id": self.site_id.id or None,
                "start": fields.Datetime.to_string(self.start) if self.start else None,
                "stop": fields.Datetime.to_string(self.stop) if self.stop else None,
                "trainer_ids": ",".join(str(i) for i in sorted(self.trainer_ids.ids)),
                "trainer_signature_sha256": self.trainer_signature_sha256 or "",
                "trainer_signed_by_id": self.trainer_signed_by_id.id or None,
                "trainer_signed_at": fields.Datetime.to_string(self.trainer_signed_at)
                if self.trainer_signed_at
                else None,
                "paper_sheet_sha256": self.paper_sheet_sha256 or "",
            }
        )

    def _get_seal_guarded_extra_fields(self):
        """Besides the sealed fields: the proof, the files whose digests are sealed, the chain."""
        return set(SESSION_PROOF_FIELDS) | {"state", "trainer_signature", "paper_sheet", "amendment_head"}

    def _sealed_lines(self):
        """The lines in the order they were sealed (by id for sheets sealed under version 1
        and sheets not sealed yet)."""
        return self.line_ids.sorted(lambda ln: (ln.seal_sequence or 0, ln.id))

    def _site_label_now(self):
        self.ensure_one()
        site = self.site_id
        if not site:
            return ""
        address = site.address_line()
        return f"{site.name}, {address}" if address else site.name

    def _seal_manifest_now(self):
        """The list of the sheet's lines as the seal records it: (line, person, name), by id."""
        self.ensure_one()
        return sealer.manifest_text(
            [(line.id, line.partner_id.id, line.partner_name or "") for line in self.line_ids.sorted("id")]
        )

    def _ledger_seal_entry(self):
        """Position of the company ledger's seal entry for this sheet, or None."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT sequence FROM az_attendance_ledger WHERE session_ref = %s AND kind = 'seal' "
            "ORDER BY sequence LIMIT 1",
            [self.id],
        )
        row = self.env.cr.fetchone()
        return row[0] if row else None

    def _seal(self, version=None):
        """Freeze the sheet: record what it prints, number its lines, chain the header and
        each line, and write the sheet's seal into the company ledger."""
        self.ensure_one()
        # One sealing per sheet, whatever the worker: a second validation waits here and then
        # finds the sheet sealed (one seal, one ledger entry).
        if self._lock_rows().seal:
            raise UserError(self.env._("The sheet '%(name)s' is already sealed.", name=self.name))
        # a sheet is sealed once: one reopened behind the ORM is not sealed a second time
        entry = self._ledger_seal_entry()
        if entry:
            raise UserError(
                self.env._(
                    "The sheet '%(name)s' was sealed before (entry #%(entry)s of the company "
                    "ledger): it cannot be sealed again. Record a correction as an amendment.",
                    name=self.name,
                    entry=entry,
                )
            )
        version = version or sealer.SEAL_VERSION
        session = self._sealing()
        lines = session.line_ids.sorted("id")
        now = fields.Datetime.now()
        if version == 1:
            # the layout of the first seal, kept for the tests of old sheets
            session.write({"validated_by_id": self.env.user.id, "validated_at": now})
            session.env.flush_all()
            session.invalidate_recordset()
            texts = [session._seal_values_v1()] + [line._seal_values_v1() for line in lines]
            chain = sealer.compute_chain(texts)
            session.write({"header_hash": chain[0][1]})
            for line, (previous, current) in zip(lines, chain[1:], strict=False):
                line.write({"previous_hash": previous, "hash": current})
            session.write({"seal": chain[-1][1], "state": "validated"})
        else:
            fundings = session._report_fundings()
            for sequence, line in enumerate(lines, start=1):
                line.write({"seal_sequence": sequence})
            session.write(
                {
                    "site_label": session._site_label_now() or False,
                    "seal_tz": session.tz,
                    "trainer_names": ", ".join(session.trainer_ids.sorted("id").mapped("name")) or False,
                    "sealed_funding_ids": [Command.set(fundings.ids)],
                    "funder_names": ", ".join(fundings.funder_id.mapped("name")) or False,
                    "seal_manifest": session._seal_manifest_now(),
                    "validated_by_id": self.env.user.id,
                    "validated_at": now,
                    "state": "validated",
                }
            )
            session.env.flush_all()
            header = session._seal_canonicals(version)
            texts = lines._seal_canonicals(version)
            previous = sealer.versioned_hash(version, sealer.GENESIS, header[session.id])
            session.write({"header_hash": previous})
            for line in lines:
                current = sealer.versioned_hash(version, previous, texts[line.id])
                line.write({"previous_hash": previous, "hash": current})
                previous = current
            session.write({"seal": previous, "amendment_head": previous})
        self.env["az.attendance.ledger"]._append(
            session, "seal", session.seal, manifest=session.seal_manifest or session._seal_manifest_now()
        )
        # a stored message: in the company's language, whoever validates
        self.message_post(body=session.with_context(lang=session.company_id._az_lang())._seal_message())
