"""A step's check: "METRIC OP NUMBER" clauses joined by "and", evaluated on a Measured run.

    test_accuracy >= 0.95 and dead_fraction[1] < 0.1
    diverged                      # also: not diverged
    epochs_to_loss[0.1] <= 40     # the first epoch whose training loss is ≤ 0.1 (inf: never)

The metrics and what each measures are in METRICS; docs/lessons.md lists them for authors.
"""

import math
import operator
import re
from dataclasses import dataclass

from nnviz.guard import UserError

OPERATORS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt, "==": operator.eq}


def _epochs_to_loss(m, target):
    return next((i for i, loss in enumerate(m.losses, 1) if loss <= target), math.inf)


def _epochs_to_accuracy(m, target):
    return next((i for i, a in enumerate(m.accuracies, 1) if a >= target), math.inf)


def _dead(m, layer):
    if layer is None:
        return max(m.dead, default=0.0)
    return m.dead[_layer_index(layer, len(m.dead), "hidden layer")]


def _gradient_ratio(m, layer):
    return m.first_ratios[_layer_index(1 if layer is None else layer, len(m.first_ratios), "weight layer")]


def _layer_index(layer, count, what):
    layer = int(layer)
    if not 1 <= layer <= count:
        raise UserError(f"the network has no {what} {layer} (it has {count})")
    return layer - 1


def _knockout_drop(m, _):
    return m.unit_drops()[_knocked_out(m)]


def _knockout_share(m, _):
    drops = m.unit_drops()
    largest = max(drops.values())
    return drops[_knocked_out(m)] / largest if largest > 0 else 1.0


def _knocked_out(m):
    if m.knocked_out is None:
        raise UserError("no unit is knocked out yet: knock out the unit you think matters most")
    return m.knocked_out


# name -> (function(measured, argument), takes an argument, what it measures)
METRICS = {
    "test_accuracy": (lambda m, _: m.test_accuracy, False, "accuracy of the final weights on the test set (0-1)"),
    "train_accuracy": (lambda m, _: m.train_accuracy, False, "accuracy of the final weights on the training set"),
    "gap": (lambda m, _: m.train_accuracy - m.test_accuracy, False, "train_accuracy − test_accuracy"),
    "loss": (lambda m, _: m.losses[-1] if m.losses else math.inf, False, "mean training loss of the last epoch"),
    "test_loss": (lambda m, _: m.test_loss, False, "loss of the final weights on the test set"),
    "epochs": (lambda m, _: len(m.losses), False, "epochs completed"),
    "epochs_to_loss": (_epochs_to_loss, True, "[L]: first epoch whose mean training loss is ≤ L (inf: never)"),
    "epochs_to_accuracy": (_epochs_to_accuracy, True, "[A]: first epoch whose training accuracy (as trained) "
                                                      "is ≥ A (inf: never)"),
    "dead_fraction": (_dead, None, "share of dead units (output 0 on every probe input) in the last epoch: "
                                   "the largest over hidden layers, or [N] of hidden layer N"),
    "gradient_ratio": (_gradient_ratio, None, "‖∂C/∂W‖ of the last layer over that of layer [N] (default 1), "
                                              "in epoch 1: ≥ 100 means the gradient vanishes"),
    "diverged": (lambda m, _: float(m.diverged), False, "1 when the loss blew up and the run was rolled back"),
    "knockout_drop": (_knockout_drop, False, "test accuracy lost by knocking out the student's unit"),
    "knockout_share": (_knockout_share, False,
                       "the knocked-out unit's drop over the largest single-unit drop (1: the most important unit)"),
}
KNOCKOUT_METRICS = ("knockout_drop", "knockout_share")

_CLAUSE = re.compile(r"^\s*(?P<metric>[a-z_]+)\s*(?:\[\s*(?P<arg>[^\]]+?)\s*\])?\s*"
                     r"(?:(?P<op><=|>=|==|<|>)\s*(?P<value>[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|inf))?\s*$")


@dataclass(frozen=True)
class Clause:
    metric: str
    argument: float | None
    op: str
    value: float

    def text(self):
        arg = f"[{self.argument:g}]" if self.argument is not None else ""
        return f"{self.metric}{arg} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Condition:
    """The parsed check; `source` is the text as written."""

    source: str
    clauses: tuple

    @property
    def needs_knock_out(self):
        return any(c.metric in KNOCKOUT_METRICS for c in self.clauses)


def parse_condition(text) -> Condition:
    """A Condition from its text; ValueError with a one-line reason for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("must be a condition such as \"test_accuracy >= 0.95\"")
    clauses = []
    for part in re.split(r"\band\b", text):
        part = part.strip()
        negated = part.startswith("not ")
        match = _CLAUSE.match(part[4:] if negated else part)
        if not match:
            raise ValueError(f"{part!r} is not METRIC OP NUMBER (e.g. test_accuracy >= 0.95)")
        name, arg, op, value = match["metric"], match["arg"], match["op"], match["value"]
        if name not in METRICS:
            raise ValueError(f"unknown metric {name!r}; metrics: {', '.join(METRICS)}")
        takes = METRICS[name][1]
        if arg is not None and takes is False or arg is None and takes is True:
            raise ValueError(f"{name} {'takes no' if takes is False else 'needs an'} [argument]")
        if op is None:
            if name != "diverged":
                raise ValueError(f"{part!r}: compare {name} with a number, e.g. {name} >= 0.9")
            op, value = "==", "0" if negated else "1"
        elif negated:
            raise ValueError(f"{part!r}: write 'not' only before diverged")
        try:
            argument = None if arg is None else float(arg)
        except ValueError:
            raise ValueError(f"{name}[{arg}]: the argument must be a number") from None
        clauses.append(Clause(name, argument, op, float(value)))
    return Condition(text.strip(), tuple(clauses))


def evaluate_clause(clause: Clause, measured) -> float:
    function = METRICS[clause.metric][0]
    return float(function(measured, clause.argument))


def holds(condition: Condition, measured) -> bool:
    """Does every clause of `condition` hold on `measured`?"""
    return all(OPERATORS[c.op](evaluate_clause(c, measured), c.value) for c in condition.clauses)


def explain(condition: Condition, measured) -> str:
    """One line: each clause with the measured value and ✓ or ✗, e.g. "test_accuracy = 0.52 (≥ 0.95 ✗)"."""
    parts = []
    for c in condition.clauses:
        value = evaluate_clause(c, measured)
        ok = OPERATORS[c.op](value, c.value)
        arg = f"[{c.argument:g}]" if c.argument is not None else ""
        parts.append(f"{c.metric}{arg} = {value:.4g} (needs {c.op} {c.value:g} {'✓' if ok else '✗'})")
    return "; ".join(parts)
