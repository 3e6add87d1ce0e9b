from odoo import fields, models, tools


class AzBookingReferralReport(models.Model):
    """Per referring organisation and period: how many people its referents booked for,
    how many came, how many did not (a read-only view over the bookings)."""

    _name = "az.booking.referral.report"
    _description = "Referrals per organisation"
    _auto = False
    _order = "start desc"

    referrer_org_id = fields.Many2one("res.partner", string="Referring organisation", readonly=True)
    referent_id = fields.Many2one("res.partner", readonly=True)
    type_id = fields.Many2one("az.booking.type", string="Booking type", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    start = fields.Datetime(string="Appointment", readonly=True)
    state = fields.Selection(lambda self: self.env["az.booking"]._fields["state"].selection, readonly=True)
    referred_count = fields.Integer(string="Referred", readonly=True, aggregator="sum")
    came_count = fields.Integer(string="Came", readonly=True, aggregator="sum")
    absent_count = fields.Integer(string="Did not come", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT b.id, b.referrer_org_id, b.booked_by_id AS referent_id, b.type_id,
                       b.project_id, b.company_id, b.start, b.state,
                       1 AS referred_count,
                       CASE WHEN b.state = 'done' THEN 1 ELSE 0 END AS came_count,
                       CASE WHEN b.state = 'no_show' THEN 1 ELSE 0 END AS absent_count
                  FROM az_booking b
                 WHERE b.referrer_org_id IS NOT NULL
            )
            """
        )
