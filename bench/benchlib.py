"""What the benchmark scripts share: the database options and opening Odoo's registry
from the source tree the setup uses."""

import argparse
import sys


def make_parser(description):
    parser = argparse.ArgumentParser(description=description)
    for option in ("--odoo-src", "--addons-path", "--db", "--db-host", "--db-port", "--db-user"):
        parser.add_argument(option, required=True)
    return parser


def open_registry(args):
    """(odoo module, registry of args.db), Odoo imported from args.odoo_src."""
    sys.path.insert(0, args.odoo_src)
    import odoo
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={args.addons_path}",
            f"--db_host={args.db_host}",
            f"--db_port={args.db_port}",
            f"--db_user={args.db_user}",
            "--log-level=warn",
        ]
    )
    return odoo, odoo.modules.registry.Registry(args.db)
