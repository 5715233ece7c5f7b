"""Turn events, metrics and NumPy values into JSON values: plain Python, strict JSON (no NaN)."""

import dataclasses
import math

import numpy as np


def json_value(value):
    """A JSON-able copy of `value`: dataclasses and dicts become dicts, tuples and arrays lists,
    NumPy scalars Python numbers, and NaN or infinite floats None (strict JSON has no NaN)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_value(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
