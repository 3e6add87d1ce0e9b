from . import controllers
from . import models
from . import report
from . import wizards
from .tools import expected_refusals

# the double-booking refusals the flow answers itself stay out of the server's error log
expected_refusals.install()


def pre_init_hook(env):
    """The exclusion constraints of ``az.booking`` (``_sql_constraints``) compare integers
    with ``=`` in a gist index: the ``btree_gist`` extension must exist before Odoo creates
    the table and adds them (an install does not retry a constraint it could not add)."""
    env.cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
