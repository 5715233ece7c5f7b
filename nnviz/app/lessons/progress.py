"""A student's progress in one lesson, kept in the app's data folder so that it survives a restart.

One JSON file per lesson (<app data>/lessons/<lesson name>.json), written atomically: the step
reached, the tasks passed, each prediction and answer (and whether it was right), hints read, and
the time the lesson was started and finished. `summary` is the text a teacher collects.
"""

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from nnviz.guard import UserError, read_json
from nnviz.io.atomic import atomic_write_text


def default_folder():
    """<app data>/lessons (on Linux ~/.local/share/nnviz/nnviz/lessons)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "lessons"


@dataclass
class Progress:
    """step: index of the task on screen; passed: labels of the tasks whose check held (or that have
    none, once left); predictions / answers: label -> {"choice": i, "text": ..., "right": bool} or,
    for a sketch, {"sketch": [[x, y], ...], "comparison": "..."}; hints: label -> hints read;
    started / finished: seconds since the epoch (wall clock), finished None until the end."""

    lesson: str
    step: int = 0
    passed: list = field(default_factory=list)
    predictions: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    hints: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    finished: float | None = None


class ProgressStore:
    """Progress files in `folder` (default: the app data folder's lessons/)."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder is not None else default_folder()

    def path(self, name):
        return self.folder / f"{name}.json"

    def load(self, name) -> Progress:
        """The saved progress of lesson `name`, or a fresh one (also for an unreadable file)."""
        path = self.path(name)
        if not path.is_file():
            return Progress(name)
        try:
            data = read_json(path, what="lesson progress file")
            known = Progress.__dataclass_fields__
            return Progress(**{k: v for k, v in data.items() if k in known and k != "lesson"}, lesson=name)
        except (UserError, TypeError, AttributeError):
            return Progress(name)

    def save(self, progress: Progress):
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path(progress.lesson), json.dumps(asdict(progress), indent=1, ensure_ascii=False))

    def reset(self, name) -> Progress:
        self.path(name).unlink(missing_ok=True)
        return Progress(name)


def summary(lesson, progress: Progress) -> str:
    """The lesson's summary as plain text: predictions made and whether they were right, answers,
    hints read, tasks passed and the time taken."""
    lines = [f"nnviz lesson: {lesson.title} ({lesson.name})", ""]
    right = total = 0
    for label, _ in lesson.tasks():
        parts = []
        made = progress.predictions.get(label)
        if made and "choice" in made:
            total += 1
            right += bool(made["right"])
            parts.append(f"predicted \"{made['text']}\" ({'right' if made['right'] else 'wrong'})")
        elif made and "comparison" in made:
            parts.append(f"sketched the curve: {made['comparison']}")
        answer = progress.answers.get(label)
        if answer:
            parts.append(f"explained \"{answer['text']}\" ({'right' if answer['right'] else 'wrong'})")
        hints = progress.hints.get(label, 0)
        parts.append(f"{hints} hint{'s' * (hints != 1)}")
        parts.append("passed" if label in progress.passed else "not passed")
        lines.append(f"{label}: " + "; ".join(parts))
    end = progress.finished or time.time()
    minutes = max(0.0, end - progress.started) / 60
    lines += ["", f"predictions right: {right} of {total}",
              f"tasks passed: {len(progress.passed)} of {len(lesson.tasks())}",
              f"time: {minutes:.0f} min{'' if progress.finished else ' so far'}"]
    return "\n".join(lines) + "\n"
