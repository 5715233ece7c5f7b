"""Start the nnviz window: `python main.py`, `python -m nnviz.app` or the `nnviz-gui` script.

    python main.py --preset mnist-mlp --train-seconds 20 --screenshot docs/screenshots/mnist.png
    python main.py --preset dying-relu --train-seconds 8 --dock health --screenshot docs/screenshots/health.png

opens the window, trains for that many seconds, saves a screenshot of the whole window and quits
(--dock brings a dock to the front first; `inspector` also inspects a batch).
"""

import os

# One BLAS thread. The training worker keeps one core busy and the UI needs another; OpenBLAS's
# own threads on top of that spin and fight both (measured on 2 busy cores: training 5-10x slower,
# UI stalls of 100+ ms). Set before NumPy is first imported; an explicit setting wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

# A "3" in canvas fractions: two arcs, drawn as one stroke, as a user would for the screenshot.
DEMO_STROKE = [(0.45 + 0.22 * math.sin(a), 0.3 - 0.14 * math.cos(a)) for a in
               [i * math.pi / 12 for i in range(-6, 12)]] + \
              [(0.45 + 0.25 * math.sin(a), 0.65 - 0.2 * math.cos(a)) for a in
               [i * math.pi / 12 for i in range(0, 19)]]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="nnviz-gui", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", help="open this preset experiment (see `nnviz presets`)")
    parser.add_argument("--experiment", metavar="FILE", help="open this experiment JSON file")
    parser.add_argument("--train-seconds", type=float, metavar="N",
                        help="start training at once and stop after N seconds")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="with --train-seconds: save a screenshot of the window, then quit")
    parser.add_argument("--size", default="1600x1000", metavar="WxH", help="window size (default 1600x1000)")
    parser.add_argument("--dock", metavar="NAME", help="with --screenshot: bring this dock to the front "
                        "(health, runs, saliency, inspector, ...)")
    return parser.parse_args(argv)


def draw_stroke(canvas, points):
    """Draw one stroke through `points` (fractions of the canvas) with mouse events."""
    w, h = canvas.width(), canvas.height()
    side = min(w, h)
    at = [QPoint(int((w - side) / 2 + x * side), int((h - side) / 2 + y * side)) for x, y in points]
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at[0])
    for point in at[1:]:
        QTest.mouseMove(canvas, point)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at[-1])


class ScriptedRun:
    """Train for `seconds` once the data are loaded, then screenshot (optional) and quit."""

    def __init__(self, window, seconds, screenshot=None, on_done=None, dock=None):
        self.window, self.seconds, self.screenshot, self.dock = window, seconds, screenshot, dock
        self.on_done = on_done
        self.started = None
        self.exit_code = None
        self.timer = QTimer(window, interval=100)
        self.timer.timeout.connect(self._tick)

    def start(self):
        self.window.start_training()
        self.timer.start()

    def _tick(self):
        w = self.window
        if self.started is None:
            if w.session is None and w.controls.state != "idle":
                return                             # still loading the data
            self.started = time.perf_counter()
            if w.session is not None and w.session.job.dataset.image_shape is not None:
                draw_stroke(w.draw_panel.canvas, DEMO_STROKE)
        if time.perf_counter() - self.started < self.seconds:
            return
        self.timer.stop()
        self.exit_code = 0
        if w.session is None:
            print(f"nnviz-gui: training did not start: {w.banner.text()}", file=sys.stderr)
            self.exit_code = 1
        if self.screenshot:
            if self.dock == "inspector":
                w.diagnostics.inspect_batch()
            elif self.dock:
                w.docks[self.dock].show()
                w.docks[self.dock].raise_()
            QApplication.processEvents()
            w.redraw()
            w.draw_panel.predict_now()
            QApplication.processEvents()
            Path(self.screenshot).parent.mkdir(parents=True, exist_ok=True)
            if not w.save_screenshot(self.screenshot):
                print(f"nnviz-gui: could not write {self.screenshot}", file=sys.stderr)
                self.exit_code = 1
            else:
                print(f"screenshot saved to {self.screenshot}")
        w.close()
        if self.on_done is not None:
            self.on_done(self.exit_code)


def open_window(args, on_done=None):
    """The window (shown) and, with --train-seconds, its started ScriptedRun; None after a bad argument."""
    from nnviz.app.main_window import MainWindow  # after QApplication: widgets need it
    from nnviz.io import ConfigError, load_experiment

    scripted = args.train_seconds is not None
    settings = None
    if scripted:   # a scripted run neither reads nor changes the user's remembered layout
        settings = QSettings(str(Path(tempfile.mkdtemp(prefix="nnviz-")) / "settings.ini"),
                             QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, restore=not scripted)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
        window.resize(width, height)
        if args.preset:
            window.load_preset(args.preset)
        if args.experiment:
            window.set_experiment(load_experiment(args.experiment))
        if args.dock and args.dock not in window.docks:
            raise ValueError(f"unknown dock {args.dock!r}; docks: {', '.join(window.docks)}")
    except (ConfigError, ValueError) as error:
        print(f"nnviz-gui: {error}", file=sys.stderr)
        window.close()
        return None, None
    window.show()
    run = None
    if scripted:
        run = ScriptedRun(window, args.train_seconds, args.screenshot, on_done, args.dock)
        QTimer.singleShot(0, run.start)
    return window, run


def main(argv=None):
    args = parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("nnviz")
    app.setOrganizationName("nnviz")
    window, run = open_window(args, on_done=app.exit)
    if window is None:
        return 2
    app.aboutToQuit.connect(window.shutdown)
    sys.excepthook = partial(report_error, window)
    return app.exec()


def report_error(window, kind, error, trace):
    """A bug in a slot is shown in the window (and printed), never a silent or fatal failure."""
    traceback.print_exception(kind, error, trace)
    window.show_message(f"Unexpected error: {kind.__name__}: {error}. Details are in the terminal.")


if __name__ == "__main__":
    sys.exit(main())
