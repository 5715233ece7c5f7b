"""Reading a lesson file (TOML, read by the standard library's tomllib) into a Lesson, strictly.

Every problem is one LessonError naming the file, the line and the field, e.g.
"xor.toml: line 14: steps[2].check: unknown metric 'acuracy'; metrics: ...".
"""

import re
import tomllib
from pathlib import Path

from nnviz.guard import UserError, read_capped
from nnviz.io import ExperimentConfig

from .conditions import parse_condition
from .measure import KNOCK_OUT_CHOICES, start_config
from .model import (
    HINTS,
    MAX_STEPS,
    MIN_STEPS,
    SKETCH_CURVES,
    VIEWS,
    Challenge,
    Choice,
    Lesson,
    LessonError,
    Sketch,
    Start,
    Step,
)

MAX_LESSON_BYTES = 256 * 1024
LESSON_KEYS = {"title", "objective", "minutes", "show", "lock", "start", "steps", "challenge"}
START_KEYS = {"preset", "settings", "points", "labels", "weights", "biases"}
STEP_KEYS = {"text", "predict", "do", "look", "check", "explain", "hints", "intended", "naive"}
DO_KEYS = {"set", "train", "knock_out"}
CHOICE_KEYS = {"question", "options", "answer", "feedback"}
SKETCH_KEYS = {"question", "sketch"}
CHALLENGE_KEYS = {"text", "check", "hints", "intended", "naive"}


def load_lesson_file(path) -> Lesson:
    """Read and check the lesson file at `path`."""
    path = Path(path)
    try:
        raw = read_capped(path, MAX_LESSON_BYTES, what="lesson file")
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LessonError(path, None, None, f"not a UTF-8 text file ({error.reason} at byte {error.start})") from None
    except UserError as error:
        raise LessonError(path, None, None, str(error).removeprefix(f"{path}: ")) from None
    return parse_lesson(text, path)


