"""DESIGN.md's import rule: the core, data and io packages never import Qt."""

import subprocess
import sys


def test_core_data_io_and_cli_import_no_qt():
    code = ("import sys, importlib\n"
            "for m in ('nnviz.core', 'nnviz.data', 'nnviz.io', 'nnviz.cli'):\n"
            "    try:\n        importlib.import_module(m)\n"
            "    except ModuleNotFoundError as e:\n        if e.name != m: raise\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
