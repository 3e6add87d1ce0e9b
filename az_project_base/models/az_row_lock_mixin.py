from odoo import models
from odoo.tools import SQL


class AzRowLockMixin(models.AbstractModel):
    """One way to "lock this row, then check it" for every model that decides something
    once per row under concurrency (a seat, a justification, a signature, a funding).

    ``_lock_rows`` takes the rows' locks in the order of their ids (two requests locking the
    same rows never wait on each other in a cycle), then drops the cached values, so the
    checks that follow read the rows as the lock holds them. Under Odoo's REPEATABLE READ a
    row that another transaction changed after this one's snapshot cannot be locked: the
    database answers with a serialization failure, Odoo retries the request, and the retry
    sees the change. The lock lasts until the end of the transaction.
    """

    _name = "az.row.lock.mixin"
    _description = "Lock rows, then check them"

    def _lock_rows(self, nowait=False):
        """Lock the rows of ``self`` for update, flush pending writes first, and return
        ``self`` with its cache cleared. ``nowait``: fail at once (``LockNotAvailable``)
        rather than queue behind another holder."""
        if not self.ids:
            return self
        self.flush_recordset()
        # Its refusals are expected, not errors of the server: ``LockNotAvailable`` (nowait)
        # becomes the caller's message, a serialization failure is retried by Odoo (which
        # notes the retry at INFO level). Odoo's "bad query" ERROR line stays out of the log.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s ORDER BY id FOR UPDATE%s",
                SQL.identifier(self._table),
                tuple(sorted(self.ids)),
                SQL(" NOWAIT") if nowait else SQL(""),
            ),
            log_exceptions=False,
        )
        self.invalidate_recordset()
        return self
