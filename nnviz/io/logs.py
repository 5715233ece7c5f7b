"""Metric logs of a run: per-epoch rows as CSV or JSON lines, and events as JSON-able records.

Used by the CLI (`--log FILE`, `--json`) and by the GUI's run export.
"""

import csv
import io
import json
from pathlib import Path

from nnviz.core import EpochEnd
from nnviz.guard import UserError

from .atomic import atomic_write_text
from .json_values import json_value

LOG_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_EPOCH_FIELDS = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "learning_rate",
                 "elapsed", "epoch_seconds", "samples_per_second")


def event_record(event) -> dict:
    """{"type": <event class name>, every field of the event (layers as a list of dicts)}, JSON-able."""
    return {"type": type(event).__name__, **json_value(event)}


def epoch_row(event: EpochEnd) -> dict:
    """One flat log row for an epoch: its metrics, then layer<l>_<stat> for every layer l (1-based)."""
    row = {name: json_value(getattr(event, name)) for name in _EPOCH_FIELDS}
    for l, stats in enumerate(event.layers, start=1):
        row.update({f"layer{l}_{name}": value for name, value in json_value(stats).items()})
    return row


def write_metrics(path, rows) -> None:
    """Write rows (dicts with the same keys, e.g. from `epoch_row`) atomically; the suffix of
    `path` picks the format: .csv, or .jsonl/.ndjson/.json for one JSON object per line."""
    path = Path(path)
    kind = LOG_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UserError(f"log file: {path} must end in one of {', '.join(LOG_FORMATS)}")
    atomic_write_text(path, _csv(rows) if kind == "csv" else _json_lines(rows))


def _csv(rows):
    out = io.StringIO()
    columns = list(rows[0]) if rows else list(_EPOCH_FIELDS)
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return out.getvalue()


def _json_lines(rows):
    return "".join(json.dumps(json_value(row), ensure_ascii=False) + "\n" for row in rows)
