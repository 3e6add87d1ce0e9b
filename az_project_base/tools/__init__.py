# Pure-Python helpers (no Odoo import), tested by the repository's tests/.
