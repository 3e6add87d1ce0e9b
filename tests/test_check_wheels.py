"""The wheel stage's verdicts: wrong metadata and addons loaded from the repository fail.
(The stage itself, building and installing the six wheels, runs in ./setup/test.)"""

import email.message
import subprocess
import sys
import zipfile

from conftest import REPO, load_module

check_wheels = load_module("setup/check_wheels.py")
OWN = {p.name for p in check_wheels.addon_dirs()}


def metadata(name, version, requires):
    msg = email.message.Message()
    msg["Name"] = name
    msg["Version"] = version
    for requirement in requires:
        msg["Requires-Dist"] = requirement
    return msg


MANIFEST = {"version": "18.0.1.0.0", "depends": ["az_booking", "sms"]}


def test_every_addon_has_a_whool_pyproject():
    assert OWN == {
        "az_project_base",
        "az_booking",
        "az_attendance",
        "az_attendance_sms",
        "az_attendance_funder",
        "az_attendance_invoicing",
        "az_booking_attendance",
        "az_booking_sms",
    }
    for addon in OWN:
        text = (REPO / addon / "pyproject.toml").read_text()
        assert 'build-backend = "whool.buildapi"' in text, addon


def test_right_metadata_passes():
    meta = metadata(
        "odoo-addon-az_booking_sms",
        "18.0.1.0.0.7",
        ["odoo-addon-az_booking==18.0.*", "odoo==18.0.*", "phonenumbers>=8.12"],
    )
    assert check_wheels.check_metadata(meta, "az_booking_sms", MANIFEST, OWN, lambda m: True) == []


def test_wrong_name_missing_addon_and_missing_library_fail():
    meta = metadata("odoo18-addon-az_booking_sms", "18.0.1.0.0", ["odoo==18.0.*", "phonenumbers>=8.12"])
    problems = check_wheels.check_metadata(
        meta, "az_booking_sms", MANIFEST, OWN, lambda module: module != "phonenumbers"
    )
    assert any("named 'odoo18-addon-az_booking_sms'" in p for p in problems)
    assert any("odoo-addon-az_booking==18.0.*" in p for p in problems)
    assert any("phonenumbers>=8.12 is not installed" in p for p in problems)


def test_a_wheel_without_odoo_requirement_fails():
    meta = metadata("odoo-addon-az_booking_sms", "18.0.1.0.0", ["odoo-addon-az_booking==18.0.*"])
    problems = check_wheels.check_metadata(meta, "az_booking_sms", MANIFEST, OWN, lambda m: True)
    assert problems == [
        "az_booking_sms: no 'odoo==18.0.*' among its requirements ['odoo-addon-az_booking==18.0.*']"
    ]


def test_addons_loaded_from_the_repository_or_not_installed_fail(tmp_path):
    site = tmp_path / "site-packages"
    result = {
        "code": 0,
        "states": {"az_booking": "installed", "az_attendance": "to install"},
        "files": {
            "az_booking": str(REPO / "az_booking" / "__init__.py"),
            "az_attendance": str(site / "odoo" / "addons" / "az_attendance" / "__init__.py"),
        },
    }
    problems = check_wheels.check_origins(result, ["az_attendance", "az_booking"], site)
    assert problems == [
        "az_attendance is to install, not installed",
        f"az_booking was imported from the repository ({REPO / 'az_booking' / '__init__.py'}), "
        "not from its wheel",
    ]


def test_addons_from_the_wheels_pass(tmp_path):
    site = tmp_path / "site-packages"
    result = {
        "code": 0,
        "states": {"az_booking": "installed"},
        "files": {"az_booking": str(site / "odoo" / "addons" / "az_booking" / "__init__.py")},
    }
    assert check_wheels.check_origins(result, ["az_booking"], site) == []


def test_whool_builds_an_odoo_addon_wheel(tmp_path):
    """One real build (a second or two): the name, the version from the manifest and git,
    the dependencies, the files under odoo/addons."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(tmp_path), str(REPO / "az_booking_sms")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith("odoo_addon_az_booking_sms-18.0.")
    meta = check_wheels.wheel_metadata(wheel)
    assert set(meta.get_all("Requires-Dist")) == {
        "odoo-addon-az_booking==18.0.*",
        "odoo==18.0.*",
        "phonenumbers>=8.12",
    }
    names = zipfile.ZipFile(wheel).namelist()
    assert "odoo/addons/az_booking_sms/__manifest__.py" in names
    assert not any(n in ("odoo/__init__.py", "odoo/addons/__init__.py") for n in names)
    assert "odoo/addons/az_booking_sms/pyproject.toml" not in names
