import hashlib
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# How long a recognised phone stays recognised, and how long a "this phone is mine" link waits.
DEVICE_DAYS = 180
LINK_HOURS = 24


_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("SamsungBrowser", "Samsung Internet"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)


def device_label(user_agent):
    """A short name of a browser for people ("iPhone · Safari"), from its user agent."""
    agent = user_agent or ""
    system = next((name for key, name in _SYSTEMS if key in agent), "")
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    return " · ".join(part for part in (system, browser) if part) or agent[:40]


def token_hash(token):
    """What PostgreSQL keeps of a device token: its SHA-256 (the token is in the cookie only)."""
    return hashlib.sha256(token.encode()).hexdigest()


class AzAttendanceDevice(models.Model):
    """A phone recognised as a person's ("this phone is mine"): the phone holds a random token
    in an HttpOnly cookie; the database keeps only its SHA-256. A phone scanning a session's
    rotating QR code with a valid token goes straight to the signature of its person. The
    person (portal) and staff (contact) revoke it."""

    _name = "az.attendance.device"
    _description = "Recognised phone"
    _order = "create_date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade", readonly=True)
    name = fields.Char(string="Phone", readonly=True, help="The browser that was recognised.")
    token_hash = fields.Char(required=True, index=True, readonly=True, copy=False, groups="base.group_system")
    pending = fields.Boolean(readonly=True, help="A link was sent and not opened yet.")
    last_used_at = fields.Datetime(string="Last used", readonly=True)
    expires_at = fields.Datetime(string="Expires", required=True, readonly=True)
    revoked_at = fields.Datetime(string="Revoked", readonly=True)
    state = fields.Selection(
        [("pending", "Link sent"), ("active", "Recognised"), ("expired", "Expired"), ("revoked", "Revoked")],
        compute="_compute_state",
    )

    _sql_constraints = [("token_hash_unique", "UNIQUE(token_hash)", "A device token is used once.")]

    @api.depends("pending", "expires_at", "revoked_at")
    def _compute_state(self):
        now = fields.Datetime.now()
        for device in self:
            if device.revoked_at:
                device.state = "revoked"
            elif device.expires_at and device.expires_at < now:
                device.state = "expired"
            else:
                device.state = "pending" if device.pending else "active"

    @api.model
    def _enrol(self, partner, user_agent=None):
        """Recognise the current phone as ``partner``'s: return the token for its cookie."""
        token = secrets.token_urlsafe(32)
        self.sudo().create(
            {
                "partner_id": partner.id,
                "name": device_label(user_agent) or False,
                "token_hash": token_hash(token),
                "expires_at": fields.Datetime.now() + timedelta(days=DEVICE_DAYS),
            }
        )
        return token

    @api.model
    def _make_link(self, partner):
        """A one-time "this phone is mine" link's token for ``partner`` (stored hashed)."""
        token = secrets.token_urlsafe(32)
        self.sudo().create(
            {
                "partner_id": partner.id,
                "pending": True,
                "token_hash": token_hash(token),
                "expires_at": fields.Datetime.now() + timedelta(hours=LINK_HOURS),
            }
        )
        return token

    @api.model
    def _find(self, token, pending=False):
        """The valid device of a token (a cookie's, or a link's with ``pending``), or empty."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return self.browse()
        device = self.sudo().search([("token_hash", "=", token_hash(token))], limit=1)
        if not device or device.pending != pending or device.state not in ("active", "pending"):
            return self.browse()
        return device

    def _activate(self, user_agent=None):
        """Open a link on a phone: the link is used up and the phone gets a token of its own."""
        self.ensure_one()
        token = secrets.token_urlsafe(32)
        self.sudo().write(
            {
                "pending": False,
                "name": device_label(user_agent) or False,
                "token_hash": token_hash(token),
                "expires_at": fields.Datetime.now() + timedelta(days=DEVICE_DAYS),
                "last_used_at": fields.Datetime.now(),
            }
        )
        return token

    def _touch(self):
        self.sudo().write({"last_used_at": fields.Datetime.now()})

    def action_revoke(self):
        """Stop recognising the phone (its cookie no longer matches anything valid)."""
        if not self.env.user.has_group("az_project_base.group_user"):
            raise UserError(self.env._("Only staff can revoke a phone here."))
        self._revoke()
        return True

    def _revoke(self):
        self.filtered(lambda d: not d.revoked_at).sudo().write({"revoked_at": fields.Datetime.now()})

    @api.autovacuum
    def _gc_unused_links(self):
        self.sudo().search([("pending", "=", True), ("expires_at", "<", fields.Datetime.now())]).unlink()
