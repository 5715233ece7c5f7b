"""The headless command line: `nnviz train | evaluate | predict | export | gradcheck | lr-find | presets`.

Every user error (a `UserError`: bad config, unknown preset, missing, corrupt or non-regular file,
wrong-shape model, bad hyperparameter, too big for memory, empty drawing; or an OSError naming a
file) is one line `nnviz: error: ...` on stderr and exit status 2; any other exception is a bug in
nnviz: it says so, prints the traceback and exits 1. Divergence and a failed gradient check exit 1;
Ctrl-C during training stops cleanly (exit 130).
"""

import argparse
import contextlib
import dataclasses
import json
import math
import os
import signal
import sys
import time
import traceback
from pathlib import Path

# Taken before the heavy imports below, so that --time-budget on the command line counts them too.
_COMMAND_START = time.perf_counter()

import numpy as np  # noqa: E402

from nnviz import __version__  # noqa: E402
from nnviz.cli import lr_find  # noqa: E402
from nnviz.cli.console import TrainingConsole, print_train_summary  # noqa: E402
from nnviz.cli.seeds import train_seeds  # noqa: E402
from nnviz.cli.stop_flag import StopFlag  # noqa: E402
from nnviz.cli.time_budget import budgeted  # noqa: E402
from nnviz.core import (  # noqa: E402
    BatchEnd,
    Diverged,
    EpochEnd,
    Finished,
    accuracy,
    class_probabilities,
    confusion_matrix,
    diagnose,
    gradient_check,
    health_ratios,
    per_class_accuracy,
    train,
)
from nnviz.core.gradcheck import PASS_TOLERANCE, check_level  # noqa: E402
from nnviz.data import NothingDrawn, load_image_file, preprocess_drawing  # noqa: E402
from nnviz.evaluation import ablation_accuracy, parse_units  # noqa: E402
from nnviz.export import INPUT_NAME, OUTPUT_NAME, describe_input, export_numpy, export_onnx  # noqa: E402
from nnviz.guard import UserError, one_line, shorten  # noqa: E402
from nnviz.io import (  # noqa: E402
    IDX_PREFIX,
    LOG_FORMATS,
    ExperimentConfig,
    check_compatible,
    epoch_row,
    event_record,
    list_presets,
    load_experiment,
    load_model,
    load_preset,
    plain,
    save_model,
    write_metrics,
)
from nnviz.prepare import load_config_dataset, prepare  # noqa: E402

