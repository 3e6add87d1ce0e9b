# Pure Python helpers: no Odoo import here, so they can be unit tested on their own.
