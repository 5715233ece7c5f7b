"""The bundled lessons in resources/lessons/, by name (the file's stem, e.g. "01-xor-hidden-layer")."""

from nnviz.guard import UserError
from nnviz.resources import resource_path

from .parse import load_lesson_file


def lesson_folder():
    return resource_path("lessons")


def bundled_lessons():
    """Every bundled lesson, in file-name order (the names start with their number)."""
    return [load_lesson_file(path) for path in sorted(lesson_folder().glob("*.toml"))]


def load_lesson(name):
    """The bundled lesson `name`, or the lesson file at the path `name`; UserError listing the names."""
    path = lesson_folder() / f"{name}.toml"
    if path.is_file():
        return load_lesson_file(path)
    if name.endswith(".toml"):
        return load_lesson_file(name)
    names = sorted(p.stem for p in lesson_folder().glob("*.toml"))
    raise UserError(f"unknown lesson {name!r}; lessons: {', '.join(names)}")
