"""Run → Find learning rate…: the range test of the form's experiment, its curve, and one click to use it.

The test (nnviz.core.lr_finder) runs in a training process (`RangeTestJob`), off the window's
process; the dialog plots the loss against η on a log axis (raw batches in grey, the smoothed curve
in blue), marks the suggestion and says why it was chosen. “Use η = …” writes it into the experiment form.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from nnviz.app.runtime.jobs import RangeTestJob
from nnviz.app.runtime.process_job import ProcessJob
from nnviz.app.runtime.runner import STOP_GRACE_MS
from nnviz.app.views.plot_legends import LegendRow

Y_HEADROOM = 1.6              # the y axis ends this far above the starting (highest early) smoothed loss


class LRFinderDialog(QDialog):
    """The curve, the suggestion and its reason; `applied(float)` when the user takes the suggestion."""

    applied = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Find the learning rate (range test)")
        self.resize(720, 520)
        self.result = None
        self.plot_widget = pg.PlotWidget()
        plot = self.plot = self.plot_widget.getPlotItem()
        plot.setLogMode(x=True)
        plot.setLabel("bottom", "learning rate η (log scale)")
        plot.setLabel("left", "training loss")
        plot.showGrid(x=True, y=True, alpha=0.2)
        LegendRow(plot)                              # above the curve: never over its start or its rise
        self.raw = plot.plot([], [], pen=pg.mkPen("#c4c4c4"), name="loss per batch")
        self.smoothed = plot.plot([], [], pen=pg.mkPen("#1f77b4", width=2), name="smoothed")
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#d62728", width=2))
        self.marker.hide()
        plot.addItem(self.marker, ignoreBounds=True)
        self.reason = QLabel("Running the range test…", wordWrap=True)
        self.apply_button = QPushButton("Use this η", enabled=False)
        self.apply_button.clicked.connect(self._apply)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.reason)
        layout.addLayout(buttons)

    def running(self, what):
        self.result = None
        self.raw.setData([], [])
        self.smoothed.setData([], [])
        self.marker.hide()
        self.apply_button.setEnabled(False)
        self.apply_button.setText("Use this η")
        self.reason.setText(f"Running the range test on {what}: η grows from 10⁻⁵ to 10 over 200 batches…")

    def show_result(self, result):
        self.result = result
        self.raw.setData(result.learning_rates, result.losses)
        self.smoothed.setData(result.learning_rates, result.smoothed)
        if len(result.smoothed):        # the exploding tail's spikes would squash the useful part
            self.plot.setYRange(0, Y_HEADROOM * float(np.max(result.smoothed[:int(np.argmin(result.smoothed)) + 1])))
        if result.suggestion is None:
            self.reason.setText(f"No suggestion: {result.reason}.")
            return
        self.marker.setValue(np.log10(result.suggestion))
        self.marker.show()
        self.apply_button.setText(f"Use η = {result.suggestion:.3g}")
        self.apply_button.setEnabled(True)
        self.reason.setText(f"Suggested η = {result.suggestion:.3g}: {result.reason}. Where the loss falls "
                            f"fastest, training makes the most progress per step without diverging.")

    def show_error(self, message):
        self.reason.setText(f"The range test failed: {message}")

    def _apply(self):
        if self.result is not None and self.result.suggestion is not None:
            self.applied.emit(float(f"{self.result.suggestion:.3g}"))


class LRFinder:
    """The Run menu's action, the dialog and the test's job, for a MainWindow (`window`)."""

    def __init__(self, window):
        self.window = window
        self.dialog = LRFinderDialog(window)
        self.dialog.applied.connect(self.apply)
        self.action = QAction("Find learning rate…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+L"))   # Ctrl+L is Load model
        self.action.setToolTip("Smith's range test: train briefly while η grows and suggest the η where "
                               "the loss falls fastest")
        self.action.triggered.connect(self.start)
        window.addAction(self.action)
        self._job = None

    def start(self):
        """Run the test on the form's experiment (from its initial weights) and show the dialog."""
        w = self.window
        if not w.panel.valid:
            return w.show_message("Fix the experiment first: the range test trains it.", "info")
        if self._job is not None:
            return self.dialog.show()
        config = w.panel.config()
        self.dialog.running(config.title or config.dataset)
        self.dialog.show()
        self.dialog.raise_()
        self._job = ProcessJob(RangeTestJob(config))
        self._job.result.connect(self._on_result)
        self._job.failed.connect(self.dialog.show_error)
        self._job.finished.connect(self._release)
        self._job.start()

    def _on_result(self, result):
        if result is not None:                # None: it was stopped
            self.dialog.show_result(result)

    def _release(self):
        job, self._job = self._job, None
        if job is not None:
            job.wait()
            job.deleteLater()

    def apply(self, eta):
        """Write η into the form's learning rate field."""
        editor = self.window.panel.editors["learning_rate"]
        editor.setText(f"{eta:g}")
        self.window.show_message(f"Learning rate set to {eta:g} (from the range test)", "info")

    def shutdown(self):
        """Stop a running test at its next batch and wait for it (closing the window); one not ended
        within STOP_GRACE_MS is ended with its process."""
        job = self._job
        if job is not None:
            job.stop()
            if not job.wait(STOP_GRACE_MS):
                job.cancel()
                job.wait()
            self._release()
