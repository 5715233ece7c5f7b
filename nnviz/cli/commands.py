"""The headless command line: `nnviz train | evaluate | predict | export | gradcheck | lr-find | race | lesson
| presets`.

Every user error (a `UserError`: bad config, unknown preset, missing, corrupt or non-regular file,
wrong-shape model, bad hyperparameter, too big for memory, empty drawing; or an OSError naming a
file) is one line `nnviz: error: ...` on stderr and exit status 2; any other exception is a bug in
nnviz: it says so, prints the traceback and exits 1. Divergence and a failed gradient check exit 1;
Ctrl-C during training stops cleanly (exit 130). This module holds `train`, the parser and the entry
point; the other commands are in model_commands.py, what they share in common.py.
"""

import argparse
import contextlib
import dataclasses
import math
import os
import signal
import sys
import time
import traceback

# Taken before the heavy imports below, so that --time-budget on the command line counts them too.
_COMMAND_START = time.perf_counter()


from nnviz import __version__  # noqa: E402
from nnviz.cli import lesson, lr_find, race  # noqa: E402
from nnviz.cli.common import (  # noqa: E402
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    check_output,
    emit,
    experiment_config,
    fail,
)
from nnviz.cli.console import TrainingConsole, print_train_summary  # noqa: E402
from nnviz.cli.model_commands import cmd_evaluate, cmd_export, cmd_gradcheck, cmd_predict, cmd_presets  # noqa: E402
from nnviz.cli.resume import resumed_run  # noqa: E402
from nnviz.cli.seeds import train_seeds  # noqa: E402
from nnviz.cli.stop_flag import StopFlag  # noqa: E402
from nnviz.cli.time_budget import budgeted  # noqa: E402
from nnviz.core import (  # noqa: E402
    BatchEnd,
    Diverged,
    EpochEnd,
    Finished,
    accuracy,
    diagnose,
    health_ratios,
    train,
)
from nnviz.guard import UserError  # noqa: E402
from nnviz.io import (  # noqa: E402
    LOG_FORMATS,
    epoch_row,
    event_record,
    json_value,
    save_model,
    write_metrics,
)
from nnviz.prepare import prepare  # noqa: E402

BUDGET_EPOCHS = 1_000_000       # "until the time budget runs out"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr like every other user error."""

    def error(self, message):
        fail(f"{message} (see '{self.prog} --help')")
        sys.exit(EXIT_USAGE)


# -- train ------------------------------------------------------------------------------------

def cmd_train(args):
    """Train an experiment, print (or --json emit) its progress and a summary; optionally save."""
    check_output(args.save)
    check_output(args.log, LOG_FORMATS)
    budget_mode = args.time_budget is not None
    if args.resume:
        config, prepared, resume = resumed_run(args)
    else:
        config, resume = experiment_config(args), None
        if args.seeds is not None:
            return _train_seeds(args, config)
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
        run = train(net, prepared.train_data, train_config, resume=resume,
                    should_stop=lambda: stop.requested or time.perf_counter() >= deadline)
        for event in run:
            if args.json:
                emit(_json_record(event, epochs, dataset.n_classes, net.hidden_name))
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
        save_model(args.save, net, config, summary, dataset.class_names, dataset.standardization, run.state())
        summary["saved"] = str(args.save)
    if args.log:
        write_metrics(args.log, [epoch_row(e) for e in epochs])
        summary["log"] = str(args.log)
    summary["wall_seconds"] = time.perf_counter() - args.started
    if args.json:
        emit({"type": "Summary", **summary})
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
    line = event_record(event)
    if isinstance(event, EpochEnd):
        line["health_ratios"] = json_value(health_ratios(event))
        line["findings"] = json_value(diagnose(epochs + [event], n_classes, activation))
    elif isinstance(event, Diverged):
        line["findings"] = json_value(diagnose(epochs, n_classes, activation, event))
    return line


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
        return source

    p = commands.add_parser("train", help="train an experiment")
    experiment_options(p).add_argument(
        "--resume", metavar="MODEL.npz",
        help="go on training a model saved with --save exactly where it stopped, to --epochs TOTAL")
    p.add_argument("--epochs", type=int, help="override the number of epochs (with --resume: the total)")
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
    p.add_argument("--force", action="store_true",
                   help="with --format numpy: write into a folder that is not empty and not a previous export")
    p.set_defaults(run=cmd_export)

    p = commands.add_parser("gradcheck", help="check backprop against finite differences")
    experiment_options(p)
    p.add_argument("--samples", type=int, default=5, help="training samples to use (default 5)")
    p.add_argument("--max-entries", type=int, default=30,
                   help="entries checked per weight/bias array, chosen at random (default 30)")
    p.add_argument("--json", action="store_true", help="one JSON object per layer, then a summary")
    p.set_defaults(run=cmd_gradcheck)

    lr_find.add_parser(commands, experiment_options,
                       run=lambda args: lr_find.cmd_lr_find(args, experiment_config, check_output))

    race.add_parser(commands, experiment_options)
    lesson.add_parser(commands)

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
    for stream in (sys.stdout, sys.stderr):     # a class named by a non-UTF-8 folder prints as caf\udce9
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
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
        fail(error)
        return EXIT_USAGE
    except OSError as error:
        if not error.filename:          # not about a file the user named: ours to explain
            return _bug()
        fail(f"{error.filename}: {error.strerror or error}")
        return EXIT_USAGE
    except Exception:
        return _bug()


def _bug():
    """Report the exception being handled as what it is: a bug, with the traceback to report."""
    print("nnviz: this is a bug in nnviz; please report it with the traceback below:", file=sys.stderr)
    traceback.print_exc(file=sys.stderr)
    return EXIT_FAILED
