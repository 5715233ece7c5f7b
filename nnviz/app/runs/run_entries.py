"""One row of the Runs dock: a run or a seed group (`Entry`), and the text of its result cells."""

from nnviz.app.views.experiment_form import FORM, RATIO_SLIDER
from nnviz.core import mean_std
from nnviz.io.runs import format_value

LABELS = {name: label for _, name, label, _, _ in FORM}
FORM_ORDER = {name: i for i, name in enumerate(LABELS)}
STATUS = {"stopped": "stopped", "diverged": "diverged", "early_stopping": "stopped early",
          "time_budget": "time is up", "completed": ""}


class Entry:
    """One row: a run or a seed group (records share `group`), with its colour and check state."""

    def __init__(self, records, color):
        self.records, self.color, self.checked = list(records), color, True

    @property
    def key(self):
        return self.records[0].group or self.records[0].run_id

    @property
    def name(self):
        return self.records[0].name

    @property
    def dataset(self):
        return str(self.records[0].config.get("dataset", "?"))

    def settings(self):
        """The settings to compare: a group's seeds as one range."""
        config = dict(self.records[0].config)
        if len(self.records) > 1:
            seeds = sorted(r.config.get("seed", 0) for r in self.records)
            config["seed"] = f"{seeds[0]}–{seeds[-1]} ({len(seeds)} seeds)"
        return config


def setting_text(key, value):
    """A setting as the Runs dock shows it under the form's label: the training ratio as its slider
    reads ("80% train · 20% test", from test_fraction), everything else as `format_value` writes it."""
    if key == "test_fraction" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return RATIO_SLIDER[3](value)
    return format_value(value)


def _percent(value):
    return "" if value is None else f"{100 * value:.2f} %"


def _seconds(value):
    if value is None:
        return ""
    if value < 10:
        return f"{value:.2f} s"
    return f"{value:.1f} s" if value < 120 else f"{int(value // 60)} min {value % 60:02.0f} s"


def result_cells(entry):
    """{column title: text} of an entry's results: final and best validation accuracy, test accuracy."""
    records = entry.records
    first = records[0]
    best, epoch = first.best("val_accuracy")
    tests = [r.final_metrics.get("test_accuracy") for r in records]
    if len(records) > 1 and None not in tests:
        mean, std = mean_std(tests)
        test = f"{100 * mean:.2f} ± {100 * std:.2f} %"
    else:
        test = _percent(tests[0])
    reasons = {STATUS.get(r.final_metrics.get("finish_reason"), "") for r in records} - {""}
    marks = (["pinned"] if first.pinned else []) + (["race"] if first.race else [])
    return {"status": " · ".join(marks + sorted(reasons)),
            "epochs": format_value(first.final_metrics.get("epochs")),
            "final val acc": _percent(first.final_metrics.get("val_accuracy")),
            "best val acc": f"{_percent(best)} (epoch {epoch})" if best is not None else "",
            "test accuracy": test,
            "time": _seconds(first.final_metrics.get("seconds"))}


RESULTS = ("test accuracy", "best val acc", "final val acc", "epochs", "time", "status")
LEGEND_CHARS = 30               # a longer name is shortened in the plots' legends (the table shows it whole)


def legend_name(name):
    """`name` shortened to LEGEND_CHARS with an ellipsis in its middle (the ends tell runs apart)."""
    if len(name) <= LEGEND_CHARS:
        return name
    half = (LEGEND_CHARS - 1) // 2
    return f"{name[:half]}…{name[len(name) - (LEGEND_CHARS - 1 - half):]}"
