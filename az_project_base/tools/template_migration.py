"""Post-migrations of the e-mail and SMS templates an addon loads with ``noupdate``: an update
keeps the database's copy, so the copies still as the former code made them are brought to
the current code, and a template an administrator edited keeps its own wording.

Plain SQL on the cursor Odoo hands to a migration script (no Odoo import)."""

import json

# the tables of the templates, {table: model}; the only ones these helpers write to
TEMPLATE_MODELS = {"mail_template": "mail.template", "sms_template": "sms.template"}
# the translated columns (JSON by language) whose text a migration may renew
TEXT_COLUMNS = {"mail_template": ("subject", "body_html"), "sms_template": ("body",)}


def renew_language(cr, table, module, former, current):
    """The templates of ``module`` in ``table`` whose language expression is still ``former``
    get ``current``; returns how many changed."""
    model = TEMPLATE_MODELS[table]
    cr.execute(
        f"""
        UPDATE {table} SET lang = %s
         WHERE lang = %s
           AND id IN (SELECT res_id FROM ir_model_data WHERE module = %s AND model = %s)
        """,
        (current, former, module, model),
    )
    return cr.rowcount


def renew_text(cr, table, column, xmlid, changes):
    """In the translated ``column`` of the template ``xmlid`` ("module.name"), each language's
    text that still holds the former passage gets the current one, the rest untouched.
    ``changes``: {lang: (former, current)}; a language not named takes en_US's. Returns the
    languages changed."""
    if column not in TEXT_COLUMNS[table]:
        raise ValueError(f"{table}.{column} is not a translated text of a template")
    module, name = xmlid.split(".", 1)
    cr.execute(
        f"""
        SELECT t.id, t.{column} FROM {table} t
          JOIN ir_model_data d ON d.res_id = t.id AND d.model = %s
         WHERE d.module = %s AND d.name = %s
        """,
        (TEMPLATE_MODELS[table], module, name),
    )
    renewed = []
    for template_id, texts in cr.fetchall():
        changed = {}
        for lang, text in (texts or {}).items():
            former, current = changes.get(lang) or changes["en_US"]
            if text and former in text:
                changed[lang] = text.replace(former, current)
        if changed:
            cr.execute(
                f"UPDATE {table} SET {column} = {column} || %s::jsonb WHERE id = %s",
                (json.dumps(changed), template_id),
            )
            renewed += sorted(changed)
    return renewed
