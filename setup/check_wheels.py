"""Build the addons as wheels and install them into an Odoo that does not see this repository.

Run by ./setup/test (its wheel stage) once the bootstrap is done; exits non-zero on any
failure and says which step failed. Steps:

1. ``pip wheel`` builds each addon with its ``pyproject.toml`` (build backend ``whool``, which
   takes the name ``odoo-addon-<addon>``, the version and the dependencies from the manifest);
2. each wheel's metadata is checked: the name, ``odoo==18.0.*``, one ``odoo-addon-<name>``
   requirement per addon of this repository in ``depends``, and every other requirement
   importable in the project's virtualenv;
3. a fresh virtualenv is made beside the project's one: it sees the project's packages (Odoo's
   requirements) through a ``.pth`` file, and the wheels are installed into it, so that the
   addons land in its ``site-packages/odoo/addons`` (a namespace package, no ``__init__.py``);
4. Odoo runs from its source tree with that virtualenv's Python, with an addons path that
   holds Odoo's addons only, and installs the addons into a new database; the check passes
   when they are all installed, Odoo logged no error, and every addon module was imported
   from the virtualenv's ``site-packages``, never from this repository.

Odoo itself is not a wheel here (the setup runs it from its source): the wheels are installed
with ``--no-deps`` because pip cannot see an ``odoo`` distribution; step 2 checks instead
that their requirements are met.
"""

import argparse
import ast
import email.parser
import importlib.util
import json
import re
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The same as run_tests.LEVEL_RE: a line Odoo logs at ERROR or CRITICAL level; and the same as
# run_tests.DOCUTILS_RE: a docutils error printed while Odoo renders a module description.
LEVEL_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")
DOCUTILS_RE = re.compile(r"^<string>:\d+: \((ERROR|SEVERE)/\d\) ")
REQ_NAME_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
# Python distribution name -> module it provides, where they differ.
IMPORT_NAMES = {"python-dateutil": "dateutil", "pillow": "PIL", "pyyaml": "yaml"}

# Run inside the fresh virtualenv: Odoo from its source tree (first on sys.path, so that
# `import odoo` is the real package and not the bare namespace the wheels create in
# site-packages), then the modules' origins and states once the install is done.
DRIVER = """
import json, sys
sys.path.insert(0, {odoo_src!r})
sys.argv = ["odoo-bin"] + {args!r}
import odoo
from odoo.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
registry = odoo.modules.registry.Registry({db!r})
with registry.cursor() as cr:
    cr.execute("SELECT name, state FROM ir_module_module WHERE name IN %s", [tuple({addons!r})])
    states = dict(cr.fetchall())
files = {{
    name: getattr(sys.modules.get("odoo.addons." + name), "__file__", None) for name in {addons!r}
}}
print("AZ-WHEELS " + json.dumps({{"code": code, "states": states, "files": files,
                                  "odoo": odoo.__file__}}), flush=True)
"""


def addon_dirs(repo=REPO):
    """The repository's addons, each a folder with a manifest and a pyproject.toml."""
    return sorted(p.parent for p in repo.glob("*/__manifest__.py"))


def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))


