"""Start the nnviz window: `python main.py`, `python -m nnviz.app` or the `nnviz-gui` script.

    python main.py --preset mnist-mlp --train-seconds 20 --screenshot docs/screenshots/mnist.png
    python main.py --preset dying-relu --train-seconds 8 --dock health --screenshot docs/screenshots/health.png
    python main.py --preset spirals --race sgd,momentum,adam --train-seconds 10 --screenshot docs/screenshots/race.png

opens the window, trains for that many seconds, saves a screenshot of the whole window and quits
(--dock brings a dock to the front first; `inspector` also inspects a batch; --race races those
optimisers instead of training, and the screenshot is of the race dialog).
"""

import os

# One BLAS thread. The training worker keeps one core busy and the UI needs another; OpenBLAS's
# own threads on top of that spin and fight both (measured on 2 busy cores: training 5-10x slower,
# UI stalls of 100+ ms). Set before NumPy is first imported; an explicit setting wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import traceback  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import shiboken6  # noqa: E402
from PySide6.QtCore import QLoggingCategory, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.app.runtime.training_process import TrainingProcess  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="nnviz-gui", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", help="open this preset experiment (see `nnviz presets`)")
    parser.add_argument("--experiment", metavar="FILE", help="open this experiment JSON file")
    parser.add_argument("--train-seconds", type=float, metavar="N",
                        help="start training at once and stop after N seconds")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="save a screenshot of the window (after --train-seconds N of training), then quit")
    parser.add_argument("--size", metavar="WxH", help="window size (default: fits the screen)")
    parser.add_argument("--maximized", action="store_true", help="open the window maximised")
    parser.add_argument("--lesson", metavar="NAME|FILE.toml", help="open this lesson (a bundled name or a file)")
    parser.add_argument("--dock", metavar="NAME", help="with --screenshot: bring this dock to the front "
                        "(health, runs, saliency, inspector, ...)")
    parser.add_argument("--presenter", action="store_true", help="presenter mode (View → Presenter, F11): "
                        "the current stage alone in large type")
    parser.add_argument("--race", metavar="OPT[:ETA],...", help="with --train-seconds: race these optimisers "
                        "(e.g. sgd,momentum,adam) instead of training; --screenshot saves the race dialog")
    return parser.parse_args(argv)


def open_window(args, on_done=None):
    """The window (shown) and, with --train-seconds, its started ScriptedRun; None after a bad argument."""
    from nnviz.app.main_window import MainWindow  # after QApplication: widgets need it
    from nnviz.app.scripted_run import ScriptedRun
    from nnviz.io import ConfigError, load_experiment
    from nnviz.prepare import race_configs, race_variants

    scripted = args.train_seconds is not None or args.screenshot is not None
    settings = runs = scratch = None
    if scripted:   # a scripted run neither reads nor changes the user's remembered layout or Runs store
        scratch = tempfile.TemporaryDirectory(prefix="nnviz-")     # removed when the process ends
        settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
        runs = Path(scratch.name) / "runs"
    # scripted: fresh settings, as a first launch, and an empty Runs dock
    window = MainWindow(settings=settings, restore=True, runs_folder=runs)
    try:
        if args.size:
            width, height = (int(v) for v in args.size.lower().split("x"))
            window.resize(width, height)
        if args.preset:
            window.load_preset(args.preset)
        if args.experiment:
            window.set_experiment(load_experiment(args.experiment))
        if args.lesson:
            window.lessons.open_lesson_argument(args.lesson)
        if args.dock and args.dock not in window.docks:
            raise ValueError(f"unknown dock {args.dock!r}; docks: {', '.join(window.docks)}")
        race = race_variants(args.race, window.panel.config()) if args.race else None
        if race is not None:
            race_configs(window.panel.config(), race)           # a bad race is refused before the window opens
    except (ConfigError, ValueError) as error:
        print(f"nnviz-gui: {error}", file=sys.stderr)
        window.close()
        return None, None
    window.showMaximized() if args.maximized else window.show()
    window.presenter.action.setChecked(args.presenter)
    run = None
    if scripted:
        run = ScriptedRun(window, args.train_seconds, args.screenshot, on_done, args.dock, scratch, race)
        QTimer.singleShot(0, run.start)
    return window, run


def quiet_pyqtgraph_connect_warnings():
    """pyqtgraph 0.13.7 connects QStyleHints.colorSchemeChanged to a plain function with a
    UniqueConnection in mkQApp, which every plot widget calls; PySide6 ≥ 6.7.3 refuses that with a
    "QObject::connect(QStyleHints, QStyleHints): unique connections require a pointer to member
    function" warning per widget (pyqtgraph issue 3224, fixed in pyqtgraph 0.14 by PR 3145). The
    refused connection only followed dark mode, which nnviz does not use: silence that category."""
    QLoggingCategory.setFilterRules("qt.core.qobject.connect.warning=false")


def main(argv=None):
    args = parse_args(argv)
    quiet_pyqtgraph_connect_warnings()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("nnviz")
    app.setOrganizationName("nnviz")
    window, run = open_window(args, on_done=app.exit)
    if window is None:
        return 2
    TrainingProcess.warm_up()           # the first Train does not wait for an interpreter to start
    app.aboutToQuit.connect(window.shutdown)
    sys.excepthook = partial(report_error, window)
    return app.exec()


def report_error(window, kind, error, trace):
    """A bug in a slot is shown in the window (and printed), never a silent or fatal failure."""
    traceback.print_exception(kind, error, trace)
    if shiboken6.isValid(window):       # not after the window was closed (and deleted)
        window.show_message(f"Unexpected error: {kind.__name__}: {error}. Details are in the terminal.")


if __name__ == "__main__":
    sys.exit(main())
