"""After the update: the portal rule of the bookings leaves a referent's bookings for the
people they refer to the referent's page. The rules are ``noupdate``: only a rule still
holding the former domain changes; a rule an administrator edited keeps its own."""

FORMER = "['|', ('partner_id', '=', user.partner_id.id), ('booked_by_id', '=', user.partner_id.id)]"
CURRENT = (
    "['|', ('partner_id', '=', user.partner_id.id), '&', ('booked_by_id', '=', user.partner_id.id), "
    "('referrer_org_id', '=', False)]"
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_rule SET domain_force = %s
         WHERE domain_force = %s
           AND id = (SELECT res_id FROM ir_model_data
                      WHERE module = 'az_booking' AND name = 'az_booking_rule_portal')
        """,
        [CURRENT, FORMER],
    )