BUDGET_EPOCHS = 1_000_000       # "until the time budget runs out"
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr like every other user error."""

    def error(self, message):
        _fail(f"{message} (see '{self.prog} --help')")
        sys.exit(EXIT_USAGE)


def _fail(message):
    print(f"nnviz: error: {one_line(message)}", file=sys.stderr)


def _emit(record):
    """One JSON object on one line of stdout (the --json format)."""
    print(json.dumps(record, ensure_ascii=False), flush=True)


def _record(kind, **fields):
    """A --json record of the given type from keyword fields (NumPy values made plain)."""
    return {"type": kind, **plain(fields)}


def _experiment(args) -> ExperimentConfig:
    """The --config file or --preset, with the --epochs / --seed / --learning-rate overrides, validated."""
    config = load_experiment(args.config) if args.config else load_preset(args.preset)
    changes = {k: getattr(args, k, None) for k in ("epochs", "seed", "learning_rate")}
    changes = {k: v for k, v in changes.items() if v is not None}
    return dataclasses.replace(config, **changes).validate()


# -- train ------------------------------------------------------------------------------------

def _check_output(path, suffixes=None):
    """Fail before training, not after it, when an output file cannot be written."""
    if path is None:
        return
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"{path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give a file name")
    if suffixes and path.suffix.lower() not in suffixes:
        raise UserError(f"{path}: the file name must end in one of {', '.join(suffixes)}")


def cmd_train(args):
    """Train an experiment, print (or --json emit) its progress and a summary; optionally save."""
    _check_output(args.save)
    _check_output(args.log, LOG_FORMATS)
    config = _experiment(args)
    if args.seeds is not None:
        return _train_seeds(args, config)
    budget_mode = args.time_budget is not None
    if budget_mode and args.epochs is None:
        config = dataclasses.replace(config, epochs=BUDGET_EPOCHS)
    prepared = prepare(config)
    net, dataset = prepared.network, prepared.dataset
    train_config, deadline = prepared.train_config, math.inf
    if budget_mode:
        train_config, deadline = budgeted(train_config, args.time_budget, args.started, net, dataset.X_test)
        config = dataclasses.replace(config, time_budget=train_config.time_budget)   # as run, when saved
    console = TrainingConsole(sys.stdout, args.quiet or args.json, train_config.epochs, deadline)
    epochs, finished, diverged = [], None, None
    with StopFlag() as stop:
        # Stopping through should_stop still evaluates, restores the best weights and finishes.
        run = train(net, prepared.train_data, train_config,
                    should_stop=lambda: stop.requested or time.perf_counter() >= deadline)
        for event in run:
            if args.json:
                _emit(_json_record(event, epochs, dataset.n_classes, net.hidden_name))
            if isinstance(event, BatchEnd):
                console.batch(event)
            elif isinstance(event, EpochEnd):
                epochs.append(event)
                console.epoch(event)
            elif isinstance(event, Diverged):
                diverged = event
            elif isinstance(event, Finished):
                finished = event
    console.flush()
    reason = finished.reason
    if reason == "stopped":
        reason = "interrupted" if stop.requested else "time_budget"
    summary = _train_summary(net, dataset, finished, epochs, reason)
    summary["health"] = [f.as_dict() for f in diagnose(epochs, dataset.n_classes, net.hidden_name, diverged)
                         if f.level != "ok"] if epochs or diverged else []
    if diverged is not None:
        print(f"nnviz: {diverged.message}; the model was not saved", file=sys.stderr)
    elif args.save:
        save_model(args.save, net, config, summary, dataset.class_names, dataset.standardization)
        summary["saved"] = str(args.save)
    if args.log:
        write_metrics(args.log, [epoch_row(e) for e in epochs])
        summary["log"] = str(args.log)
    summary["wall_seconds"] = time.perf_counter() - args.started
    if args.json:
        _emit({"type": "Summary", **summary})
    else:
        print_train_summary(summary, dataset.name)
    if diverged is not None:
        return EXIT_FAILED
    return EXIT_INTERRUPTED if reason == "interrupted" else 0


def _train_seeds(args, config):
    """`train --seeds N`: N runs one after another, each seed's test accuracy, then mean ± std."""
    if args.seeds < 1:
        raise UserError(f"--seeds: {args.seeds} is not allowed; must be a whole number ≥ 1")
    alone = [o for o, v in (("--save", args.save), ("--log", args.log), ("--json", args.json),
                            ("--time-budget", args.time_budget)) if v]
    if alone:
        raise UserError(f"--seeds trains several models: it cannot be combined with {', '.join(alone)}")
    with StopFlag() as stop:
        train_seeds(config, args.seeds, args.quiet, should_stop=lambda: stop.requested)
    return EXIT_INTERRUPTED if stop.requested else 0


def _train_summary(net, dataset, finished, epochs, reason):
    """The run's outcome as a JSON-able dict (also stored as the model file's metrics)."""
    restored = finished.best_epoch is not None
    speed, seconds = finished.samples_per_second, finished.elapsed
    last = epochs[-1] if epochs else None
    return {
        "test_accuracy": accuracy(dataset.y_test, net.predict(dataset.X_test)),
        "test_samples": len(dataset.y_test),
        "weights": "best_validation" if restored else "final",
        "best_epoch": finished.best_epoch if restored else None,
        "epochs": finished.epochs_completed,
        "reason": reason,
        "train_seconds": seconds,
        "samples_per_second": speed,
        "train_loss": last.train_loss if last else None,
        "train_accuracy": last.train_accuracy if last else None,
        "val_loss": last.val_loss if last else None,
        "val_accuracy": last.val_accuracy if last else None,
    }


def _json_record(event, epochs, n_classes, activation):
    """The event as a JSON-able dict; epoch ends also carry the health ratios and findings."""
    record = event_record(event)
    if isinstance(event, EpochEnd):
        record["health_ratios"] = plain(health_ratios(event))
        record["findings"] = plain(diagnose(epochs + [event], n_classes, activation))
    elif isinstance(event, Diverged):
        record["findings"] = plain(diagnose(epochs, n_classes, activation, event))
    return record


