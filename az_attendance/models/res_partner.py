import functools
import secrets

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import hmac

from ..tools import tokens
from .az_attendance_session_signing import qr_data_uri


def _new_badge_nonce(*_args):
    return secrets.token_urlsafe(12)


class ResPartner(models.Model):
    _inherit = "res.partner"

    az_badge_nonce = fields.Char(
        string="Badge key",
        copy=False,
        default=_new_badge_nonce,
        groups="az_project_base.group_user",
        help="Part of the secret of the person's printed attendance badge. Renewing the badge "
        "changes it: badges printed before stop working.",
    )

    # ------------------------------------------------------------------ actions
    def action_az_print_badge(self):
        self._az_check_badge_staff()
        return self.env.ref("az_attendance.action_report_attendance_badge").report_action(self)

    def action_az_renew_badge(self):
        self._az_check_badge_staff()
        for partner in self.sudo():
            partner.az_badge_nonce = _new_badge_nonce()
        for partner in self.sudo():
            partner.message_post(
                body=self.env._("Attendance badge renewed: badges printed before no longer work."),
                author_id=self.env.user.partner_id.id,
            )
        return True

    # ------------------------------------------------------------------ badge
    def _az_check_badge_staff(self):
        if not (self.env.su or self.env.user.has_group("az_project_base.group_user")):
            raise AccessError(self.env._("Only staff can print or renew attendance badges."))

    def _az_badge_token(self):
        self.ensure_one()
        self._az_check_badge_staff()
        partner = self.sudo()
        if not partner.az_badge_nonce:
            partner.az_badge_nonce = _new_badge_nonce()
        return tokens.make_badge_token(self._az_token_signer(), partner.id, partner.az_badge_nonce)

    def _az_badge_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/attendance/badge/{self._az_badge_token()}"

    def _az_badge_qr(self):
        return qr_data_uri(self._az_badge_url())

    def _az_partner_from_badge(self, token):
        """The person of a genuine, unrevoked badge token that the current user may read;
        raise tokens.TokenError otherwise. A badge of a person the user cannot see (another
        company's) is refused as any invalid badge: nothing of that person is shown."""

        def nonce_of(partner_id):
            partner = self.sudo().browse(partner_id).exists()
            return partner.az_badge_nonce if partner and partner.active else None

        partner = self.sudo().browse(tokens.check_badge_token(self._az_token_signer(), token, nonce_of))
        if not partner.with_env(self.env).has_access("read"):
            raise tokens.TokenError("invalid")
        return partner

    def _az_token_signer(self):
        """Odoo's HMAC keyed by the database secret, as ``tools/tokens.py`` calls it."""
        return functools.partial(hmac, self.env(su=True))
