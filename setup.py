"""Which packages the nnviz wheel holds: every package under nnviz/, found, plus the bundled files.

The rest of the build (metadata, dependencies, scripts) is in pyproject.toml. Packages are found
(`find_packages`), never listed by hand: a hand-written list once left out `nnviz.guard`, and the
installed CLI failed from any folder but the checkout. The bundled datasets and presets live at the
top of the repository in `resources/` and are installed as the package `nnviz._resources`
(nnviz/resources.py looks in both places). pyproject.toml alone cannot say this: its
`[tool.setuptools.packages.find]` only finds folders on disk and ignores a `package-dir` mapping.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["nnviz", "nnviz.*"]), "nnviz._resources"],
    package_dir={"nnviz._resources": "resources"},
    package_data={"nnviz._resources": ["**/*"]},
)