# -- evaluate, predict --------------------------------------------------------------------------

def cmd_evaluate(args):
    """Accuracy, per-class accuracy and the confusion matrix of a saved model on a test set."""
    model = load_model(args.model)
    config = model.config
    if config is None:
        if not args.dataset:
            raise UserError(f"{args.model}: the model holds no experiment; name the data with --dataset")
        config = ExperimentConfig(dataset=args.dataset)
    folder = config.dataset.removeprefix(IDX_PREFIX).strip()
    if not args.dataset and config.dataset.startswith(IDX_PREFIX) and not Path(folder).is_dir():
        raise UserError(f"{args.model}: the model was trained on the IDX folder {folder}, which does not exist "
                        f"(any more); name the data with --dataset")
    dataset = load_config_dataset(config, args.dataset)
    net = model.network
    check_compatible(net, dataset.n_features, dataset.n_classes, dataset.name)
    y_pred = net.predict(dataset.X_test)
    C = confusion_matrix(dataset.y_test, y_pred, dataset.n_classes)
    acc, per_class = accuracy(dataset.y_test, y_pred), per_class_accuracy(C)
    ablated = None
    if args.ablate:
        units = parse_units(args.ablate)
        ablated = {"units": [f"{l}:{u}" for l, u in units],
                   "accuracy": ablation_accuracy(net, dataset.X_test, dataset.y_test, units)[1]}
    if args.json:
        _emit(_record("Evaluation", model=str(args.model), dataset=dataset.name, accuracy=acc,
                      test_samples=len(y_pred), class_names=dataset.class_names,
                      per_class_accuracy=per_class, confusion_matrix=C, ablated=ablated))
        return 0
    print(f"{args.model} on {dataset.name}: test accuracy {acc:.2%} ({int(np.trace(C)):,} of {len(y_pred):,})")
    if ablated:
        print(f"with hidden units {', '.join(ablated['units'])} knocked out: test accuracy "
              f"{ablated['accuracy']:.2%} (intact {acc:.2%})")
    print()
    print("confusion matrix (rows: true class, columns: predicted class)")
    names = dataset.class_names
    width = max(6, *(len(n) + 2 for n in names), len(str(C.max())) + 2)
    first = max(len("true\\pred"), *(len(n) for n in names))
    print("true\\pred".rjust(first) + "".join(n.rjust(width) for n in names) + "   total  accuracy")
    for name, row, rate in zip(names, C, per_class):
        rate_text = "-" if np.isnan(rate) else f"{rate:.2%}"
        print(name.rjust(first) + "".join(str(v).rjust(width) for v in row) + f"{row.sum():>8}  {rate_text:>8}")
    return 0


def cmd_predict(args):
    """Top-3 classes for an image (any format Pillow reads, or .npy; prepared like MNIST), a 2-D
    point or a row of feature values (standardised as the model's training data; class names printed)."""
    model = load_model(args.model)
    n_inputs = model.network.input_width
    given = [name for name, value in (("an IMAGE", args.image), ("--point", args.point), ("--row", args.row))
             if value is not None]
    if len(given) > 1:
        raise UserError(f"give one of an IMAGE, --point X Y or --row VALUES, not {' and '.join(given)}")
    if args.point is not None:
        if n_inputs != 2:
            raise UserError(f"--point: the model takes {n_inputs} inputs, not a 2-D point")
        if not all(map(math.isfinite, args.point)):
            raise UserError(f"--point: {args.point[0]:g} {args.point[1]:g} is not allowed; "
                            f"X and Y must be finite numbers")
        x = model.standardize(np.array([args.point]))
    elif args.row is not None:
        values = _row_values(args.row)
        if len(values) != n_inputs:
            raise UserError(f"--row: the model takes {n_inputs} values, got {len(values)}")
        x = model.standardize(np.array([values]))
    else:
        side = math.isqrt(n_inputs)
        table = model.input_mean is not None or side * side != n_inputs      # a model of CSV rows
        if args.image is None or table:
            hint = ("--point X Y" if n_inputs == 2 else f"--row with {n_inputs} comma-separated values" if table
                    else "an IMAGE file (PNG, JPEG, BMP, GIF, WebP, TIFF or .npy)")
            raise UserError(f"the model takes {n_inputs} inputs: give {hint}")
        try:
            x = preprocess_drawing(load_image_file(args.image), size=side).reshape(1, -1)
        except NothingDrawn as error:
            raise UserError(f"{args.image}: {error}") from None
    P = class_probabilities(model.network.predict_proba(x))[0]
    for k in np.argsort(-P, kind="stable")[:3]:
        print(f"{model.class_name(k)}  {P[k]:.4f}")
    return 0


