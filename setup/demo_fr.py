"""Make the demo database French, as our users see it.

Run by ./setup/run with `odoo-bin shell` once the demo database is created or updated (the
company was made French before the addons were installed: setup/demo_company.py): French
is installed with the translations of every installed module, and becomes the language of
the demo company, of its internal users, of its contacts and of the website (English stays
available on the website and in each user's preferences). The test database of ./setup/test keeps English, the
language its tests read.
"""

# `env` is given by `odoo-bin shell`.
french = env["res.lang"]._activate_lang("fr_FR")  # noqa: F821
english = env.ref("base.lang_en")  # noqa: F821
env["base.language.install"].create({"lang_ids": [(6, 0, french.ids)]}).lang_install()  # noqa: F821
env.ref("base.main_company").partner_id.lang = "fr_FR"  # noqa: F821
env["res.users"].with_context(active_test=False).search(  # noqa: F821
    [("share", "=", False)]
).write({"lang": "fr_FR"})
# the demo's contacts are French: their e-mails, SMS and portal speak French
env["res.partner"].with_context(active_test=False).search([("lang", "in", ("en_US", False))]).write(  # noqa: F821
    {"lang": "fr_FR"}
)
# Odoo loads XML data without a language, and a module's French terms after its data: the
# messages the demo's records logged as they were created, said again in French.
for module in env["ir.module.module"].search([("name", "=like", "az\\_%"), ("state", "=", "installed")]):  # noqa: F821
    env["res.company"]._demo_speak_company_language(module.name)  # noqa: F821
for website in env["website"].search([]):  # noqa: F821
    website.language_ids |= french | english
    website.default_lang_id = french
env.cr.commit()  # noqa: F821
print("demo database in French (English available)")
