"""GUI responsiveness: UI stalls while MNIST trains in the real main window, GUI vs headless speed, draw latency.

Offscreen, the main window trains the `mnist-mlp` preset for ~20 s while a 10 ms QTimer on the UI
thread records the gaps between its beats (a gap well above 10 ms is the UI stalling) and a mouse
stroke is drawn on the canvas every half second (draw → prediction latency, measured from the
mouse release to the `predicted` signal). Headless training of the same experiment runs in the same
process before and after the GUI run (the mean of both is the reference), so background load hurts
both alike. Throughput is samples per wall-clock second over the measured span. Display lag: how
old what the status bar (and, separately, the curves) shows is just before it is replaced, from the
moment the worker took that snapshot to the next update of the status (curves). With --quit the
window is closed mid-training and the seconds from `close()` to the end of the event loop are printed.

    python bench/gui_responsiveness.py [--seconds 20] [--preset mnist-mlp] [--quit]

Targets: plot frames ≥ 5/s, p99 stall ≤ 50 ms, GUI/headless ratio ≥ 0.85, draw → prediction ≤ 10 ms,
display lag ≤ 0.3 s, quit < 1 s.
The last line (SUMMARY) puts the first three side by side. On a machine shared with other work, all
three move with the load: quote them with the machine's state.
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")           # as nnviz-gui does (see nnviz/app/__main__.py)

import numpy as np  # noqa: E402
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402

from nnviz.core import BatchEnd, train  # noqa: E402
from nnviz.io import load_preset  # noqa: E402
from nnviz.prepare import prepare  # noqa: E402

HEARTBEAT_MS = 10
STROKE_EVERY_MS = 500
WARMUP_S = 1.0


def headless(config, seconds):
    """Samples per wall-clock second of the core's generator driven by a plain loop."""
    job = prepare(config)
    start = samples0 = None
    for event in train(job.network, job.train_data, job.train_config):
        if not isinstance(event, BatchEnd):
            continue
        now = time.perf_counter()
        if start is None:
            start, samples0 = now, event.samples_seen
        elif now - start >= seconds:
            return (event.samples_seen - samples0) / (now - start)
    raise SystemExit("headless run ended before the time was up: raise the preset's epochs")


