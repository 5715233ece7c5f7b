"""Finished training runs: one record per run (settings, per-epoch curves, final metrics), JSON files and CSV.

The GUI keeps the session's runs in a list, overlays their curves and compares their settings;
this module is the Qt-free part: building a record from the training events, saving and loading a
list of records atomically, and the comparison table as CSV.
"""

import csv
import io
import json
import math
import re
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from nnviz.core import EpochEnd, LayerStats
from nnviz.guard import MAX_JSON_BYTES, UserError, read_json, shorten

from .atomic import atomic_write_text
from .experiment import ExperimentConfig
from .json_values import json_value

FORMAT, VERSION = "nnviz-runs", 1
CURVES = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "learning_rate", "elapsed")
# Settings every comparison shows (when a run has them), besides whichever others differ.
KEY_SETTINGS = ("dataset", "hidden_layers", "activation", "output", "loss", "optimizer", "learning_rate",
                "batch_size", "epochs", "l2", "dropout")
# Free text that never makes a useful comparison column.
NOT_COMPARED = ("title", "description", "expected")
RUN_ID = re.compile(r"[0-9a-f]{1,32}")
# Each layer's health numbers per epoch are kept as curves "layer<l>_<field>" (l from 1).
LAYER_FIELDS = tuple(f.name for f in fields(LayerStats))
# Epochs a record keeps (evenly spaced beyond), and values in all: at most ~26 bytes each, so a run
# file stays far below MAX_JSON_BYTES (a toy set trains ~1,000 epochs a second: 7 minutes are
# 400,000 epochs).
MAX_CURVE_ROWS, MAX_CURVE_VALUES = 20_000, 300_000


class RunsFileError(UserError):
    """A runs file that cannot be read: the message starts with the file's path."""


@dataclass(frozen=True)
class RunRecord:
    """A finished run.

    config: the experiment's settings (ExperimentConfig.to_dict()); curves: CURVES name -> one
    value per epoch (None where there is none, e.g. val_loss without a validation set);
    final_metrics: name -> number (epochs, train/val loss and accuracy, test_accuracy, seconds...);
    timestamp: ISO 8601 local time the run finished; pinned: kept until deleted by hand; group: the
    id shared by the runs of one "repeat with N seeds" ("" for a run of its own); race: the id shared
    by the contestants of one race ("" for a run of its own); run_id: a unique id of hex digits (the
    file name in a RunStore).
    """

    name: str
    config: dict
    curves: dict
    final_metrics: dict
    timestamp: str = field(default_factory=lambda: datetime.now().isoformat(timespec="milliseconds"))
    pinned: bool = False
    group: str = ""
    race: str = ""
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    @property
    def n_epochs(self) -> int:
        return len(self.curves.get("epoch", ()))

    def curve(self, name) -> np.ndarray:
        """One curve as a float array (n_epochs,), NaN where the run has no value."""
        values = self.curves.get(name) or [None] * self.n_epochs
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    def best(self, name, highest=True):
        """(best value of a curve, its epoch), or (None, None) when the run has no such value."""
        values = self.curve(name)
        if not np.isfinite(values).any():
            return None, None
        i = int(np.nanargmax(values) if highest else np.nanargmin(values))
        return float(values[i]), i + 1

    @property
    def n_layers(self) -> int:
        """Weight layers whose LayerStats the record holds (0 for a record without them)."""
        n = 0
        while all(layer_curve(n, name) in self.curves for name in LAYER_FIELDS):
            n += 1
        return n

    def epoch_events(self) -> list:
        """The run's epochs as EpochEnds, with their layer numbers when the record holds them (for the
        curves and health history of a replay): a value saved as null because it was not finite is NaN."""
        n, column = int(self.final_metrics.get("epochs") or self.n_epochs), self.curve
        train_loss, train_acc, val_loss, val_acc, rate, elapsed = (column(c) for c in CURVES[1:])
        seconds = np.diff(elapsed, prepend=0.0)
        stats = [[column(layer_curve(layer, name)) for name in LAYER_FIELDS] for layer in range(self.n_layers)]
        return [EpochEnd(int(e), n, float(train_loss[i]), float(train_acc[i]), _nan_to_none(val_loss[i]),
                         _nan_to_none(val_acc[i]), float(rate[i]),
                         tuple(LayerStats(*(float(v[i]) for v in layer)) for layer in stats),
                         float(elapsed[i]), float(seconds[i]), 0.0)
                for i, e in enumerate(self.curves["epoch"])]

    def to_dict(self) -> dict:
        return json_value({"name": self.name, "timestamp": self.timestamp, "config": self.config,
                      "curves": self.curves, "final_metrics": self.final_metrics, "pinned": self.pinned,
                      "group": self.group, "race": self.race, "run_id": self.run_id})

    @classmethod
    def from_dict(cls, d) -> "RunRecord":
        """Build from `to_dict`'s output; ValueError saying what is wrong."""
        if not isinstance(d, dict):
            raise ValueError(f"a run must be a JSON object, got {type(d).__name__}")
        for key, kind in (("name", str), ("timestamp", str), ("config", dict), ("curves", dict),
                          ("final_metrics", dict)):
            if not isinstance(d.get(key), kind):
                raise ValueError(f"{shorten(key)} must be {'a string' if kind is str else 'an object'}")
        curves = d["curves"]
        lengths = {name: len(values) if isinstance(values, list) else -1 for name, values in curves.items()}
        if "epoch" not in curves or len(set(lengths.values())) > 1 or -1 in lengths.values():
            raise ValueError(f"'curves' must hold lists of equal length, one of them 'epoch'; got {lengths}")
        for name, values in curves.items():
            if not all(v is None or _is_number(v) for v in values):
                raise ValueError(f"curve {shorten(name)} must hold numbers or null")
        _check_metrics(d["final_metrics"])
        _check_settings(d["config"])
        extra = {"pinned": d.get("pinned", False), "group": d.get("group", ""), "race": d.get("race", "")}
        if not isinstance(extra["pinned"], bool) or not isinstance(extra["group"], str) \
                or not isinstance(extra["race"], str):
            raise ValueError("'pinned' must be true or false, 'group' and 'race' strings")
        if "run_id" in d:
            if not isinstance(d["run_id"], str) or not RUN_ID.fullmatch(d["run_id"]):
                raise ValueError(f"'run_id' must be 1 to 32 hex digits, got {shorten(d['run_id'])}")
            extra["run_id"] = d["run_id"]
        return cls(d["name"], d["config"], {k: list(v) for k, v in curves.items()}, dict(d["final_metrics"]),
                   d["timestamp"], **extra)


