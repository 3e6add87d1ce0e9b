"""The workshop occurrence gets one name: ``az.booking.slot`` becomes ``az.booking.occurrence``
(table, sequence, constraints, the table of its staff, field ``slot_id`` → ``occurrence_id`` on the
booking, ``session_ids`` → ``occurrence_ids`` on the type, the two wizards), so that "slot"
means only a free time of the engine and "session" only an attendance session.

Every row keeps its id; the messages, followers, activities, attachments and calendar events
that point at an occurrence follow it (every ``model``/``res_model`` column naming the former
model); the ids of the model, its fields, views, rules and access rows are renamed in
``ir_model_data`` rather than created anew, so tracking values, record rules kept with
``noupdate`` and anything else pointing at them stay attached.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MODELS = {
    "az.booking.slot": "az.booking.occurrence",
    "az.booking.session.wizard": "az.booking.occurrence.wizard",
    "az.booking.session.cancel.wizard": "az.booking.occurrence.cancel.wizard",
}
TABLES = {
    "az_booking_slot": "az_booking_occurrence",
    "az_booking_slot_user_rel": "az_booking_occurrence_user_rel",
    # the wizards' rows are throw-away (transient): emptied, then renamed with their model
    "az_booking_session_wizard": "az_booking_occurrence_wizard",
    "az_booking_session_cancel_wizard": "az_booking_occurrence_cancel_wizard",
}
TRANSIENT_TABLES = ["az_booking_session_wizard", "az_booking_session_cancel_wizard"]
# the wizards' many2many tables, named by Odoo after the former tables: dropped, made anew
DROPPED_RELATIONS = [
    "az_booking_session_cancel_wizard_az_booking_slot_rel",
    "az_booking_session_wizard_res_users_rel",
]
# many2many tables whose column names the former model: (table, former column, new column)
RELATION_COLUMNS = [("az_booking_occurrence_user_rel", "slot_id", "occurrence_id")]
# (model, former field, new field); the column is renamed where the field is stored
FIELDS = [
    ("az.booking", "slot_id", "occurrence_id"),
    ("az.booking.type", "session_ids", "occurrence_ids"),
    ("az.booking.occurrence.cancel.wizard", "session_ids", "occurrence_ids"),
]
# xml ids, per module: the parts renamed, in this order (the addons' files say "occurrence"
# wherever they said "session" or named the former model's table)
XMLID_PARTS = {
    "az_booking": [
        ("az_booking_slot", "az_booking_occurrence"),
        ("session", "occurrence"),
        ("__slot_id", "__occurrence_id"),
    ],
    "az_booking_sms": [("session", "occurrence")],
    "az_booking_attendance": [("az_booking_slot", "az_booking_occurrence")],
}
# the ids Odoo gives, in every module, to a model's inheritance of a mixin
INHERIT_XMLID = ("model_inherit__az_booking_slot__", "model_inherit__az_booking_occurrence__")


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT 1 FROM ir_model WHERE model = 'az.booking.slot'")
    if not cr.fetchone():
        return
    rename_tables(cr)
    rename_models(cr)
    rename_fields(cr)
    rename_xmlids(cr)
    _logger.info("az.booking.slot renamed az.booking.occurrence")


def _table_exists(cr, table):
    cr.execute("SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'r'", [table])
    return bool(cr.fetchone())


def _rename_column(cr, table, old, new):
    """Rename a column where it exists (a field that is not stored has none)."""
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [table, old],
    )
    if cr.fetchone():
        cr.execute(
            SQL(
                "ALTER TABLE %s RENAME COLUMN %s TO %s",
                SQL.identifier(table),
                SQL.identifier(old),
                SQL.identifier(new),
            )
        )


def rename_tables(cr):
    for table in DROPPED_RELATIONS:
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        cr.execute("DELETE FROM ir_model_relation WHERE name = %s", [table])
    for table in TRANSIENT_TABLES:
        if _table_exists(cr, table):
            cr.execute(SQL("DELETE FROM %s", SQL.identifier(table)))
    for old, new in TABLES.items():
        if not _table_exists(cr, old) or _table_exists(cr, new):
            continue
        cr.execute(SQL("ALTER TABLE %s RENAME TO %s", SQL.identifier(old), SQL.identifier(new)))
        cr.execute(
            SQL(
                "ALTER SEQUENCE IF EXISTS %s RENAME TO %s",
                SQL.identifier(f"{old}_id_seq"),
                SQL.identifier(f"{new}_id_seq"),
            )
        )
        # constraints and indexes carry the table's name (Odoo names them <table>_<name>)
        cr.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND conname LIKE %s",
            [new, f"{old}%"],
        )
        for (name,) in cr.fetchall():
            cr.execute(
                SQL(
                    "ALTER TABLE %s RENAME CONSTRAINT %s TO %s",
                    SQL.identifier(new),
                    SQL.identifier(name),
                    SQL.identifier(new + name[len(old) :]),
                )
            )
        cr.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s", [new, f"{old}%"]
        )
        for (name,) in cr.fetchall():
            cr.execute(
                SQL(
                    "ALTER INDEX %s RENAME TO %s",
                    SQL.identifier(name),
                    SQL.identifier(new + name[len(old) :]),
                )
            )
        cr.execute(
            "UPDATE ir_model_constraint SET name = %s || substr(name, %s) WHERE name LIKE %s",
            [new, len(old) + 1, f"{old}%"],
        )
        cr.execute("UPDATE ir_model_relation SET name = %s WHERE name = %s", [new, old])
    for table, old, new in RELATION_COLUMNS:
        _rename_column(cr, table, old, new)
    for old, new in TABLES.items():
        cr.execute("UPDATE ir_model_fields SET relation_table = %s WHERE relation_table = %s", [new, old])
    for table, old, new in RELATION_COLUMNS:
        for column in ("column1", "column2"):
            cr.execute(
                SQL(
                    "UPDATE ir_model_fields SET %s = %s WHERE relation_table = %s AND %s = %s",
                    SQL.identifier(column),
                    new,
                    table,
                    SQL.identifier(column),
                    old,
                )
            )


def rename_models(cr):
    """Every character column named like a model reference, in every table (as a model
    rename must: messages, followers, activities, attachments, calendar events, actions,
    views, filters, defaults...)."""
    cr.execute("""
        SELECT c.table_name, c.column_name
          FROM information_schema.columns c
          JOIN information_schema.tables t
            ON t.table_name = c.table_name AND t.table_schema = c.table_schema
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND c.column_name IN ('model', 'res_model', 'relation', 'model_name', 'res_model_name')
           AND c.data_type IN ('character varying', 'text')
    """)
    columns = cr.fetchall()
    for old, new in MODELS.items():
        for table, column in columns:
            cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE %s = %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    new,
                    SQL.identifier(column),
                    old,
                )
            )
        # ir_model.name is the description, a translated jsonb: the new code writes it again


def rename_fields(cr):
    for model, old, new in FIELDS:
        cr.execute("SELECT id FROM ir_model_fields WHERE model = %s AND name = %s", [model, old])
        row = cr.fetchone()
        if not row:
            continue
        cr.execute("UPDATE ir_model_fields SET name = %s WHERE id = %s", [new, row[0]])
        _rename_column(cr, model.replace(".", "_"), old, new)
        # the inverse of one2many fields names the renamed field
        cr.execute(
            "UPDATE ir_model_fields SET relation_field = %s WHERE relation = %s AND relation_field = %s",
            [new, model, old],
        )
        cr.execute(
            "UPDATE ir_model_fields SET related = replace(related, %s, %s) WHERE related LIKE %s",
            [old + ".", new + ".", f"{old}.%"],
        )


def rename_xmlids(cr):
    for module, parts in XMLID_PARTS.items():
        for old, new in parts:
            cr.execute(
                """
                UPDATE ir_model_data d SET name = replace(d.name, %s, %s)
                 WHERE d.module = %s AND strpos(d.name, %s) > 0
                   AND NOT EXISTS (SELECT 1 FROM ir_model_data n
                                    WHERE n.module = d.module AND n.name = replace(d.name, %s, %s))
                """,
                [old, new, module, old, old, new],
            )
    old, new = INHERIT_XMLID
    cr.execute(
        "UPDATE ir_model_data SET name = replace(name, %s, %s) WHERE strpos(name, %s) = 1",
        [old, new, old],
    )
