"""Refuse an Odoo source tree that is not 18.0 Community.

Usage: python3 check_odoo_tree.py ODOO_SRC
Exits 0 when the tree is usable, 1 with one sentence on stderr otherwise.
"""

import ast
import sys
from pathlib import Path

# Addons that only exist in Odoo Enterprise: their presence means an Enterprise build.
ENTERPRISE_MARKERS = (
    "web_enterprise",
    "web_studio",
    "appointment",
    "sign",
    "account_accountant",
    "helpdesk",
    "planning",
)
EXPECTED_MAJOR = (18, 0)


def read_version_info(release_py: Path):
    tree = ast.parse(release_py.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "version_info" for t in node.targets
        ):
            elts = node.value.elts
            return tuple(e.value for e in elts[:2] if isinstance(e, ast.Constant))
    return None


def check(src: Path):
    """Return None when ``src`` is an Odoo 18.0 Community tree, else the reason."""
    release_py = src / "odoo" / "release.py"
    if not (src / "odoo-bin").is_file() or not release_py.is_file():
        return f"{src} is not an Odoo source tree (odoo-bin or odoo/release.py missing)"
    version = read_version_info(release_py)
    if version != EXPECTED_MAJOR:
        found = ".".join(str(v) for v in version) if version else "unknown"
        return f"{src} holds Odoo {found}, and this project needs Odoo 18.0"
    found = [
        name
        for name in ENTERPRISE_MARKERS
        for base in (src / "addons", src / "odoo" / "addons")
        if (base / name / "__manifest__.py").is_file()
    ]
    if found:
        return (
            f"{src} contains Odoo Enterprise addons ({', '.join(sorted(set(found)))}); "
            "this project runs on Odoo 18.0 Community only"
        )
    if not (src / "addons" / "project" / "__manifest__.py").is_file():
        return f"{src} lacks Odoo's standard addons (addons/project missing)"
    return None


def main(argv):
    if len(argv) != 2:
        print("usage: check_odoo_tree.py ODOO_SRC", file=sys.stderr)
        return 2
    reason = check(Path(argv[1]))
    if reason:
        print(f"[az] Refusing the Odoo tree: {reason}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
