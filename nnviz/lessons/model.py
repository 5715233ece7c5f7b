"""What a lesson is: a start experiment, the controls a student sees, and 3-6 predict-do-look-check-explain steps."""

from dataclasses import dataclass, field

from nnviz.guard import UserError

# The views a step may ask the student to watch ("look"); the app maps each to its dock.
VIEWS = ("loss", "accuracy", "learning_rate", "gradients", "dead_units", "boundary", "network",
         "activations", "health", "runs", "draw")
# The curves a "sketch it" prediction may be about.
SKETCH_CURVES = ("loss", "accuracy")
MIN_STEPS, MAX_STEPS = 3, 6
HINTS = 3


class LessonError(UserError):
    """A bad lesson file: one line "FILE: line N: FIELD: what is wrong"; `field` is the dotted field."""

    def __init__(self, path, line, field_name, message):
        where = f"{path}: line {line}: " if line else f"{path}: "
        super().__init__(f"{where}{field_name + ': ' if field_name else ''}{message}")
        self.path, self.line, self.field = path, line, field_name


@dataclass(frozen=True)
class Choice:
    """A multiple-choice question: `answer` is the index of the right option; feedback[i] is what
    the student reads after choosing option i (the wrong options are the known misconceptions)."""

    question: str
    options: tuple[str, ...]
    answer: int
    feedback: tuple[str, ...]


@dataclass(frozen=True)
class Sketch:
    """"Sketch it": the student draws the `curve` ("loss" or "accuracy") they expect over the epochs."""

    question: str
    curve: str


@dataclass(frozen=True)
class Start:
    """The starting experiment: a preset with `settings` overriding its fields. Optionally a hand-made
    data set (`points`: input rows x, `labels`: classes, used for training and testing alike) and
    hand-set initial parameters (`weights`/`biases`: one nested list per weight layer)."""

    preset: str
    settings: dict
    points: tuple | None = None
    labels: tuple | None = None
    weights: tuple | None = None
    biases: tuple | None = None


@dataclass(frozen=True)
class Step:
    """One step. do_settings: what the step sets itself; train: the step runs training;
    knock_out: the student knocks out a unit after training; intended/naive: the settings (and, for
    a knock-out, "knock_out": "most" | "least" | "L:U") that make the check hold / fail."""

    text: str
    hints: tuple[str, ...]
    predict: Choice | Sketch | None = None
    do_settings: dict = field(default_factory=dict)
    train: bool = False
    knock_out: bool = False
    look: str | None = None
    check: object = None          # a Condition, or None for a step with nothing to measure
    explain: Choice | None = None
    intended: dict = field(default_factory=dict)
    naive: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Challenge:
    """The closing task, checked like a step (no prediction, no explanation)."""

    text: str
    check: object
    hints: tuple[str, ...]
    intended: dict
    naive: dict


@dataclass(frozen=True)
class Lesson:
    name: str                     # the file's stem: how `nnviz lesson check NAME` and progress know it
    path: str
    title: str
    objective: str
    minutes: int
    start: Start
    show: tuple[str, ...]         # the experiment fields whose controls stay visible (empty: all)
    lock: tuple[str, ...]         # shown but not editable
    steps: tuple[Step, ...]
    challenge: Challenge | None = None

    def tasks(self):
        """The steps, then the challenge as a last step-like task: [(label, step or challenge)]."""
        tasks = [(f"step {i}", step) for i, step in enumerate(self.steps, 1)]
        return tasks + ([("challenge", self.challenge)] if self.challenge else [])
