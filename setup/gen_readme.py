"""Write each addon's README.rst from its manifest and its readme/ fragments.

The fragments (``readme/DESCRIPTION.md``, ``CONFIGURE.md``, ``USAGE.md``, ``CONTRIBUTORS.md``,
OCA's names) are the source; README.rst is what Odoo shows as the module's description (its
Apps page), what the wheel carries as its long description, and what pylint-odoo asks for.
The fragments are written in the part of Markdown that reStructuredText reads the same way
(paragraphs, ``-`` and ``1.`` lists with a blank line around nested ones, ``*emphasis*``,
``**strong**``); inline code in single backquotes becomes an RST literal here.

    python setup/gen_readme.py           # rewrite the README.rst files that changed
    python setup/gen_readme.py --check   # exit 1 when one is out of date

tests/test_readme.py renders every README.rst and fragment with docutils and fails on any
warning; the pre-commit hook `gen-readme` keeps the files up to date.
"""

import argparse
import ast
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION.md", "Description"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("CONTRIBUTORS.md", "Contributors"),
]
HEADER = ".. Written by setup/gen_readme.py from __manifest__.py and readme/*.md: edit those instead."
# `code` (Markdown) -> ``code`` (RST); the backslash-space RST needs when a word goes on
# right after the literal (`calendar.event`s) or right before it.
CODE_RE = re.compile(r"(?<!`)(\w?)`([^`\n]+)`(?!`)(\w?)")


def md_to_rst(text):
    """The fragment's Markdown as reStructuredText (inline code is all that differs)."""

    def literal(match):
        before, code, after = match.groups()
        return before + ("\\ " if before else "") + f"``{code}``" + ("\\ " if after else "") + after

    return CODE_RE.sub(literal, text)


def title(text, char, overline=False):
    line = char * len(text)
    return f"{line}\n{text}\n{line}\n" if overline else f"{text}\n{line}\n"


def render(addon_dir):
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
    parts = [HEADER + "\n", title(manifest["name"], "=", overline=True)]
    parts.append(manifest["summary"].strip() + "\n")
    parts.append(
        f"- Technical name: ``{addon_dir.name}``, version {manifest['version']}, Odoo 18.0 Community\n"
        f"- License: {manifest['license']}; author: {manifest['author']}; {manifest['website']}\n"
        f"- Python package: ``odoo-addon-{addon_dir.name}``\n"
    )
    for fragment, heading in SECTIONS:
        path = addon_dir / "readme" / fragment
        if path.is_file():
            parts.append(title(heading, "="))
            parts.append(md_to_rst(path.read_text(encoding="utf-8")).strip() + "\n")
    return "\n".join(parts)


def addon_dirs(repo=REPO):
    return sorted(p.parent for p in repo.glob("*/__manifest__.py"))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only say which README.rst is out of date")
    args = parser.parse_args()
    stale = []
    for addon_dir in addon_dirs():
        path = addon_dir / "README.rst"
        text = render(addon_dir)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path.relative_to(REPO))
            if not args.check:
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{path} {'is out of date' if args.check else 'written'}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
