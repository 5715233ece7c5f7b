"""nnviz.io depends on nnviz.core only: no Qt, no nnviz.data, no nnviz.app."""

import subprocess
import sys


def test_importing_nnviz_io_loads_neither_qt_nor_data_nor_app():
    code = ("import sys, nnviz.io; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph') "
            "or m.startswith(('nnviz.data', 'nnviz.app'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