def record_from_history(name, config, epoch_events, final_metrics=None, timestamp=None) -> RunRecord:
    """A RunRecord from the EpochEnd events of a run (or dicts with their fields).

    config: an ExperimentConfig (anything with to_dict) or a dict. Epochs are numbered 1, 2, ... in
    the order given, so a run continued with Train again is one record; `elapsed` is the summed
    epoch time. A run of more than MAX_CURVE_ROWS epochs keeps that many of them, evenly spaced
    (the last always), so that its file stays readable (`thin_rows`). final_metrics (e.g.
    {"test_accuracy": 0.97}) is merged over the defaults taken from the last epoch: epochs,
    train_loss, train_accuracy, val_loss, val_accuracy, seconds.
    """
    rows = [_fields(event) for event in epoch_events]
    seconds = np.cumsum([float(row.get("epoch_seconds") or 0.0) for row in rows])
    n_layers = min((len(row.get("layers") or ()) for row in rows), default=0)
    kept = thin_rows(len(rows), min(MAX_CURVE_ROWS, MAX_CURVE_VALUES // (len(CURVES) + n_layers * len(LAYER_FIELDS))))
    curves = {"epoch": [int(i) + 1 for i in kept]}
    for key in CURVES[1:-1]:
        curves[key] = [_number_or_none(rows[i].get(key)) for i in kept]
    curves["elapsed"] = [float(seconds[i]) for i in kept]
    for layer in range(n_layers):
        for stat in LAYER_FIELDS:
            curves[layer_curve(layer, stat)] = [_number_or_none(getattr(rows[i]["layers"][layer], stat)) for i in kept]
    metrics = {"epochs": len(rows)}
    if rows:
        for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy"):
            metrics[key] = curves[key][-1]
        metrics["seconds"] = curves["elapsed"][-1]
    metrics.update(final_metrics or {})
    settings = config.to_dict() if hasattr(config, "to_dict") else dict(config)
    record = RunRecord(str(name), json_value(settings), curves, json_value(metrics))
    return record if timestamp is None else replace(record, timestamp=str(timestamp))


def layer_curve(layer, name) -> str:
    """The curve name of LayerStats field `name` of weight layer `layer` (from 0): "layer1_grad_norm"."""
    return f"layer{layer + 1}_{name}"


def thin_rows(n, most):
    """Indices of the rows kept of `n` when at most `most` may be: all of them, or `most` evenly spaced
    ones from the first to the last."""
    if n <= most:
        return range(n)
    return np.unique(np.linspace(0, n - 1, most).round().astype(int)).tolist()


def run_file_text(data, path, what="run file") -> str:
    """`data` as the JSON text of a run or runs file; UserError when it would be larger than the readers
    accept (MAX_JSON_BYTES), so that nothing is written that cannot be read back."""
    text = json.dumps(data, indent=1 if what == "runs file" else None, ensure_ascii=False) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_JSON_BYTES:
        raise UserError(f"{path}: not saved: {size:,} bytes is more than a {what} may hold "
                        f"({MAX_JSON_BYTES:,} bytes)")
    return text


def save_runs(path, runs) -> None:
    """Write the runs to a JSON file, atomically (the old file survives a failed save); UserError, before
    anything is written, when the file would be too large to load again."""
    document = {"format": FORMAT, "version": VERSION, "runs": [run.to_dict() for run in runs]}
    atomic_write_text(path, run_file_text(document, path, "runs file"))


def load_runs(path) -> list[RunRecord]:
    """Read a file written by `save_runs`; every problem is a RunsFileError naming the file."""
    path = Path(path)
    try:
        document = read_json(path, what="runs file")
    except UserError as error:
        raise RunsFileError(str(error)) from None
    is_runs = isinstance(document, dict) and document.get("format") == FORMAT
    if not is_runs or not isinstance(document.get("runs"), list):
        raise RunsFileError(f"{path}: not a runs file (expected a JSON object with \"format\": \"{FORMAT}\" "
                            f"and a list of \"runs\")")
    if document.get("version") != VERSION:
        raise RunsFileError(f"{path}: runs file version {shorten(document.get('version'))}; "
                            f"this nnviz reads version {VERSION}")
    runs = []
    for i, d in enumerate(document["runs"], start=1):
        try:
            runs.append(RunRecord.from_dict(d))
        except ValueError as error:
            raise RunsFileError(f"{path}: run {i}: {error}") from None
    return runs


def differing_settings(runs) -> list[str]:
    """Settings whose values are not the same in every run (a missing setting differs), in first-seen order."""
    names = _setting_names(runs)
    return [n for n in names if n not in NOT_COMPARED and len({_key(r.config.get(n, _MISSING)) for r in runs}) > 1]


def compared_settings(runs) -> list[str]:
    """The settings a comparison shows: KEY_SETTINGS that any run has, then the others that differ."""
    present = set(_setting_names(runs))
    keys = [n for n in KEY_SETTINGS if n in present]
    return keys + [n for n in differing_settings(runs) if n not in keys]


def metric_names(runs) -> list[str]:
    """Final metric names over all runs, in first-seen order."""
    names = {}
    for run in runs:
        names.update(dict.fromkeys(run.final_metrics))
    return list(names)


def format_value(value) -> str:
    """A setting or metric as one short cell: lists as 128-64, floats in %g, None as ''."""
    if value is None or value is _MISSING:
        return ""
    if isinstance(value, (list, tuple)):
        return "-".join(format_value(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def runs_to_csv(runs) -> str:
    """One row per run: name, timestamp, the compared settings, then the final metrics.

    A metric named like a setting (learning_rate) gets the column final_<name>.
    """
    settings = compared_settings(runs)
    metrics = metric_names(runs)
    header = ["name", "timestamp", *settings, *(f"final_{m}" if m in settings else m for m in metrics)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for run in runs:
        writer.writerow([run.name, run.timestamp, *(_csv_value(run.config.get(s)) for s in settings),
                         *(_csv_value(run.final_metrics.get(m)) for m in metrics)])
    return out.getvalue()


# -- helpers ----------------------------------------------------------------------------------

_MISSING = object()


def _fields(event) -> dict:
    if isinstance(event, dict):
        return event
    return {key: getattr(event, key, None) for key in (*CURVES[1:-1], "epoch_seconds", "layers")}


def _check_metrics(metrics):
    """ValueError unless every final metric is a number or null, and `finish_reason` (if any) a string."""
    for key, value in metrics.items():
        if key == "finish_reason":
            if not isinstance(value, str):
                raise ValueError(f"'final_metrics' 'finish_reason' must be a string, got {shorten(value)}")
        elif value is not None and not _is_number(value):
            raise ValueError(f"'final_metrics' {shorten(key)} must be a number or null, got {shorten(value)}")


def _check_settings(settings):
    """ValueError unless every setting the experiment knows has the type it has there (a setting it does
    not know, e.g. from another version, is kept and only shown)."""
    known = {f.name for f in fields(ExperimentConfig)}
    try:
        ExperimentConfig.from_dict({k: v for k, v in settings.items() if k in known})
    except ValueError as error:
        raise ValueError(f"'config': {error}") from None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_or_none(value):
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _nan_to_none(value):
    return None if math.isnan(value) else float(value)


def _setting_names(runs) -> list[str]:
    names = {}
    for run in runs:
        names.update(dict.fromkeys(run.config))
    return list(names)


def _key(value):
    """A hashable stand-in for a setting's value (lists are unhashable)."""
    return json.dumps(value, sort_keys=True) if value is not _MISSING else "\0missing"


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return value
