"""Make the demo company French before any accounting is installed.

Run by ./setup/run and by the Odoo stage of ./setup/test with `odoo-bin shell` on a database
where only `base` is installed yet (with its demo data): the company is in France and keeps
its books in euros, so that installing `account` afterwards brings Odoo's French localisation
(`l10n_fr_account`: the French chart of accounts and taxes) and every amount of the demo is in
euros. With AZ_DEMO_LANG=fr_FR (./setup/run) French is installed too and becomes the language
of the company and of its administrator before the addons and their demo data are loaded, so
that the addons' French translations load with them and the demo story is told in French. The
test database keeps English, the language its tests read.
"""

import os

# `env` is given by `odoo-bin shell`.
company = env.ref("base.main_company")  # noqa: F821
euro = env.ref("base.EUR")  # noqa: F821
euro.active = True
company.write({"country_id": env.ref("base.fr").id, "state_id": False, "currency_id": euro.id})  # noqa: F821
lang = os.environ.get("AZ_DEMO_LANG", "")
if lang and lang != "en_US":
    active = env["res.lang"]._activate_lang(lang)  # noqa: F821
    env["base.language.install"].create({"lang_ids": [(6, 0, active.ids)]}).lang_install()  # noqa: F821
    company.partner_id.lang = lang
    env.ref("base.user_admin").lang = lang  # noqa: F821
env.cr.commit()  # noqa: F821
print(f"demo company in France, in euros{', language ' + lang if lang else ''}")
