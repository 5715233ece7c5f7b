"""Lessons: plain-text lesson files, their checks evaluated on a run's measured state, headless verification.

    lesson = load_lesson("xor-hidden-layer")          # or load_lesson_file(path)
    measured = measure(step_config(lesson, step, "intended"), lesson.start)
    holds(step.check, measured)

No Qt here: the app's lesson panel and `nnviz lesson` both build on this package.
"""

from .conditions import Condition, holds, parse_condition
from .library import bundled_lessons, lesson_folder, load_lesson
from .measure import Measured, measure
from .model import VIEWS, Challenge, Choice, Lesson, LessonError, Sketch, Start, Step
from .parse import load_lesson_file, parse_lesson
from .verify import StepResult, step_config, verify_lesson

__all__ = [
    "Condition", "holds", "parse_condition", "bundled_lessons", "lesson_folder", "load_lesson", "Measured",
    "measure", "VIEWS", "Challenge", "Choice", "Lesson", "LessonError", "Sketch", "Start", "Step",
    "load_lesson_file", "parse_lesson", "StepResult", "step_config", "verify_lesson",
]
