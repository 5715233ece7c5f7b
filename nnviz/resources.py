"""Where the bundled resources (datasets, presets, icons) live, from a checkout or an installed wheel."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir() -> Path:
    """Return the folder holding `datasets/` and `presets/`.

    An installed wheel carries it as the package `nnviz/_resources`; a checkout (or an editable
    install) has it at the repository's top level as `resources/`.
    """
    for candidate in (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources"):
        if (candidate / "datasets").is_dir():
            return candidate
    raise FileNotFoundError("nnviz's bundled resources folder was not found; reinstall nnviz")


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("presets", "xor.json")``."""
    return resource_dir().joinpath(*parts)
