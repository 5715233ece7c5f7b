"""nnviz.data depends on NumPy; Pillow is imported lazily, by the image-file reader only, when it reads a file."""

import ast
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "nnviz" / "data"


def test_importing_nnviz_data_loads_no_qt_pil_or_scipy():
    code = ("import sys, nnviz.data; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'pyqtgraph', 'PIL', 'scipy'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def pil_imports(path):
    """(line, at module level?) of every `import PIL…` / `from PIL… import` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        if any(name.split(".")[0] == "PIL" for name in names):
            yield node.lineno, id(node) in top


def test_only_the_image_file_reader_imports_pillow_and_only_inside_a_function():
    found = {path.name: list(pil_imports(path)) for path in sorted(DATA.rglob("*.py"))}
    found = {name: lines for name, lines in found.items() if lines}
    assert list(found) == ["drawing.py", "image_file.py"]       # drawing.py decodes; image_file.py names errors
    assert not any(at_top for lines in found.values() for _, at_top in lines)
