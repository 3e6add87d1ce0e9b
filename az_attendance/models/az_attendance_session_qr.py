import time

from odoo import fields, models
from odoo.tools import hmac

from ..tools import rotating_code
from .az_attendance_session_signing import qr_data_uri


class AzAttendanceSessionQr(models.Model):
    """The rotating QR code of a session: the trainer's screen shows a value that changes every
    few seconds (``tools/rotating_code.py``); a phone scanning it opens the session's signing."""

    _inherit = "az.attendance.session"  # pylint: disable=consider-merging-classes-inherited  # one concern a file

    kiosk_rotating_qr = fields.Boolean(
        string="Show the rotating QR code on the kiosk",
        help="The kiosk shows the rotating QR code beside the names: people with a phone of "
        "their own scan it, the others tap their name on the tablet.",
    )

    def _qr_signer(self):
        env = self.env(su=True)
        return lambda scope, message: hmac(env, scope, message)

    def action_open_rotating_qr(self):
        """The trainer's full-screen page of the rotating QR code (a tablet or a phone)."""
        self.ensure_one()
        self._check_signing_open()
        return {
            "type": "ir.actions.act_url",
            "url": f"/attendance/qr/screen/{self.id}",
            "target": "self",
        }

    def _rotating_qr_values(self, now=None):
        """What the trainer's screen shows now: the QR image of the current value, who has
        signed, and when to ask again. The secret never leaves the server."""
        self.ensure_one()
        now = time.time() if now is None else now
        step = rotating_code.current_step(now)
        value = rotating_code.make_code(self._qr_signer(), self.id, step)
        url = f"{self.get_base_url()}/attendance/qr/r/{value}"
        lines = self.line_ids
        return {
            "image": qr_data_uri(url),
            "url": url,
            "signed": len(lines.filtered("signed_at")),
            "total": len(lines),
            "refresh_ms": int(rotating_code.seconds_left(now) * 1000) + 200,
            "open": self.state == "open",
        }

    def kiosk_data(self):
        """The kiosk's data, with the rotating QR code's first image when the session shows it."""
        data = super().kiosk_data()
        data["rotating_qr"] = self._kiosk_rotating_qr_values()
        return data

    def _kiosk_rotating_qr_values(self):
        """The rotating QR code the kiosk shows now, or False when this session does not show
        it on the kiosk (option off, or signing not open)."""
        self.ensure_one()
        if not self.kiosk_rotating_qr or self.state != "open":
            return False
        return self._rotating_qr_values()

    def _rotating_ticket(self, step):
        self.ensure_one()
        return rotating_code.make_ticket(self._qr_signer(), self.id, step)

    def _check_rotating_ticket(self, ticket):
        self.ensure_one()
        return rotating_code.check_ticket(self._qr_signer(), ticket, self.id)

    def _rotating_code_session(self, value):
        """``(session, step)`` of a rotating value scanned now; CodeError when it is not valid
        (``expired`` for a value older than the accepted window)."""
        session_id, step = rotating_code.check_code(self._qr_signer(), value)
        session = self.sudo().browse(session_id).exists()
        if not session:
            raise rotating_code.CodeError("unknown")
        return session, step
