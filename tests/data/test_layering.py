"""nnviz.data depends on NumPy only: importing it pulls in no Qt, plotting or imaging library."""

import subprocess
import sys


def test_importing_nnviz_data_loads_no_qt_pil_or_scipy():
    code = ("import sys, nnviz.data; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'pyqtgraph', 'PIL', 'scipy'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