def _row_values(text):
    """--row "5.1,3.5,1.4,0.2" -> [5.1, 3.5, 1.4, 0.2]."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise UserError(f"--row: {shorten(text)} is not a comma-separated list of numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise UserError(f"--row: {shorten(text)} holds a value that is not a finite number")
    return values


def cmd_export(args):
    """Write a saved model as an ONNX file, or as a folder that predicts with NumPy alone."""
    model = load_model(args.model)
    out = Path(args.out)
    if args.format == "onnx":
        if out.suffix.lower() != ".onnx":
            raise UserError(f"{out}: an ONNX file name must end in .onnx (or give --format numpy for a folder)")
        _check_output(out)
        export_onnx(model, out)
        print(f"wrote {out}: input '{INPUT_NAME}' float32 (n, {model.network.input_width}), "
              f"{describe_input(model)}; output '{OUTPUT_NAME}' float32 (n, {model.network.sizes[-1]})")
    else:
        files = export_numpy(model, out)
        print(f"wrote {', '.join(str(f) for f in files)}; run: python {files[1]} IMAGE_OR_ROW")
    return 0


# -- gradcheck, presets -------------------------------------------------------------------------

def cmd_gradcheck(args):
    """Backprop against finite differences (float64) on a few training samples of an experiment."""
    config = _experiment(args)
    if args.samples < 1 or args.max_entries < 1:
        raise UserError("--samples and --max-entries must be whole numbers ≥ 1")
    dataset = load_config_dataset(config)
    X, y = dataset.X_train[:args.samples], dataset.y_train[:args.samples]
    net = config.build_network(dataset.n_features, dataset.n_classes, dtype=np.float64, n_samples=len(X))
    errors = gradient_check(net, X, y, l2=config.l2, max_entries=args.max_entries, seed=config.seed)
    passed = all(check_level(e) == "ok" for e in errors)
    if not args.json:
        print(f"gradient check on {len(X)} {dataset.name} samples (float64, at most "
              f"{args.max_entries} entries per array)")
    for l, (error, W) in enumerate(zip(errors, net.weights), start=1):
        verdict = "PASS" if check_level(error) == "ok" else "FAIL"
        if args.json:
            _emit(_record("GradCheckLayer", layer=l, shape=W.shape, relative_error=error,
                          passed=verdict == "PASS"))
        else:
            shape = f"{W.shape[0]}x{W.shape[1]}"
            print(f"layer {l}  {shape:>9}  relative error {error:.2e}  {verdict}")
    if args.json:
        _emit(_record("Summary", passed=passed, tolerance=PASS_TOLERANCE, samples=len(X)))
    else:
        print(f"{'PASS' if passed else 'FAIL'}: relative error {'at most' if passed else 'above'} "
              f"{PASS_TOLERANCE:g} in {'every' if passed else 'some'} layer")
    return 0 if passed else EXIT_FAILED


def cmd_presets(args):
    """List the bundled presets: name, title, expected result."""
    presets = list_presets()
    width = max(len(name) for name, _ in presets)
    for name, config in presets:
        print(f"{name:<{width}}  {config.title}")
        print(f"{'':<{width}}  expected: {config.expected}")
    return 0


# -- entry point --------------------------------------------------------------------------------

def _parser():
    parser = _Parser(prog="nnviz", description="Train, evaluate and inspect small NumPy neural networks.")
    parser.add_argument("--version", action="version", version=f"nnviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def experiment_options(p):
        source = p.add_mutually_exclusive_group(required=True)
        source.add_argument("--config", metavar="FILE", help="experiment JSON file")
        source.add_argument("--preset", metavar="NAME", help="bundled preset (see 'nnviz presets')")
        p.add_argument("--seed", type=int, help="override the experiment's seed")

    p = commands.add_parser("train", help="train an experiment")
    experiment_options(p)
    p.add_argument("--epochs", type=int, help="override the number of epochs")
    p.add_argument("--learning-rate", type=float, metavar="ETA", help="override the learning rate")
    p.add_argument("--seeds", type=int, metavar="N",
                   help="train N times with seeds seed, seed+1, ... and print mean ± std test accuracy")
    p.add_argument("--time-budget", type=float, metavar="SECONDS",
                   help="finish the whole command (load, train, test) within this many seconds")
    p.add_argument("--save", metavar="MODEL.npz", help="save the trained model")
    p.add_argument("--log", metavar="FILE", help="write per-epoch metrics (.csv or .jsonl)")
    p.add_argument("--json", action="store_true", help="one JSON object per event on stdout")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.set_defaults(run=cmd_train)

    p = commands.add_parser("evaluate", help="test a saved model")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--dataset", metavar="NAME",
                   help="dataset name, idx:FOLDER, csv:FILE or images:FOLDER (default: the model's)")
    p.add_argument("--ablate", metavar="L:U[,L:U...]",
                   help="also test with these hidden units knocked out (layer from 1, unit from 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_evaluate)

    p = commands.add_parser("predict", help="classify an image, a 2-D point or a CSV row with a saved model")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("image", metavar="IMAGE", nargs="?", help="image file: PNG, JPEG, BMP, GIF, WebP, TIFF, … or .npy")
    p.add_argument("--point", type=float, nargs=2, metavar=("X", "Y"), help="a 2-D point instead")
    p.add_argument("--row", metavar="VALUES", help="feature values of a CSV row, comma-separated, without the label")
    p.set_defaults(run=cmd_predict)

    p = commands.add_parser("export", help="write a saved model as ONNX, or as a NumPy-only predict.py folder")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("out", metavar="OUT", help="OUT.onnx, or a folder with --format numpy")
    p.add_argument("--format", choices=("onnx", "numpy"), default="onnx",
                   help="onnx (default; needs the onnx package) or numpy (weights.npz + predict.py)")
    p.set_defaults(run=cmd_export)

    p = commands.add_parser("gradcheck", help="check backprop against finite differences")
    experiment_options(p)
    p.add_argument("--samples", type=int, default=5, help="training samples to use (default 5)")
    p.add_argument("--max-entries", type=int, default=30,
                   help="entries checked per weight/bias array, chosen at random (default 30)")
    p.add_argument("--json", action="store_true", help="one JSON object per layer, then a summary")
    p.set_defaults(run=cmd_gradcheck)

    lr_find.add_parser(commands, experiment_options,
                       run=lambda args: lr_find.cmd_lr_find(args, _experiment, _check_output))

    p = commands.add_parser("presets", help="list the bundled presets")
    p.set_defaults(run=cmd_presets)
    return parser


def main(argv=None) -> int:
    """Run the command line (sys.argv[1:] when argv is None); return the exit status:
    0 ok, 1 diverged, gradient check failed or a bug in nnviz, 2 user error, 130 interrupted.

    The command's clock (for --time-budget) starts when nnviz.cli was imported if argv is None
    (a real command line), else now.
    """
    started = _COMMAND_START if argv is None else time.perf_counter()
    args = _parser().parse_args(argv)
    args.started = started
    try:
        return args.run(args)
    except KeyboardInterrupt:
        with contextlib.suppress(ValueError):      # a second Ctrl-C while we say so must not add a traceback
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("nnviz: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:     # the reader went away (`nnviz train --json | head`): say no more
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except UserError as error:
        _fail(error)
        return EXIT_USAGE
    except OSError as error:
        if not error.filename:          # not about a file the user named: ours to explain
            return _bug()
        _fail(f"{error.filename}: {error.strerror or error}")
        return EXIT_USAGE
    except Exception:
        return _bug()


def _bug():
    """Report the exception being handled as what it is: a bug, with the traceback to report."""
    print("nnviz: this is a bug in nnviz; please report it with the traceback below:", file=sys.stderr)
    traceback.print_exc(file=sys.stderr)
    return EXIT_FAILED
