"""What every nnviz command shares: exit codes, the one-line error, --json records, the experiment to run."""

import dataclasses
import json
import sys
from pathlib import Path

from nnviz.guard import UserError, one_line
from nnviz.io import ExperimentConfig, check_replaceable, json_value, load_experiment, load_preset

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def fail(message):
    """A user error: one line on stderr (the caller exits with EXIT_USAGE)."""
    print(f"nnviz: error: {one_line(message)}", file=sys.stderr)


def emit(line):
    """One JSON object on one line of stdout (the --json format)."""
    print(json.dumps(line, ensure_ascii=False), flush=True)


def record(kind, **fields):
    """A --json record of the given type from keyword fields (NumPy values made JSON values)."""
    return {"type": kind, **json_value(fields)}


def experiment_config(args) -> ExperimentConfig:
    """The --config file or --preset, with the --epochs / --seed / --learning-rate overrides, validated."""
    config = load_experiment(args.config) if args.config else load_preset(args.preset)
    changes = {k: getattr(args, k, None) for k in ("epochs", "seed", "learning_rate")}
    changes = {k: v for k, v in changes.items() if v is not None}
    return dataclasses.replace(config, **changes).validate()


def check_output(path, suffixes=None):
    """Fail before training, not after it, when an output file cannot be written."""
    if path is None:
        return
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"{path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give a file name")
    check_replaceable(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise UserError(f"{path}: the file name must end in one of {', '.join(suffixes)}")
