"""The architecture contract: the layers of the package and no import loops (import-linter, configured in
pyproject.toml), a command line that uses only the public API, and ruff clean on the whole repository."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

import leafbind


def tool(name: str) -> str:
    """The tool installed beside this Python (the test extras), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: python -m pip install -e '.[test]'")
    return found


def test_the_layers_hold_and_nothing_imports_in_a_loop() -> None:
    result = subprocess.run([tool("lint-imports"), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_is_clean_on_the_whole_repository() -> None:
    result = subprocess.run([tool("ruff"), "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_command_line_imports_only_the_public_api() -> None:
    tree = ast.parse((REPO / "publish.py").read_text("utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    ours = {name for name in imported if name and name.split(".")[0] == "leafbind"}
    assert ours == {"leafbind"}
    names = {alias.name for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and node.module == "leafbind" for alias in node.names}
    assert names <= set(leafbind.__all__)


def test_no_deferred_import_or_noqa_dodges_a_loop() -> None:
    """Imports inside functions are allowed only for what is slow to import (WeasyPrint, Pillow, fontTools,
    defusedxml, langcodes, Dask), never for leafbind's own modules."""
    for path in sorted((REPO / "leafbind").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom):
                        assert inner.level == 0 and not (inner.module or "").startswith("leafbind"), \
                            (f"{path.relative_to(REPO)}:{inner.lineno}: a deferred import of leafbind's own "
                             "module")
        assert "E402" not in path.read_text("utf-8"), \
            f"{path.relative_to(REPO)}: an import kept below the code"
