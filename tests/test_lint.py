"""The Python of the repository passes ruff, lint and format (rules in ruff.toml)."""

import subprocess
import sys

from conftest import REPO


def _ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, str(REPO)], capture_output=True, text=True, check=False
    )


def test_ruff_finds_nothing():
    result = _ruff("check", "--output-format", "concise", "--no-fix")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing():
    result = _ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
