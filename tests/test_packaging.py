"""The wheel `pip install .` builds: every package of the checkout and every bundled file is in it."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "nnviz", "resources")


def build_wheel(tmp_path):
    """Build nnviz's wheel from a copy of the checkout (the build leaves build/ and *.egg-info behind)."""
    source = tmp_path / "source"
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out),
                    str(source)], check=True, capture_output=True, timeout=600)
    (wheel,) = out.glob("nnviz-*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


def test_the_wheel_holds_every_package_and_every_bundled_file(tmp_path):
    names = build_wheel(tmp_path)

    packages = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "nnviz").rglob("__init__.py"))]
    assert "nnviz/guard/__init__.py" in packages  # the package a hand-written list once left out
    assert [p for p in packages if p not in names] == []
    modules = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "nnviz").rglob("*.py"))]
    assert [m for m in modules if m not in names] == []

    bundled = [p.relative_to(ROOT / "resources").as_posix() for p in sorted((ROOT / "resources").rglob("*"))
               if p.is_file()]
    assert "presets/digits8x8.json" in bundled
    assert [f for f in bundled if f"nnviz/_resources/{f}" not in names] == []
    assert not any(n.startswith(("tests/", "resources/", "bench/")) for n in names)
