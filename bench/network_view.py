"""Network view speed: redraws per second of its node maps, alone and in the window while training.

1. Alone (no training): the view redraws from a new snapshot and paints, again and again, for the
   2-16-16-2 spirals network (34 neuron maps on a 64x64 grid) and MNIST's 784-128-64-10.
2. In the main window, the Network dock in front: a preset (spirals, or --preset) trains for
   --seconds while the window redraws as it always does; headless training of the same experiment
   before and after (the mean is the reference) gives the GUI/headless throughput ratio, and the
   scheduler's frame count gives the network view's frames per second.

    python bench/network_view.py [--seconds 10] [--preset spirals|mnist-mlp]

Targets (issue 12): spirals ≥ 10 frames/s with GUI training ≥ 0.85x headless; MNIST ≥ 2 frames/s.
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
from PySide6.QtCore import QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_responsiveness import headless  # noqa: E402
from machine import describe  # noqa: E402

from nnviz.io import load_preset  # noqa: E402
from nnviz.prepare import prepare  # noqa: E402

WARMUP_S = 1.0


def alone(preset, frames, train_subset=0):
    """Frames per second of NetworkView redrawing and painting a fresh snapshot, nothing else running."""
    from nnviz.app.runtime.snapshot import Snapshot
    from nnviz.app.views.network_view import NetworkView

    config = replace(load_preset(preset), train_subset=train_subset)
    job = prepare(config)
    view = NetworkView()
    view.resize(700, 700)
    view.show()
    view.set_dataset(job.dataset, job.train_data.X_train if job.dataset.image_shape is None else None)
    rng = np.random.default_rng(0)
    net = job.network
    snapshots = []
    for _ in range(4):               # a few different weights, as training would give
        for W in net.weights:
            W += 0.01 * rng.standard_normal(W.shape).astype(W.dtype)
        snapshots.append(Snapshot.of(net))
    view.set_snapshot(snapshots[0])
    view.graph.viewport().repaint()
    start = time.perf_counter()
    for n in range(frames):
        view.set_snapshot(snapshots[n % len(snapshots)])
        view.graph.viewport().repaint()          # paint now, as the screen would
    seconds = time.perf_counter() - start
    drawn = view.tiles.count
    view.close()
    return frames / seconds, drawn


class WindowRun:
    """The main window training `config` with the Network dock in front, for `seconds` after a warm-up."""

    def __init__(self, app, config, seconds, dock="network"):
        from nnviz.app.main_window import MainWindow

        self.app, self.seconds = app, seconds
        scratch = Path(tempfile.mkdtemp(prefix="nnviz-bench-"))      # not the user's settings or Runs store
        settings = QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(settings=settings, restore=False, runs_folder=scratch / "runs")
        self.window.set_experiment(config)
        pace = self.window.controls.pace_box
        pace.setCurrentIndex(pace.findData(0.0))          # full speed, to compare with headless
        self.window.resize(1600, 1000)
        self.window.show()
        self.window.docks[dock].raise_()
        self.progress, self.frames0, self.started = [], None, None
        self.timer = QTimer(interval=20, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)

    def run(self):
        self.window.start_training()
        self.timer.start()
        self.app.exec()
        self.window.close()

    def _tick(self):
        w, now = self.window, time.perf_counter()
        if self.started is None:
            if w.session is None or w._last_batch is None:
                return
            self.started = now
        if now - self.started < WARMUP_S:
            return
        if self.frames0 is None:
            self.frames0 = (now, dict(w._redraw.frames))
        self.progress.append((now, w._last_batch.samples_seen))
        if now - self.started >= WARMUP_S + self.seconds or w.controls.state == "idle":
            self.timer.stop()
            self.app.exit(0)

    def rates(self):
        (t0, s0), (t1, s1) = self.progress[0], self.progress[-1]
        since, frames = self.frames0
        redraw = self.window._redraw
        fps = {name: (redraw.frames.get(name, 0) - frames.get(name, 0)) / (t1 - since) for name in redraw.frames}
        return (s1 - s0) / (t1 - t0), fps, {name: 1000 * cost for name, cost in redraw.costs.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured GUI training time")
    parser.add_argument("--frames", type=int, default=60, help="redraws timed for the view alone")
    parser.add_argument("--dock", default="network", help="the dock in front while training (for comparison)")
    parser.add_argument("--skip-alone", action="store_true", help="only the window run")
    parser.add_argument("--preset", default="spirals", help="the preset trained in the window run")
    args = parser.parse_args(argv)
    print(describe() + f" with {os.environ['OPENBLAS_NUM_THREADS']} BLAS thread(s), as nnviz-gui runs")
    app = QApplication.instance() or QApplication([])
    for preset, subset in () if args.skip_alone else (("spirals", 0), ("mnist-mlp", 2000)):
        fps, drawn = alone(preset, args.frames, subset)
        print(f"view alone, {preset}: {fps:.1f} frames/s ({drawn} nodes drawn, redraw + paint)")

    config = replace(load_preset(args.preset), epochs=100000)    # never runs out within the time
    reference = [headless(config, args.seconds / 2)]
    run = WindowRun(app, config, args.seconds, args.dock)
    run.run()
    reference.append(headless(config, args.seconds / 2))
    gui_rate, fps, costs = run.rates()
    head = float(np.mean(reference))
    print(f"window, {args.preset} training, {args.dock} dock in front: GUI {gui_rate:,.0f} samples/s, "
          f"headless {head:,.0f} (runs: {', '.join(f'{r:,.0f}' for r in reference)}), "
          f"ratio {gui_rate / head:.2f}   (target ≥ 0.85)")
    print("views redrawn while training (frames/s, last cost incl. paint): " + ", ".join(
        f"{name} {fps.get(name, 0):.1f}/s {costs.get(name, 0):.0f} ms" for name in sorted(fps)))


if __name__ == "__main__":
    main()
