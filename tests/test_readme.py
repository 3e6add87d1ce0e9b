"""Every addon's description renders with docutils without a single warning: the README.rst
that Odoo renders on install and on its Apps page (ir.module.module._get_desc), and each
readme/ fragment it is written from. README.rst is up to date with its fragments."""

import ast
import io
import subprocess
import sys

import pytest
from conftest import REPO, load_module
from docutils.core import publish_string

gen_readme = load_module("setup/gen_readme.py")
ADDONS = [p.name for p in gen_readme.addon_dirs()]
FRAGMENTS = ["DESCRIPTION.md", "CONFIGURE.md", "USAGE.md", "CONTRIBUTORS.md"]


def docutils_messages(text):
    """What docutils reports about an RST text, at warning level and above, with the settings
    Odoo renders module descriptions with."""
    stream = io.StringIO()
    publish_string(
        source=text,
        writer_name="html4css1",
        settings_overrides={
            "embed_stylesheet": False,
            "doctitle_xform": False,
            "output_encoding": "unicode",
            "xml_declaration": False,
            "file_insertion_enabled": False,
            "report_level": 2,  # warnings and above
            "halt_level": 5,  # collect them all rather than stop at the first
            "warning_stream": stream,
            # whatever docutils.conf is around (the workspace's, setup/docutils.conf, lets only
            # severe messages through): this check sees every warning
            "_disable_config": True,
        },
    )
    return stream.getvalue()


def odoo_description(addon):
    """The text Odoo renders for an addon: the manifest's description, else its README file
    (odoo.modules.module.load_manifest)."""
    manifest = ast.literal_eval((REPO / addon / "__manifest__.py").read_text(encoding="utf-8"))
    if manifest.get("description"):
        return manifest["description"]
    for name in ("README.rst", "README.md", "README.txt"):
        if (REPO / addon / name).is_file():
            return (REPO / addon / name).read_text(encoding="utf-8")
    return ""


def test_the_check_sees_docutils_errors():
    """The mistake Odoo's own mail description makes (its "Unexpected indentation" is printed
    on every install of mail), here as a nested list without its blank line."""
    text = "- **Six ways** to sign, with\n  the device:\n  - *kiosk*: a tablet\n    and a finger\n- next\n"
    assert "(ERROR/3) Unexpected indentation" in docutils_messages(text)


@pytest.mark.parametrize("addon", ADDONS)
def test_description_renders_without_warning(addon):
    text = odoo_description(addon)
    assert text.strip(), f"{addon} has no description: Odoo's Apps page would show nothing"
    assert docutils_messages(text) == ""


@pytest.mark.parametrize("addon", ADDONS)
@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_readme_fragment_exists_and_renders_without_warning(addon, fragment):
    path = REPO / addon / "readme" / fragment
    assert path.is_file(), f"{addon}/readme/{fragment} is missing"
    text = path.read_text(encoding="utf-8")
    assert len(text.split()) >= 5, f"{addon}/readme/{fragment} says next to nothing"
    assert docutils_messages(gen_readme.md_to_rst(text)) == ""


def test_inline_code_becomes_an_rst_literal():
    assert gen_readme.md_to_rst("busy `calendar.event`s, `x`.") == r"busy ``calendar.event``\ s, ``x``."


def test_readme_rst_files_are_up_to_date():
    done = subprocess.run(
        [sys.executable, REPO / "setup" / "gen_readme.py", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, "run setup/gen_readme.py: " + done.stdout
