"""A scripted session for screenshots: train (or race) for some seconds, draw a digit, save the window, quit."""

import math
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

# A "3" in canvas fractions: two arcs, drawn as one stroke, as a user would for the screenshot.
DEMO_STROKE = [(0.45 + 0.22 * math.sin(a), 0.3 - 0.14 * math.cos(a)) for a in
               [i * math.pi / 12 for i in range(-6, 12)]] + \
              [(0.45 + 0.25 * math.sin(a), 0.65 - 0.2 * math.cos(a)) for a in
               [i * math.pi / 12 for i in range(0, 19)]]


class ScriptedRun:
    """Train for `seconds` once the data are loaded, then screenshot (optional) and quit; with seconds
    None, screenshot the window as it opened, without training. `scratch` (a TemporaryDirectory holding
    the run's settings and runs) is kept, and so not removed, while the run is. With `race` [(optimizer,
    η)], the race dialog races them instead, and the screenshot is of the dialog."""

    def __init__(self, window, seconds, screenshot=None, on_done=None, dock=None, scratch=None, race=None):
        self.window, self.seconds, self.screenshot, self.dock = window, seconds, screenshot, dock
        self.race = race
        self.scratch = scratch
        self.on_done = on_done
        self.trains = seconds is not None
        self.started = None
        self.exit_code = None
        self.timer = QTimer(window, interval=100)
        self.timer.timeout.connect(self._tick)

    def start(self):
        if self.seconds is None:
            self.seconds = 0.0
            self.started = time.perf_counter()
        elif self.race:
            self.window.race.ask()
            self.window.race.dialog.tick(self.race)
            self.window.race.start(self.race)
        else:
            self.window.start_training()
        self.timer.start()

    def _tick(self):
        w = self.window
        if self.started is None:
            if w.session is None and w.controls.state != "idle":
                return                             # still loading the data
            self.started = time.perf_counter()
            if w.session is not None and w.session.run_data.dataset.image_shape is not None:
                w.draw_panel.canvas.draw_stroke(DEMO_STROKE)
        if time.perf_counter() - self.started < self.seconds:
            return
        self.timer.stop()
        self.exit_code = 0
        if self.trains and w.session is None and not self.race:
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
            saved = w.race.dialog.grab().save(str(self.screenshot)) if self.race else \
                w.save_screenshot(self.screenshot)
            if not saved:
                print(f"nnviz-gui: could not write {self.screenshot}", file=sys.stderr)
                self.exit_code = 1
            else:
                print(f"screenshot saved to {self.screenshot}")
        w.close()
        if self.on_done is not None:
            self.on_done(self.exit_code)
