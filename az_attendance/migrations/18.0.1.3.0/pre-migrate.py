"""18.0.1.3.0: the funder's file and the invoicing become addons of their own.

Enrolments, certificates, justification bundles, the grant report and the drop-out alerts
move to ``az_attendance_funder``; invoicing per funder to ``az_attendance_invoicing`` (with
``account``). Their tables and rows stay where they are: this hands their database records
(models, fields, selections, constraints, relations, views, actions, menus, access rights,
record rules, jobs, reports, mail templates, the sequence) to the new addons, so that the end
of this update, which removes the records of ``az_attendance`` it did not load again, deletes
none of them; and it marks both addons to install in the same update (``-u`` alone never
installs a new addon). Runs before ``az_attendance`` loads its new code, hence before the new
addons load theirs.
"""

import logging

_logger = logging.getLogger(__name__)

OLD = "az_attendance"
FUNDER = "az_attendance_funder"
INVOICING = "az_attendance_invoicing"

# Models that move whole (with every field, selection, constraint and relation of theirs).
MODELS = {
    FUNDER: [
        "az.attendance.enrolment",
        "az.attendance.certificate",
        "az.attendance.certificate.wizard",
        "az.attendance.bundle",
        "az.grant.report",
    ],
    INVOICING: ["az.attendance.invoice.entry", "az.attendance.invoice.wizard"],
}

# Fields that move off a model that stays: (model, field).
FIELDS = {
    FUNDER: [
        ("project.project", "az_dropout_absences"),
        ("project.project", "az_dropout_rate"),
        ("project.project", "az_dropout_weeks"),
        ("project.project", "az_dropout_alert_count"),
        ("res.company", "az_legal_representative"),
        ("res.company", "az_certificate_signature"),
        ("res.company", "az_certificate_stamp"),
    ],
    INVOICING: [],
}

# SQL constraints that move off a model that stays.
CONSTRAINTS = {FUNDER: ["project_project_az_dropout_settings"], INVOICING: []}

# The data records (xml ids) the new addons' files declare, as az_attendance declared them.
XMLIDS = {
    FUNDER: [
        # security
        "access_az_grant_report_accountant",
        "access_az_attendance_enrolment_user",
        "access_az_attendance_enrolment_manager",
        "access_az_attendance_enrolment_accountant",
        "access_az_attendance_certificate_user",
        "access_az_attendance_certificate_portal",
        "access_az_attendance_certificate_wizard_user",
        "access_az_attendance_bundle_user",
        "access_az_attendance_bundle_manager",
        "az_attendance_enrolment_rule_company",
        "az_attendance_enrolment_rule_staff",
        "az_attendance_enrolment_rule_accountant",
        "az_attendance_enrolment_rule_manager",
        "az_attendance_certificate_rule_company",
        "az_attendance_certificate_rule_staff",
        "az_attendance_certificate_rule_manager",
        "az_attendance_certificate_rule_portal",
        "az_attendance_bundle_rule_company",
        "az_attendance_bundle_rule_staff",
        "az_attendance_bundle_rule_manager",
        "az_grant_report_rule_company",
        # jobs, template, sequence, report
        "ir_cron_build_bundles",
        "ir_cron_dropout_alerts",
        "mail_template_certificate",
        "seq_az_attendance_certificate",
        "action_report_certificate",
        "report_certificate_document",
        "report_certificate",
        # views, actions, menus
        "az_attendance_enrolment_view_form",
        "az_attendance_enrolment_view_list",
        "az_attendance_enrolment_view_search",
        "az_attendance_enrolment_action",
        "az_attendance_certificate_view_form",
        "az_attendance_certificate_view_list",
        "az_attendance_certificate_view_search",
        "az_attendance_certificate_action",
        "az_attendance_certificate_wizard_view_form",
        "az_attendance_certificate_wizard_action",
        "az_attendance_bundle_view_form",
        "az_attendance_bundle_view_list",
        "az_attendance_bundle_action",
        "az_funding_view_form_attendance",
        "az_grant_report_view_pivot",
        "az_grant_report_view_graph",
        "az_grant_report_view_list",
        "az_grant_report_view_search",
        "az_grant_report_action",
        "az_grant_report_action_verified",
        "az_grant_report_menu",
        "az_attendance_enrolment_menu",
        "az_attendance_certificate_menu",
        "az_attendance_certificate_wizard_menu",
        "az_attendance_bundle_menu",
    ],
    INVOICING: [
        "access_az_attendance_invoice_entry_accountant",
        "access_az_attendance_invoice_wizard_accountant",
        "az_attendance_invoice_entry_rule_company",
        "az_attendance_invoice_entry_view_list",
        "az_attendance_invoice_entry_view_search",
        "az_attendance_invoice_entry_action",
        "az_attendance_invoice_wizard_view_form",
        "az_attendance_invoice_wizard_action",
        "invoice_wizard_preview",
        "az_attendance_invoicing_menu",
        "az_attendance_invoice_wizard_menu",
        "az_attendance_invoice_entry_menu",
    ],
}


