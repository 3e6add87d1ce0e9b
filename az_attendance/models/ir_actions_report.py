from odoo import models

# Countries whose paper is US Letter; everywhere else the attendance sheet prints on A4.
LETTER_COUNTRIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE"}
# The attendance documents that draw the company's identity themselves (no header page).
SMALL_MARGIN_REPORTS = {"az_attendance.report_attendance_sheet", "az_attendance.report_attendance_integrity"}


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def get_paperformat(self):
        """The attendance sheet and the integrity report print on A4 (France first), on US
        Letter in the countries that use it, with the small margins their layout is made for."""
        if self.report_name not in SMALL_MARGIN_REPORTS or self.paperformat_id:
            return super().get_paperformat()
        if self.env.company.country_id.code in LETTER_COUNTRIES:
            return self.env.ref("az_attendance.paperformat_attendance_letter")
        return self.env.ref("az_attendance.paperformat_attendance_a4")