class GuiRun:
    """Drives the main window: train, beat, draw, and collect the numbers."""

    def __init__(self, app, config, seconds, quit=False):
        from nnviz.app.main_window import MainWindow

        self.app, self.seconds, self.quit = app, seconds, quit
        scratch = Path(tempfile.mkdtemp(prefix="nnviz-bench-"))      # not the user's settings or Runs store
        settings = QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(settings=settings, restore=False, runs_folder=scratch / "runs")
        self.window.set_experiment(config)
        self.window.resize(1366, 740)               # a laptop screen, maximised
        self.window.show()
        self.beats, self.latencies, self.progress = [], [], []
        self.started = None
        self._release_at = None
        self.made_at = {}                    # step -> when the worker took the snapshot of that step
        self.shown = {"status": [], "curves": []}    # (time, step) of each update of the status, the curves
        self.frames = self.costs = None      # the scheduler's counts when the measurement ended
        self.quit_at = self.quit_seconds = None
        controls, plots = self.window.controls, self.window.plots
        show_progress, refresh = controls.show_progress, plots.refresh

        def status_shown(batch, *args, **kwargs):
            if batch is not None:                # None: a new run clears the status (no step shown)
                self.shown["status"].append((time.perf_counter(), batch.step))
            return show_progress(batch, *args, **kwargs)

        def curves_shown():
            refresh()
            if self.window._last_batch is not None:     # the curves end with the last batch received
                self.shown["curves"].append((time.perf_counter(), self.window._last_batch.step))

        controls.show_progress, plots.refresh = status_shown, curves_shown
        self.window.draw_panel.predicted.connect(self._on_predicted)
        self.heartbeat = QTimer(interval=HEARTBEAT_MS, timerType=Qt.TimerType.PreciseTimer)
        self.heartbeat.timeout.connect(self._beat)
        self.strokes = QTimer(interval=STROKE_EVERY_MS)
        self.strokes.timeout.connect(self._stroke)

    def run(self):
        box = self.window.controls.pace_box
        box.setCurrentIndex(box.findData(0.0))          # Full speed: the bench compares with headless
        self.window.start_training()
        self.window._runner.worker.updated.connect(self._on_updated)
        self.heartbeat.start()
        self.app.exec()
        if self.quit:
            self.quit_seconds = time.perf_counter() - self.quit_at
        else:
            self.window.close()

    def _on_updated(self, run, update):
        if update.batches:
            self.made_at[update.batches[-1].step] = update.made_at

    def display_lags(self, what):
        """Seconds between the worker's snapshot and the update of `what` ("status", "curves") that replaced
        it, per update after the warm-up."""
        t0, shown = self.started + WARMUP_S, self.shown[what]
        return np.array([t - self.made_at[step] for (_, step), (t, _) in zip(shown, shown[1:])
                         if t >= t0 and step in self.made_at])

    def _beat(self):
        now = time.perf_counter()
        w = self.window
        if self.started is None:
            if w.session is None or w._last_batch is None:
                return                                   # data still loading
            self.started = now
            self.strokes.start()
        if now - self.started >= WARMUP_S:
            self.beats.append(now)
            if w._last_batch is not None:
                self.progress.append((now, w._last_batch.samples_seen))
        if now - self.started >= WARMUP_S + self.seconds or w.controls.state == "idle":
            self.heartbeat.stop()
            self.strokes.stop()
            self.frames, self.costs = dict(w._redraw.frames), dict(w._redraw.costs)
            if self.quit:                # the last window closing ends the event loop
                self.quit_at = time.perf_counter()
                w.close()
            else:
                self.app.exit(0)

    def _stroke(self):
        canvas = self.window.draw_panel.canvas
        canvas.clear()
        w, h = canvas.width(), canvas.height()
        rng = np.random.default_rng(len(self.latencies))
        points = [QPoint(int(w * x), int(h * y)) for x, y in rng.uniform(0.3, 0.7, (8, 2))]
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for p in points[1:]:
            QTest.mouseMove(canvas, p)
        self._release_at = time.perf_counter()
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])

    def _on_predicted(self, probabilities):
        if self._release_at is not None:
            self.latencies.append(time.perf_counter() - self._release_at)
            self._release_at = None

    def samples_per_second(self):
        (t0, s0), (t1, s1) = self.progress[0], self.progress[-1]
        return (s1 - s0) / (t1 - t0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured GUI training time")
    parser.add_argument("--preset", default="mnist-mlp")
    parser.add_argument("--quit", action="store_true", help="close the window mid-training and time the quit")
    args = parser.parse_args(argv)
    print(describe() + f" with {os.environ['OPENBLAS_NUM_THREADS']} BLAS thread(s), as nnviz-gui runs")
    config = replace(load_preset(args.preset), epochs=1000)      # never runs out within the time
    print(f"experiment: preset {args.preset} ({config.title}), batch {config.batch_size}")

    reference = [headless(config, args.seconds / 4)]
    from nnviz.app.__main__ import quiet_pyqtgraph_connect_warnings

    quiet_pyqtgraph_connect_warnings()                          # as nnviz-gui does
    app = QApplication.instance() or QApplication([])
    gui = GuiRun(app, config, args.seconds, args.quit)
    gui.run()
    reference.append(headless(config, args.seconds / 4))

    gaps = np.diff(gui.beats) * 1000
    stalls = np.maximum(gaps - HEARTBEAT_MS, 0)
    head = float(np.mean(reference))
    gui_rate = gui.samples_per_second()
    lat = np.array(gui.latencies) * 1000
    print(f"UI heartbeat ({HEARTBEAT_MS} ms timer, {len(gaps)} gaps over {gui.beats[-1] - gui.beats[0]:.1f} s "
          f"of training): gap p50 {np.percentile(gaps, 50):.1f} ms, p99 {np.percentile(gaps, 99):.1f} ms, "
          f"max {gaps.max():.1f} ms")
    print(f"UI stall (gap beyond {HEARTBEAT_MS} ms): p50 {np.percentile(stalls, 50):.1f} ms, "
          f"p99 {np.percentile(stalls, 99):.1f} ms, max {stalls.max():.1f} ms   (target p99 ≤ 50 ms)")
    print(f"training: headless {head:,.0f} samples/s (runs: {', '.join(f'{r:,.0f}' for r in reference)}), "
          f"GUI {gui_rate:,.0f} samples/s, ratio GUI/headless {gui_rate / head:.2f}   (target ≥ 0.85)")
    span = gui.beats[-1] - gui.beats[0]
    print("views redrawn (frames/s, last cost incl. paint): " + ", ".join(
        f"{name} {gui.frames.get(name, 0) / span:.1f}/s {1000 * gui.costs.get(name, 0):.0f} ms"
        for name in sorted(gui.frames)))
    for what in ("status", "curves"):
        lags = gui.display_lags(what)
        if len(lags):
            print(f"display lag of the {what} (snapshot → its next update, {len(lags)} updates): median "
                  f"{np.median(lags):.2f} s, p90 {np.percentile(lags, 90):.2f} s, max {lags.max():.2f} s   "
                  f"(target ≤ 0.3 s)")
    plot_fps = gui.frames.get("plots", 0) / span
    print(f"SUMMARY  plot frames/s {plot_fps:.1f} (goal ≥ 5) · GUI/headless {gui_rate / head:.2f} (goal ≥ 0.85) · "
          f"p99 UI stall {np.percentile(stalls, 99):.0f} ms (goal ≤ 50)")
    if len(lat):
        print(f"draw → prediction ({len(lat)} strokes while training): median {np.median(lat):.1f} ms, "
              f"p90 {np.percentile(lat, 90):.1f} ms, max {lat.max():.1f} ms   (target ≤ 10 ms)")
    else:
        print("draw → prediction: no prediction arrived")
    if gui.quit_seconds is not None:
        print(f"quit mid-training: {gui.quit_seconds:.2f} s from close() to the end of the event loop   "
              f"(target < 1 s)")


if __name__ == "__main__":
    main()
