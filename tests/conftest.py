"""Helpers shared by the repository-level tests (no Odoo import here)."""

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def load_module(relative_path, name=None):
    """Import a pure-Python module of the repository by its path, without importing the
    addon package around it (which would import Odoo)."""
    path = REPO / relative_path
    name = name or "az_pure_" + path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def repo():
    return REPO