def wheel_metadata(wheel_path):
    """The METADATA of a wheel, as an email.message.Message."""
    with zipfile.ZipFile(wheel_path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.HeaderParser().parsestr(archive.read(name).decode("utf-8"))


def check_metadata(metadata, addon, manifest, own_addons, importable):
    """Problems of one wheel's metadata, as sentences (empty when it is right).

    ``importable(module_name)`` tells whether a Python module can be imported where Odoo runs.
    """
    problems = []
    if metadata["Name"] != f"odoo-addon-{addon}":
        problems.append(f"{addon}: the wheel is named {metadata['Name']!r}, not 'odoo-addon-{addon}'")
    if not (metadata["Version"] or "").startswith(manifest["version"]):
        problems.append(f"{addon}: version {metadata['Version']} does not start with {manifest['version']}")
    requires = metadata.get_all("Requires-Dist") or []
    if "odoo==18.0.*" not in requires:
        problems.append(f"{addon}: no 'odoo==18.0.*' among its requirements {requires}")
    wanted = {f"odoo-addon-{d}==18.0.*" for d in manifest.get("depends", []) if d in own_addons}
    declared = {r for r in requires if r.startswith("odoo-addon-")}
    if declared != wanted:
        problems.append(f"{addon}: addon requirements {sorted(declared)}, expected {sorted(wanted)}")
    for requirement in requires:
        if requirement.startswith("odoo"):
            continue
        dist = REQ_NAME_RE.match(requirement).group(1)
        module = IMPORT_NAMES.get(dist.lower(), dist.replace("-", "_"))
        if not importable(module):
            problems.append(f"{addon}: requirement {requirement} is not installed where Odoo runs")
    return problems


def check_origins(result, addons, site_packages, repo=REPO):
    """Problems of the Odoo run seen from inside it (empty when every addon came from the
    wheels and is installed)."""
    problems = []
    if result["code"]:
        problems.append(f"Odoo exited with code {result['code']}")
    for addon in addons:
        state = result["states"].get(addon)
        if state != "installed":
            problems.append(f"{addon} is {state or 'unknown to Odoo'}, not installed")
        origin = result["files"].get(addon)
        if not origin:
            problems.append(f"{addon} was not imported by Odoo")
            continue
        origin = Path(origin).resolve()
        if origin.is_relative_to(repo.resolve()):
            problems.append(f"{addon} was imported from the repository ({origin}), not from its wheel")
        elif not origin.is_relative_to(Path(site_packages).resolve() / "odoo" / "addons"):
            problems.append(f"{addon} was imported from {origin}, not from the wheel's site-packages")
    return problems


def say(message):
    print(f"[az] wheels: {message}", flush=True)


def run(cmd, **kwargs):
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{done.stdout}{done.stderr}")
    return done


def build_wheels(python, addons, dist):
    say(f"building {len(addons)} wheels with whool")
    run(
        [python, "-m", "pip", "--disable-pip-version-check", "wheel", "-q", "--no-deps"]
        + ["--no-build-isolation", "--wheel-dir", str(dist)]
        + [str(a) for a in addons]
    )
    wheels = {}
    for wheel in dist.glob("*.whl"):
        metadata = wheel_metadata(wheel)
        wheels[metadata["Name"].removeprefix("odoo-addon-")] = (wheel, metadata)
    return wheels


def make_venv(python, venv):
    """A virtualenv that sees the project's packages (Odoo's requirements) but not this
    repository, and holds the wheels in its own site-packages."""
    say(f"creating the virtualenv {venv}")
    run([python, "-m", "venv", "--without-pip", str(venv)])
    new_python = venv / "bin" / "python"
    site = Path(
        run([new_python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip()
    )
    # the project venv's packages come after the new venv's own (a .pth appends to sys.path)
    (site / "az_project_venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return new_python, site


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--db", required=True, help="an empty database, created by the caller")
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--install", default="az_booking,az_attendance_funder,az_attendance_invoicing,sms")
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER, help="-- then the --db_* options")
    args = parser.parse_args()
    odoo_args = [a for a in args.odoo_args if a != "--"]
    python = sys.executable
    addon_paths = addon_dirs()
    own = {p.name for p in addon_paths}
    problems = []

    with tempfile.TemporaryDirectory(prefix="az-wheels-") as tmp:
        tmp = Path(tmp)
        try:
            wheels = build_wheels(python, addon_paths, tmp / "dist")
        except RuntimeError as exc:
            print(exc)
            return 1
        for addon_dir in addon_paths:
            if addon_dir.name not in wheels:
                problems.append(f"no wheel was built for {addon_dir.name}")
                continue
            problems += check_metadata(
                wheels[addon_dir.name][1],
                addon_dir.name,
                read_manifest(addon_dir),
                own,
                lambda module: importlib.util.find_spec(module) is not None,
            )
        if problems:
            for problem in problems:
                print(f"[az] FAIL: {problem}")
            return 1
        say(", ".join(sorted(w.name for w, _m in wheels.values())))

        new_python, site = make_venv(python, tmp / "venv")
        say("installing the wheels into it (pip --no-deps: Odoo runs from its source, not a wheel)")
        run(
            [python, "-m", "pip", "--disable-pip-version-check", "--python", new_python, "install", "-q"]
            + ["--no-deps", "--no-index"]
            + [str(w) for w, _m in wheels.values()]
        )
        for addon in own:
            if not (site / "odoo" / "addons" / addon / "__manifest__.py").is_file():
                problems.append(f"{addon} is not in {site}/odoo/addons after pip install")
        if (site / "odoo" / "__init__.py").exists():
            problems.append(f"{site}/odoo/__init__.py exists: the wheels would hide Odoo's own package")

        odoo_argv = [
            f"--addons-path={args.odoo_src}/addons,{args.odoo_src}/odoo/addons",
            f"--data-dir={tmp / 'data'}",
            *odoo_args,
            "-d",
            args.db,
            "-i",
            args.install,
            "--without-demo=all",
            "--stop-after-init",
            "--max-cron-threads=0",
            f"--http-port={args.http_port}",
            "--log-level=info",
        ]
        driver = tmp / "install_from_wheels.py"
        driver.write_text(
            DRIVER.format(odoo_src=str(args.odoo_src), args=odoo_argv, db=args.db, addons=sorted(own))
        )
        say(f"Odoo installs {args.install} on {args.db} from the wheels (log: {args.log})")
        with open(args.log, "w", encoding="utf-8") as log:
            done = subprocess.run(
                [new_python, str(driver)],
                cwd=tmp,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            log.write(done.stdout)
        result_lines = [ln for ln in done.stdout.splitlines() if ln.startswith("AZ-WHEELS ")]
        errors = [ln for ln in done.stdout.splitlines() if LEVEL_RE.match(ln) or DOCUTILS_RE.match(ln)]
        if not result_lines:
            problems.append(f"Odoo stopped before the end of the install (exit code {done.returncode})")
        else:
            result = json.loads(result_lines[-1].removeprefix("AZ-WHEELS "))
            problems += check_origins(result, sorted(own), site)
            if not Path(result["odoo"]).resolve().is_relative_to(Path(args.odoo_src).resolve()):
                problems.append(f"Odoo was imported from {result['odoo']}, not from {args.odoo_src}")
        problems += [f"Odoo logged: {line[:300]}" for line in errors[:10]]

    for problem in problems:
        print(f"[az] FAIL: {problem}")
    if not problems:
        say(f"the {len(own)} addons were installed from their wheels")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
