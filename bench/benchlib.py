"""What the benchmark scripts share: the database options and opening Odoo's registry
from the source tree the setup uses."""

import argparse
import sys


def make_parser(description):
    parser = argparse.ArgumentParser(description=description)
    options = ("--odoo-src", "--addons-path", "--data-dir", "--db", "--db-host", "--db-port", "--db-user")
    for option in options:
        parser.add_argument(option, required=True)
    return parser


def open_registry(args):
    """(odoo module, registry of args.db), Odoo imported from args.odoo_src. The data folder
    is the servers' own: a file the script stores (an attachment) is in the filestore they read."""
    sys.path.insert(0, args.odoo_src)
    import odoo
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={args.addons_path}",
            f"--data-dir={args.data_dir}",
            f"--db_host={args.db_host}",
            f"--db_port={args.db_port}",
            f"--db_user={args.db_user}",
            "--log-level=warn",
        ]
    )
    return odoo, odoo.modules.registry.Registry(args.db)


def verdict(problems, fine):
    """Print each problem of a run, or ``fine`` when there is none; the exit status of the run."""
    print("\n" + ("\n".join(f"PROBLEM: {p}" for p in problems) if problems else fine))
    return 1 if problems else 0


def prepare_or_drive(args, prepare, drive):
    """The two modes of a load benchmark: ``prepare`` its database, then ``drive`` its requests
    against running servers; the exit status of the mode."""
    if args.mode == "prepare":
        prepare(args)
        return 0
    return drive(args) or 0