def parse_lesson(text: str, path) -> Lesson:
    """The Lesson that `text` (the contents of the file `path`) describes."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise LessonError(path, int(line[1]) if line else None, None,
                          f"not valid TOML: {re.sub(r' [(]at .*[)]$', '', str(error))}") from None
    return _Reader(text, Path(path)).lesson(data)


class _Reader:
    def __init__(self, text, path):
        self.path = path
        self.lines = _field_lines(text)

    def fail(self, where, message):
        """Raise LessonError for the field at `where` (a tuple path such as ("steps", 1, "check"))."""
        line = None
        for n in range(len(where), -1, -1):
            line = self.lines.get(where[:n])
            if line:
                break
        raise LessonError(self.path, line, _dotted(where), message)

    # -- the parts -----------------------------------------------------------------------------

    def lesson(self, data):
        self.keys(data, (), LESSON_KEYS)
        start = self.start(self.table(data, ("start",)))
        steps = data.get("steps")
        if not isinstance(steps, list) or not MIN_STEPS <= len(steps) <= MAX_STEPS:
            count = len(steps) if isinstance(steps, list) else 0
            self.fail(("steps",), f"a lesson has {MIN_STEPS}-{MAX_STEPS} [[steps]], this one has {count}")
        challenge = None
        if "challenge" in data:
            challenge = self.challenge(self.table(data, ("challenge",)), start)
        return Lesson(
            name=self.path.stem, path=str(self.path),
            title=self.text(data, ("title",)), objective=self.text(data, ("objective",)),
            minutes=self.whole(data, ("minutes",), 1, 60),
            start=start, show=self.fields(data, ("show",)), lock=self.fields(data, ("lock",)),
            steps=tuple(self.step(s, i, start) for i, s in enumerate(steps, 1)), challenge=challenge)

    def start(self, d):
        where = ("start",)
        self.keys(d, where, START_KEYS)
        settings = self.settings(d, where + ("settings",), optional=True)
        start = Start(self.text(d, where + ("preset",)), settings,
                      *(self.numbers(d, where + (key,)) for key in ("points", "labels", "weights", "biases")))
        if (start.points is None) != (start.labels is None):
            self.fail(where + ("labels",), "points and labels go together: give both or neither")
        if (start.weights is None) != (start.biases is None):
            self.fail(where + ("biases",), "weights and biases go together: give both or neither")
        try:
            start_config(start)
        except UserError as error:
            field = getattr(error, "field", None)
            self.fail(where + (("settings", field) if field else ("preset",)), str(error))
        return start

    def step(self, d, i, start):
        where = ("steps", i)
        if not isinstance(d, dict):
            self.fail(where, "must be a table of text, predict, do, look, check, explain, hints")
        self.keys(d, where, STEP_KEYS)
        do = self.table(d, where + ("do",), optional=True)
        self.keys(do, where + ("do",), DO_KEYS)
        predict = self.predict(d.get("predict"), where + ("predict",))
        check = self.condition(d, where + ("check",), optional=True)
        intended, naive = self.variants(d, where, start, check)
        look = d.get("look")
        if look is not None and look not in VIEWS:
            self.fail(where + ("look",), f"{look!r} is not a view; views: {', '.join(VIEWS)}")
        return Step(
            text=self.text(d, where + ("text",)), hints=self.hints(d, where),
            predict=predict, do_settings=self.settings(do, where + ("do", "set"), optional=True, start=start),
            train=self.flag(do, where + ("do", "train")), knock_out=self.flag(do, where + ("do", "knock_out")),
            look=look, check=check,
            explain=None if "explain" not in d else self.choice(d["explain"], where + ("explain",)),
            intended=intended, naive=naive)

    def challenge(self, d, start):
        where = ("challenge",)
        self.keys(d, where, CHALLENGE_KEYS)
        check = self.condition(d, where + ("check",))
        intended, naive = self.variants(d, where, start, check)
        return Challenge(self.text(d, where + ("text",)), check, self.hints(d, where), intended, naive)

    def variants(self, d, where, start, check):
        """The step's intended and naive settings: both needed when it has a check."""
        if check is None:
            for key in ("intended", "naive"):
                if key in d:
                    self.fail(where + (key,), "only a step with a check has intended and naive settings")
            return {}, {}
        found = []
        for key in ("intended", "naive"):
            settings = self.settings(d, where + (key,), start=start, knock_out=True)
            if check.needs_knock_out and "knock_out" not in settings:
                self.fail(where + (key,), "the check is about a knocked-out unit: say which with "
                                          "knock_out = \"most\", \"least\" or \"L:U\"")
            found.append(settings)
        return tuple(found)

    def predict(self, d, where):
        if d is None:
            return None
        if isinstance(d, dict) and "sketch" in d:
            self.keys(d, where, SKETCH_KEYS)
            if d["sketch"] not in SKETCH_CURVES:
                self.fail(where + ("sketch",),
                          f"{d['sketch']!r} is not a curve; sketch one of {', '.join(SKETCH_CURVES)}")
            return Sketch(self.text(d, where + ("question",)), d["sketch"])
        return self.choice(d, where)

    def choice(self, d, where):
        if not isinstance(d, dict):
            self.fail(where, "must be a table with question, options, answer and feedback")
        self.keys(d, where, CHOICE_KEYS)
        options, feedback = (self.texts(d, where + (key,)) for key in ("options", "feedback"))
        if not 2 <= len(options) <= 6:
            self.fail(where + ("options",), f"give 2-6 options, not {len(options)}")
        if len(feedback) != len(options):
            self.fail(where + ("feedback",), f"give one feedback per option: {len(options)} options, "
                                             f"{len(feedback)} feedbacks")
        answer = self.whole(d, where + ("answer",), 1, len(options))
        return Choice(self.text(d, where + ("question",)), options, answer - 1, feedback)

    # -- values --------------------------------------------------------------------------------

    def keys(self, d, where, allowed):
        for key in d:
            if key not in allowed:
                self.fail(where + (key,), f"unknown field; allowed here: {', '.join(sorted(allowed))}")

    def table(self, d, where, optional=False):
        value = d.get(where[-1])
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            self.fail(where, "missing or not a table")
        return value

    def text(self, d, where):
        value = d.get(where[-1])
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "missing or empty; must be text in quotes")
        return value.strip()

    def texts(self, d, where):
        value = d.get(where[-1])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(where, "must be a list of texts in quotes")
        return tuple(v.strip() for v in value)

    def hints(self, d, where):
        hints = self.texts(d, where + ("hints",))
        if len(hints) != HINTS:
            self.fail(where + ("hints",), f"give {HINTS} hints, from a nudge to the exact setting; found {len(hints)}")
        return hints

    def whole(self, d, where, low, high):
        value = d.get(where[-1])
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(where, f"{value!r} is not allowed; must be a whole number {low}-{high}")
        return value

    def flag(self, d, where):
        value = d.get(where[-1], False)
        if not isinstance(value, bool):
            self.fail(where, f"{value!r} is not allowed; must be true or false")
        return value

    def numbers(self, d, where):
        """A nested list of numbers as nested tuples, or None when absent."""
        if where[-1] not in d:
            return None

        def nested(v):
            if isinstance(v, list) and v:
                return tuple(nested(x) for x in v)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return float(v)
            self.fail(where, "must be a list of numbers (nested lists for several rows or layers)")
        return nested(d[where[-1]])

    def fields(self, d, where):
        names = d.get(where[-1], [])
        known = ExperimentConfig.__dataclass_fields__
        if not isinstance(names, list):
            self.fail(where, "must be a list of experiment fields")
        for name in names:
            if name not in known:
                self.fail(where, f"{name!r} is not an experiment field")
        return tuple(names)

    def settings(self, d, where, optional=False, start=None, knock_out=False):
        """A table of experiment settings (checked against the start experiment when given)."""
        value = self.table(d, where, optional)
        settings = dict(value)
        choice = settings.get("knock_out")
        if not isinstance(settings.get("hand_made", True), bool):
            self.fail(where + ("hand_made",), "must be true or false")
        if knock_out and choice is not None and not (
                choice in KNOCK_OUT_CHOICES or re.fullmatch(r"\d+:\d+", str(choice))):
            self.fail(where + ("knock_out",), f"{choice!r}: say \"most\", \"least\" or \"L:U\"")
        if start is not None:
            try:
                start_config(start, settings)
            except UserError as error:
                self.fail(where + (getattr(error, "field", None) or "",), str(error))
        return settings

    def condition(self, d, where, optional=False):
        if where[-1] not in d and optional:
            return None
        try:
            return parse_condition(d.get(where[-1]))
        except ValueError as error:
            self.fail(where, str(error))


def _dotted(where):
    text = ""
    for part in where:
        if part == "":
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _field_lines(text):
    """{field path: line number} for each "key =" line and table header, e.g. ("steps", 2, "check")."""
    lines, table, counts = {}, (), {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\[\s*([\w.]+)\s*\]\]", stripped) or re.match(r"^\[\s*([\w.]+)\s*\]", stripped)
        if header:
            parts = header[1].split(".")
            if stripped.startswith("[["):
                counts[parts[0]] = counts.get(parts[0], 0) + 1
                table = (parts[0], counts[parts[0]], *parts[1:])
            elif parts[0] in counts:
                table = (parts[0], counts[parts[0]], *parts[1:])
            else:
                table = tuple(parts)
            lines.setdefault(table, number)
            continue
        key = re.match(r"^([\w.]+)\s*=", stripped)
        if key:
            path = table + tuple(key[1].split("."))
            lines.setdefault(path, number)
            value = stripped[key.end():]
            for inner in re.finditer(r"(\w+)\s*=", value):      # keys of an inline table on this line
                lines.setdefault(path + (inner[1],), number)
    return lines
