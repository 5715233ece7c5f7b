"""Checking a setting's value: one message naming the field, the bad value and what is allowed.

Every validator of settings (the core's TrainConfig, the experiment file's fields) raises
`FieldError` through these functions, so the message reads the same everywhere and the field's
name travels on the error (`error.field`) for a form to put the message under the right editor.
"""

import math

import numpy as np

from nnviz.guard import UserError, shorten
from nnviz.guard.errors import MAX_VALUE_CHARS as MAX_SHOWN  # noqa: F401  (characters of a quoted value)

shown = shorten       # `value` as a message quotes it: its repr, cut to MAX_SHOWN characters


class FieldError(UserError):
    """A bad value for one setting; `field` names it (None when no single setting is to blame)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def reject(field, value, rule):
    """Raise FieldError "field: value is not allowed; rule"."""
    raise FieldError(f"{field}: {shown(value)} is not allowed; {rule}", field)


def is_whole(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_real(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def choice(field, value, allowed, also=""):
    """value must be one of `allowed` (`also` describes further accepted forms)."""
    if value not in allowed:
        reject(field, value, f"allowed: {', '.join(allowed)}{also}")


def number(field, value, low=None, high=None, *, low_open=False, high_open=False, optional=False,
           what="a number", note=""):
    """A finite real number within [low, high] (bounds excluded with *_open); None when optional."""
    if value is None and optional:
        return
    ok = is_real(value) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        lo = "" if low is None else f"{'>' if low_open else '≥'} {low:g}"
        hi = "" if high is None else f"{'<' if high_open else '≤'} {high:g}"
        rule = " and ".join(r for r in (lo, hi) if r)
        reject(field, value, f"must be {what} {rule}{' or null' if optional else ''}{note}")


def whole(field, value, low, *, optional=False):
    """A whole number ≥ low; None when optional."""
    if value is None and optional:
        return
    if not is_whole(value) or value < low:
        reject(field, value, f"must be a whole number ≥ {low}{' or null' if optional else ''}")
