from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_datetime, formatLang

from odoo.addons.az_project_base.tools.timezones import place_of


class AzAttendanceSessionWording(models.AbstractModel):
    """How a sheet is put into words for people: its time zone as people say it, hours as a
    quantity, and the seal as a sentence ("Intact sheet, sealed on ... by ..."), the same on
    the form, in the chatter, on the PDF sheet and on the verify page. The digests stay
    behind a detail for those who ask for them."""

    _name = "az.attendance.session.wording"
    _description = "An attendance sheet in words for people"

    tz_label = fields.Char(
        string="Time zone",
        compute="_compute_tz_label",
        help="The time zone of the sheet as people say it ('Paris time').",
    )
    seal_summary = fields.Char(
        string="Seal in words",
        compute="_compute_seal_summary",
        help="Whether the sheet is what was sealed, when and by whom.",
    )
    seal_intact = fields.Boolean(
        string="Seal intact",
        compute="_compute_seal_summary",
        help="Verified when the sheet is shown: nothing changed since its seal.",
    )

    @api.depends("tz")
    @api.depends_context("lang")
    def _compute_tz_label(self):
        for session in self:
            session.tz_label = session._tz_label()

    @api.depends("seal", "validated_at", "validated_by_id", "seal_broken")
    @api.depends_context("lang", "tz")
    def _compute_seal_summary(self):
        sealed = self.filtered("seal")
        (self - sealed).seal_summary = False
        (self - sealed).seal_intact = False
        if not sealed:
            return
        results = self._seal_verify_batch([sid for sid in sealed.ids if isinstance(sid, int)])
        for session in sealed:
            problems = results.get(session.id)
            session.seal_summary = session._seal_words(problems)
            session.seal_intact = problems == []

    def _tz_label(self):
        """The sheet's time zone as people say it, in the reader's language ("heure de Paris")."""
        self.ensure_one()
        return self.env._("%(place)s time", place=place_of(self.tz))

    def _format_hours(self, hours):
        """A quantity of hours as people read it: "3 h", "1 h 30 min", "0 h 45 min"."""
        minutes_total = round((hours or 0.0) * 60)
        whole, minutes = divmod(minutes_total, 60)
        whole_text = formatLang(self.env, whole, digits=0)
        if not minutes:
            return self.env._("%(hours)s h", hours=whole_text)
        minutes_text = f"{minutes:02d}"
        return self.env._("%(hours)s h %(minutes)s min", hours=whole_text, minutes=minutes_text)

    def _sealed_by_words(self):
        """ "sealed on 11/03/2025 at 12:05 by Claire Trainer" in the reader's language and the
        sheet's time zone."""
        self.ensure_one()
        return self.env._(
            "sealed on %(date)s by %(name)s",
            date=format_datetime(self.env, self.validated_at, tz=self.tz, dt_format="short"),
            name=self.sudo().validated_by_id.name or "-",
        )

    def _seal_words(self, problems=None):
        """The verdict of the seal as a sentence. ``problems`` is the result of a verification
        (None: not verified now, the last check of the sheet is told instead)."""
        self.ensure_one()
        if not self.seal:
            return self.env._("Not validated: this sheet is not sealed yet.")
        sealed_by = self._sealed_by_words()
        if problems is None:
            if self.seal_broken:
                return self.env._("Sheet changed since it was %(sealed)s.", sealed=sealed_by)
            return self.env._("Sheet %(sealed)s.", sealed=sealed_by)
        if problems:
            return self.env._("Sheet changed since it was %(sealed)s.", sealed=sealed_by)
        return self.env._("Intact sheet, %(sealed)s.", sealed=sealed_by)

    def _seal_message(self):
        """The chatter entry of the sealing: the sentence, then the digest behind a detail."""
        self.ensure_one()
        sentence = self.env._(
            "Sheet validated and %(sealed)s.",
            sealed=self._sealed_by_words(),
        )
        if self.early_validation_reason:
            sentence = self.env._(
                "Sheet validated before the end of the session and %(sealed)s. Reason: %(reason)s",
                sealed=self._sealed_by_words(),
                reason=self.early_validation_reason,
            )
        return Markup("<p>%s</p><details><summary>%s</summary><code>%s</code></details>") % (
            sentence,
            self.env._("Technical detail (digest of the seal)"),
            self.seal,
        )