def migrate(cr, version):
    if not version:
        return
    for addon in (FUNDER, INVOICING):
        if addon == INVOICING and not _installed(cr, "account"):
            continue
        module_id = _module_id(cr, addon)
        moved = _hand_over(cr, addon, module_id)
        cr.execute(
            "UPDATE ir_module_module SET state = 'to install' WHERE id = %s AND state = 'uninstalled'",
            [module_id],
        )
        _logger.info("%s: %s records handed over from %s, marked to install", addon, moved, OLD)


def _installed(cr, name):
    cr.execute(
        "SELECT 1 FROM ir_module_module WHERE name = %s AND state IN ('installed', 'to upgrade')",
        [name],
    )
    return bool(cr.rowcount)


def _module_id(cr, name):
    """The addon's row (the update refreshed the list of addons before loading; made here
    when the addon was not on the addons path then)."""
    cr.execute("SELECT id FROM ir_module_module WHERE name = %s", [name])
    row = cr.fetchone()
    if row:
        return row[0]
    cr.execute(
        """INSERT INTO ir_module_module (name, state, demo, create_date, write_date)
           VALUES (%s, 'uninstalled', false, now() at time zone 'UTC', now() at time zone 'UTC')
           RETURNING id""",
        [name],
    )
    return cr.fetchone()[0]


def _hand_over(cr, addon, module_id):
    """Give ``addon`` the records of az_attendance it now declares; returns how many."""
    cr.execute("SELECT id FROM ir_model WHERE model = ANY(%s)", [MODELS[addon]])
    model_ids = [row[0] for row in cr.fetchall()]
    field_ids = []
    if model_ids:
        cr.execute("SELECT id FROM ir_model_fields WHERE model_id = ANY(%s)", [model_ids])
        field_ids += [row[0] for row in cr.fetchall()]
    for model, name in FIELDS[addon]:
        cr.execute("SELECT id FROM ir_model_fields WHERE model = %s AND name = %s", [model, name])
        field_ids += [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM ir_model_fields_selection WHERE field_id = ANY(%s)", [field_ids or [0]])
    selection_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "SELECT id FROM ir_model_constraint WHERE module = (SELECT id FROM ir_module_module WHERE name = %s)"
        " AND (model = ANY(%s) OR name = ANY(%s))",
        [OLD, model_ids or [0], CONSTRAINTS[addon] or [""]],
    )
    constraint_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "SELECT id FROM ir_model_relation WHERE module = (SELECT id FROM ir_module_module WHERE name = %s)"
        " AND model = ANY(%s)",
        [OLD, model_ids or [0]],
    )
    relation_ids = [row[0] for row in cr.fetchall()]
    # the constraints and relations name their addon themselves (dropped with it at uninstall)
    cr.execute(
        "UPDATE ir_model_constraint SET module = %s WHERE id = ANY(%s)", [module_id, constraint_ids or [0]]
    )
    cr.execute(
        "UPDATE ir_model_relation SET module = %s WHERE id = ANY(%s)", [module_id, relation_ids or [0]]
    )
    by_model = {
        "ir.model": model_ids,
        "ir.model.fields": field_ids,
        "ir.model.fields.selection": selection_ids,
        "ir.model.constraint": constraint_ids,
        "ir.model.relation": relation_ids,
    }
    moved = 0
    for model, ids in by_model.items():
        cr.execute(
            "UPDATE ir_model_data SET module = %s WHERE module = %s AND model = %s AND res_id = ANY(%s)",
            [addon, OLD, model, ids or [0]],
        )
        moved += cr.rowcount
    cr.execute(
        "UPDATE ir_model_data SET module = %s WHERE module = %s AND name = ANY(%s)",
        [addon, OLD, XMLIDS[addon]],
    )
    return moved + cr.rowcount
