"""DESIGN.md's layers: every import inside nnviz goes the one allowed way, and the lower layers import no Qt."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nnviz"

# Modules every layer may import: the bare `nnviz` (for its version), nnviz.resources (where bundled files
# are), nnviz.guard (user errors, safe file reads, memory checks: standard library and NumPy only) and
# nnviz.seeds (the seed streams, NumPy only: the data, the core and the workflow draw from them).
FOUNDATION = ("nnviz", "nnviz.resources", "nnviz.guard", "nnviz.seeds")
# layer -> the nnviz layers it may import (besides itself and FOUNDATION)
ALLOWED = {
    "nnviz.guard": set(),
    "nnviz.core": set(),
    "nnviz.data": set(),
    "nnviz.io": {"nnviz.core"},
    "nnviz.prepare": {"nnviz.core", "nnviz.data", "nnviz.io"},
    "nnviz.evaluation": {"nnviz.core", "nnviz.data", "nnviz.io"},
    "nnviz.export": {"nnviz.core", "nnviz.data", "nnviz.io"},
    "nnviz.lessons": {"nnviz.core", "nnviz.data", "nnviz.io", "nnviz.prepare", "nnviz.evaluation"},
    "nnviz.cli": {"nnviz.core", "nnviz.data", "nnviz.io", "nnviz.prepare", "nnviz.evaluation", "nnviz.export",
                  "nnviz.lessons"},
    "nnviz.app": {"nnviz.core", "nnviz.data", "nnviz.io", "nnviz.prepare", "nnviz.evaluation", "nnviz.export",
                  "nnviz.lessons"},
}
QT = ("PySide6", "pyqtgraph")


def layer_of(module):
    """The layer a dotted module name belongs to (the longest ALLOWED key it starts with)."""
    for name in sorted(ALLOWED, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    return module


def imports_of(path):
    """Every absolute module name `path` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_import_goes_the_way_design_md_allows():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = layer_of(module_name(path))
        if layer not in ALLOWED:
            continue
        for imported in imports_of(path):
            root = imported.split(".")[0]
            if layer in ("nnviz.guard", "nnviz.core", "nnviz.data", "nnviz.io", "nnviz.prepare", "nnviz.evaluation",
                         "nnviz.export", "nnviz.lessons", "nnviz.cli") and root in QT:
                wrong.append(f"{path.relative_to(PACKAGE.parent)} imports {imported}")
            if root != "nnviz" or imported in FOUNDATION or layer_of(imported) == "nnviz.guard":
                continue
            target = layer_of(imported)
            if target != layer and target not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)} imports {imported}")
    assert wrong == []


@pytest.mark.parametrize("package", ["core", "guard"])
def test_the_core_and_the_guards_import_numpy_and_the_standard_library_only(package):
    third_party = set()
    for path in (PACKAGE / package).rglob("*.py"):
        for imported in imports_of(path):
            root = imported.split(".")[0]
            if root not in sys.stdlib_module_names and root not in ("numpy", "nnviz"):
                third_party.add(imported)
    assert third_party == set()


def test_core_data_io_workflow_and_cli_import_no_qt_at_run_time():
    code = ("import sys, importlib\n"
            "for m in ('nnviz.guard', 'nnviz.core', 'nnviz.data', 'nnviz.io', 'nnviz.prepare', 'nnviz.evaluation',\n"
            "          'nnviz.export', 'nnviz.lessons', 'nnviz.cli'):\n"
            "    importlib.import_module(m)\n"
            "print(sorted(m for m in sys.modules if m.startswith(QT)))").replace("QT", repr(QT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
