"""Robustness curves: test accuracy under more and more noise and rotation, computed in a training process.

The computation starts when the view is first shown for a network, draws each point as it comes,
shows its progress, and stops between two levels when cancelled (the dialog closing); a cancelled
computation ends in the background, and what it still reports is not shown.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from nnviz.app.diagnostics.evaluation_views import static_plot
from nnviz.app.runtime.process_job import ProcessJob
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.evaluation import RobustnessJob, robustness_levels

_CURVES = {"noise": (31, 119, 180), "rotation": (214, 39, 40)}
_AXIS_LABELS = {"noise": "std of the added Gaussian noise (pixels in [0, 1])",
                "rotation": "rotation (± degrees)"}
# Cancelled computations until they end: held here, not by their view, so that one ending after its
# view (or dialog) is gone is never destroyed while its thread still reads.
_ENDING = []


class RobustnessView(QWidget):
    """Test accuracy under added noise and under rotation, computed in the background when the view is
    first shown (or `compute()` is called) for the network of `set_model`; `cancel()` stops it.

    Signal `computed()` when every curve is complete; `curves[kind]` holds (levels, accuracies) of the
    points computed so far; `progress` shows how many there are of how many.
    """

    computed = Signal()

    def __init__(self, parent=None, max_samples=2000, seed=0):
        super().__init__(parent)
        self.max_samples, self.seed = max_samples, seed
        self.network = self.dataset = None
        self.curves = {}
        self._job = None
        self._wanted = False                # the curves of this network are not computed (or started) yet
        self.progress = QProgressBar(textVisible=True)
        self.progress.setFormat("computing: %v of %m points")
        self.progress.setFixedWidth(self.progress.fontMetrics().horizontalAdvance("computing: 88 of 88 points") + 40)
        self.progress.hide()
        self.info = QLabel(wordWrap=True)
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plots, self.items, self.chance = {}, {}, {}
        for col, kind in enumerate(("noise", "rotation")):
            plot = static_plot(self.plot_widget.addPlot(row=0, col=col, title=f"accuracy vs {kind}"))
            plot.setLabel("left", "test accuracy (%)")
            plot.setLabel("bottom", _AXIS_LABELS[kind])
            plot.setYRange(0, 100, padding=0.03)
            plot.showGrid(x=True, y=True, alpha=0.2)
            self.items[kind] = plot.plot([], [], pen=pg.mkPen(_CURVES[kind]), symbol="o", symbolSize=6,
                                         symbolBrush=_CURVES[kind], symbolPen=None)
            dashed = pg.mkPen((120, 120, 120), style=Qt.PenStyle.DashLine)
            self.chance[kind] = pg.InfiniteLine(angle=0, pen=dashed, label="chance",
                                                labelOpts={"position": 0.9, "color": (170, 170, 170)})
            plot.addItem(self.chance[kind])
            self.plots[kind] = plot
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(self.progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot_widget, 1)
        self.set_model(None, None)

    def kinds(self):
        """The perturbations that apply to the dataset: rotation only for images."""
        return ("noise", "rotation") if self.dataset is not None and self.dataset.image_shape else ("noise",)

    @property
    def running(self):
        return self._job is not None

    def set_model(self, network, dataset):
        """Evaluate this network on this dataset's test set (the curves are cleared until computed)."""
        self.cancel()
        self.network, self.dataset = network, dataset
        self.curves = {}
        for kind, item in self.items.items():
            item.setData([], [])
            self.chance[kind].setValue(100 / dataset.n_classes if dataset is not None else 0)
        self._wanted = network is not None and dataset is not None
        if dataset is None:
            return self.info.setText("No network to evaluate.")
        n = min(len(dataset.y_test), self.max_samples)
        rotation = "" if dataset.image_shape else " (rotation needs images: this dataset holds points)"
        self.info.setText(f"Accuracy on {n:,} test samples as they are perturbed more and more{rotation}.")
        self.plots["rotation"].setTitle("accuracy vs rotation" if dataset.image_shape else "rotation: images only")
        for kind in self.kinds():
            self.plots[kind].setXRange(0, robustness_levels(kind).max(), padding=0.03)
        if self.isVisible():
            self.compute()

    def showEvent(self, event):
        super().showEvent(event)
        if self._wanted:
            self.compute()

    def compute(self):
        """Start computing every curve that applies, in the background (nothing if running already)."""
        if self.network is None or self.running:
            return
        self._wanted = False
        self.curves = {kind: (np.empty(0), np.empty(0)) for kind in self.kinds()}
        self.progress.setRange(0, sum(len(robustness_levels(kind)) for kind in self.kinds()))
        self.progress.setValue(0)
        self.progress.show()
        job = RobustnessJob(Snapshot.of(self.network).network(), self.dataset, self.kinds(), self.seed,
                            self.max_samples)
        self._job = ProcessJob(job)
        self._job.reported.connect(self._add_point)
        self._job.failed.connect(self.info.setText)
        self._job.finished.connect(self._finished)
        self._job.start()

    def _add_point(self, name, point):
        if self.sender() is not self._job:
            return                                   # reported by a computation since cancelled
        kind, level, acc = point
        levels, accuracies = self.curves[kind]
        self.curves[kind] = levels, accuracies = np.append(levels, level), np.append(accuracies, acc)
        self.items[kind].setData(levels, accuracies * 100)
        self.progress.setValue(self.progress.value() + 1)

    def _finished(self):
        job = self.sender()
        job.wait()
        job.deleteLater()
        if job in _ENDING:
            return _ENDING.remove(job)
        self._job = None
        self.progress.hide()
        if all(len(levels) == len(robustness_levels(kind)) for kind, (levels, _) in self.curves.items()):
            self.computed.emit()

    def cancel(self):
        """Stop a computation (between two levels, in the background; the curves stay as far as they got)."""
        if self._job is None:
            return
        self._job.stop()
        _ENDING.append(self._job)
        self._job = None
        self.progress.hide()
        self._wanted = self.network is not None        # shown again: computed again, from the start



def wait_for_cancelled():
    """Wait for every cancelled computation to end (the window closing, its dialogs closed)."""
    for job in list(_ENDING):
        job.wait()
