import base64
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.az_attendance.tests.common import AttendanceCommon, signature_data_uri, signature_png
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

# What a booking-only, signing-only or funder's-file install must never pull in.
ACCOUNTING = "account"


@tagged("post_install", "-at_install")
class TestFunderPlatform(AttendanceCommon):
    """The funder's file on top of signing: no accounting under it, certificates kept and
    counted from the sheets that count, fundings and the grant report fed by the same sheets."""

    def _amend(self, session, partner, **values):
        return self.env["az.attendance.amendment"].create(
            {
                "session_id": session.id,
                "line_id": self.line_of(session, partner).id,
                "reason": "Correction after the session",
                **values,
            }
        )

    def _dependencies(self, name):
        """Every addon ``name`` depends on, directly or not."""
        Module = self.env["ir.module.module"]
        seen, todo = set(), [name]
        while todo:
            module = Module.search([("name", "=", todo.pop())])
            for dependency in module.dependencies_id.mapped("name"):
                if dependency not in seen:
                    seen.add(dependency)
                    todo.append(dependency)
        return seen

    def test_neither_signing_nor_the_funders_file_pulls_in_accounting(self):
        for addon in ("az_project_base", "az_attendance", "az_attendance_funder"):
            with self.subTest(addon=addon):
                dependencies = self._dependencies(addon)
                self.assertIn("project", dependencies)  # the walk reaches the addons below
                self.assertNotIn(ACCOUNTING, dependencies, f"{addon} installs accounting")
        # the invoicing bridge is the one that brings it
        self.assertIn(ACCOUNTING, self._dependencies("az_attendance_invoicing"))

    def test_certificates_are_issued_without_the_invoicing_bridge(self):
        # no code of the funder's file names an accounting model
        funder_models = [
            model
            for model in self.env.registry.models.values()
            if "az_attendance_funder" in model._module
            or model._name.startswith(("az.attendance.certificate",))
        ]
        for model in funder_models:
            for field in model._fields.values():
                if (
                    field.relational
                    and field.comodel_name.startswith("account.")
                    and field.comodel_name not in ("account.analytic.account",)
                ):
                    self.assertIn(
                        "az_attendance_invoicing",
                        field._modules,
                        f"{model._name}.{field.name} points to {field.comodel_name}",
                    )
        session = self.sign_all_and_validate(self.make_session())
        certificates = self.env["az.attendance.certificate"]._issue(self.project, session.date, session.date)
        self.assertEqual(certificates.partner_id, session.line_ids.partner_id)
        self.assertTrue(all(certificates.mapped("number")))

    def test_deletion_refusals_do_not_fire_at_uninstall(self):
        session = self.sign_all_and_validate(self.make_session())
        certificate = self.env["az.attendance.certificate"]._issue(self.project, session.date, session.date)[
            :1
        ]
        self.assertTrue(certificate)
        with self.assertRaisesRegex(UserError, "A certificate is kept: it cannot be deleted."):
            with self.env.cr.savepoint():
                certificate.unlink()
        self.assertTrue(certificate.exists())
        # uninstalling the addon removes its records: the refusal is not asked then
        certificate.with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        self.assertFalse(certificate.exists())

    def test_funding_counts_validated_hours(self):
        session = self.make_session()
        self.line_of(session, self.amina)._record_signature(signature_data_uri(), "kiosk")
        late = self.line_of(session, self.lucas)
        late.write({"status": "late", "arrived_at": self.day_start + timedelta(hours=1)})
        late._record_signature(signature_data_uri(2), "kiosk")
        self.line_of(session, self.sofia).status = "absent"
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertEqual(self.funding.quantity_used, 0.0, "open sheets do not count")
        session.trainer_signature = base64.b64encode(signature_png())
        session.with_user(self.trainer).action_validate()
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertEqual(self.funding.quantity_used, 5.0)  # 3 h + 2 h (late by one hour)

    def test_a_sheet_changed_since_its_seal_counts_nowhere(self):
        session = self.sign_all_and_validate(self.make_session())
        Session = self.env["az.attendance.session"]
        self.assertEqual(Session.search([("id", "=", session.id), *Session._counted_domain()]), session)
        self.env.cr.execute("UPDATE az_attendance_session SET name = 'Changed' WHERE id = %s", [session.id])
        session.invalidate_recordset()
        session._refresh_seal_checks(session.company_id, check_files=False)
        self.assertTrue(session.seal_broken)
        self.assertFalse(Session.search([("id", "=", session.id), *Session._counted_domain()]))
        self.assertFalse(session._filtered_counted())
        self.funding.invalidate_recordset(["quantity_used"])
        self.assertEqual(self.funding.quantity_used, 0.0)
        self.assertFalse(
            self.env["az.attendance.certificate"]._issue(self.project, session.date, session.date)
        )
        rows = self.env["az.grant.report"].search(
            [("session_id", "=", session.id), ("funding_id", "=", self.funding.id)]
        )
        self.assertTrue(rows)
        self.assertEqual(sum(rows.mapped("attended_hours")), 0.0)

    def test_grant_report_reads_the_effective_values_after_amendments(self):
        session = self.make_session()
        self.line_of(session, self.sofia).write(
            {"status": "late", "arrived_at": self.day_start + timedelta(hours=1)}
        )
        self.sign_all_and_validate(session)
        self._amend(session, self.amina, field_name="hours_attended", new_hours=2.0)
        self._amend(session, self.lucas, field_name="hours_attended", new_hours=1.0)
        self._amend(session, self.lucas, field_name="status", new_status="late")
        self._amend(session, self.sofia, field_name="status", new_status="absent")
        self._amend(session, self.sofia, field_name="status", new_status="present")
        effective = {line.partner_id.id: line.effective_hours for line in session.line_ids}
        self.assertEqual(effective, {self.amina.id: 2.0, self.lucas.id: 3.0, self.sofia.id: 2.0})
        rows = self.env["az.grant.report"].search(
            [("session_id", "=", session.id), ("funding_id", "=", self.funding.id)]
        )
        self.assertEqual({row.partner_id.id: row.attended_hours for row in rows}, effective)
