"""Stroke → feature maps: how long after a stroke the activations dock shows the drawing's conv maps.

The main window (offscreen, 1366x740) trains the `lenet` preset for --train seconds, then the
activations dock is brought to the front and --strokes strokes are drawn on the canvas with the mouse,
first while training goes on, then after it is stopped. Each latency runs from the mouse release to
the moment the window has repainted after the maps got their new images (the release predicts at
once; while the button is held, predictions come at most every DRAG_PREDICT_MS on top of this).

    python bench/conv_draw_latency.py [--train 10] [--strokes 30]

Goal (issue 24): ≤ 100 ms. Prints the median and p90 of each phase and the machine's sgemm GFLOPS.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")           # as nnviz-gui does (see nnviz/app/__main__.py)

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QPoint, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402

from nnviz.app.views.draw_panel import DRAG_PREDICT_MS  # noqa: E402
from nnviz.io import load_preset  # noqa: E402


def wait(seconds, until=None):
    """Run the event loop for `seconds` (or until `until()` is true, checked every 50 ms)."""
    loop, end = QEventLoop(), time.perf_counter() + seconds
    timer = QTimer(interval=50)
    timer.timeout.connect(lambda: (time.perf_counter() >= end or (until is not None and until())) and loop.quit())
    timer.start()
    loop.exec()
    timer.stop()


def stroke_latencies(app, window, n):
    """Milliseconds from each stroke's mouse release to the repainted window with the drawing's maps."""
    canvas, maps = window.draw_panel.canvas, window.activations.conv_maps
    latencies = []
    for i in range(n):
        canvas.clear()
        app.processEvents()
        w, h = canvas.width(), canvas.height()
        rng = np.random.default_rng(i)
        points = [QPoint(int(w * x), int(h * y)) for x, y in rng.uniform(0.3, 0.7, (8, 2))]
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for p in points[1:]:
            QTest.mouseMove(canvas, p)
        start = time.perf_counter()
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])
        app.processEvents()                      # the paint events of the new images
        latencies.append(1000 * (time.perf_counter() - start))
        if maps.shown != "drawing" or maps.map_images[0].image is None:
            raise SystemExit("the drawing's maps were not shown")
        wait(0.1)                                # a student's pause between strokes
    return np.array(latencies)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=float, default=10.0, help="seconds of training before the strokes")
    parser.add_argument("--strokes", type=int, default=30)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv)
    from nnviz.app.main_window import MainWindow

    scratch = Path(tempfile.mkdtemp(prefix="nnviz-bench-"))        # not the user's settings or Runs store
    window = MainWindow(settings=QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat), restore=False,
                        runs_folder=scratch / "runs")
    window.set_experiment(load_preset("lenet"))
    window.resize(1366, 740)
    window.show()
    window.start_training()
    wait(120, until=lambda: window.session is not None and window._last_batch is not None)
    wait(args.train)
    window.docks["activations"].raise_()
    window.redraw()
    wait(0.5)
    training = stroke_latencies(app, window, args.strokes)
    window.stop_training()
    wait(10, until=lambda: not window._runner.active)
    idle = stroke_latencies(app, window, args.strokes)
    window.close()
    print(describe())
    print(f"lenet after {window.session.snapshot.step if window.session else '?'} batches; "
          f"release → conv maps repainted, {args.strokes} strokes each "
          f"(while dragging, +≤{DRAG_PREDICT_MS} ms throttle)")
    for name, values in (("while training", training), ("training stopped", idle)):
        print(f"{name:17s} median {np.median(values):6.1f} ms   p90 {np.percentile(values, 90):6.1f} ms   "
              f"max {values.max():6.1f} ms")


if __name__ == "__main__":
    main()
