"""How the addons are laid out: controllers hold routes and overridable methods only."""

import ast

import pytest
from conftest import REPO

CONTROLLER_FILES = sorted(REPO.glob("az_*/controllers/*.py"))


def test_there_are_controllers_to_check():
    assert len(CONTROLLER_FILES) >= 5


@pytest.mark.parametrize("path", CONTROLLER_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_controllers_define_no_module_level_function(path):
    """A module-level function of a controller file cannot be overridden by another addon:
    helpers are methods of the controller classes (or of a mixin they inherit)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    assert not functions, f"{path.relative_to(REPO)}: {functions}"
