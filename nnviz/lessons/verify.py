"""A lesson's own CI: each checked step's intended settings must pass its check, its naive ones must fail."""

from dataclasses import dataclass

from .conditions import explain, holds
from .measure import measure, start_config, step_start

VARIANTS = ("intended", "naive")


@dataclass(frozen=True)
class StepResult:
    """One verified run: `task` ("step 2", "challenge"), `variant` ("intended" / "naive"), whether the
    check held, whether that is what the lesson promises (`ok`), and the measured values in one line."""

    task: str
    variant: str
    held: bool
    ok: bool
    detail: str


def step_settings(step, variant, seed=None):
    """What a step runs with in its `variant`: what the step sets itself, then the variant's settings
    (`seed` overrides the seed when given)."""
    settings = {**getattr(step, "do_settings", {}), **getattr(step, variant)}
    if seed is not None:
        settings["seed"] = seed
    return settings


def step_config(lesson, step, variant, seed=None):
    """The experiment a step runs with its `variant` settings, from the lesson's start."""
    return start_config(lesson.start, step_settings(step, variant, seed))


def run_step(lesson, step, variant, seed=None):
    """Train the step's `variant` headless and measure it (with its knock-out, if any)."""
    settings = step_settings(step, variant, seed)
    return measure(start_config(lesson.start, settings), step_start(lesson.start, settings),
                   settings.get("knock_out"))


def verify_lesson(lesson, seed=None, on_result=None) -> list[StepResult]:
    """Run every checked task's intended and naive settings; on_result(result) after each run."""
    results = []
    for label, task in lesson.tasks():
        if task.check is None:
            continue
        for variant in VARIANTS:
            measured = run_step(lesson, task, variant, seed)
            held = holds(task.check, measured)
            result = StepResult(label, variant, held, held == (variant == "intended"), explain(task.check, measured))
            results.append(result)
            if on_result:
                on_result(result)
    return results
