"""After the update: every sheet sealed before the archived originals exist gets its
original from the job (rendered in batches, after this update has committed). Nothing is
sealed again: each original embeds the sheet's content under the version it was sealed
with (the lines holding an IP address or a browser under a seal before version 4 by their
hashes only)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE az_attendance_session SET az_original_pending = TRUE "
        "WHERE seal IS NOT NULL AND state = 'validated' "
        "AND NOT EXISTS (SELECT 1 FROM az_attendance_original o "
        "                WHERE o.res_model = 'az.attendance.session' AND o.res_id = az_attendance_session.id "
        "                AND o.state = 'current')"
    )
    if cr.rowcount:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.ref("az_attendance.ir_cron_make_originals")._trigger()
