"""Robustness curves: test accuracy under more and more noise and rotation, computed in a thread of its own.

The computation starts when the view is first shown for a network, draws each point as it comes,
shows its progress, and stops between two levels when cancelled (the dialog closing).
"""

import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from nnviz.app.diagnostics.evaluation_views import static_plot
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.evaluation import robustness_levels, robustness_points

_CURVES = {"noise": (31, 119, 180), "rotation": (214, 39, 40)}
_AXIS_LABELS = {"noise": "std of the added Gaussian noise (pixels in [0, 1])",
                "rotation": "rotation (± degrees)"}


class _RobustnessWorker(QObject):
    """Computes the curves of `kinds` in its thread: point(kind, level, accuracy) per level, then done().
    `cancel` (a threading.Event) set stops it between two levels."""

    point = Signal(str, float, float)
    done = Signal()

    def __init__(self, network, dataset, kinds, seed, max_samples):
        super().__init__()
        self.network, self.dataset, self.kinds = network, dataset, kinds
        self.seed, self.max_samples = seed, max_samples
        self.cancel = threading.Event()

    @Slot()
    def run(self):
        with np.errstate(all="ignore"):
            for kind in self.kinds:
                for level, acc in robustness_points(self.network, self.dataset, kind, seed=self.seed,
                                                    max_samples=self.max_samples):
                    if self.cancel.is_set():
                        return self.done.emit()
                    self.point.emit(kind, level, acc)
        self.done.emit()


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
        self._thread = self._worker = None
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
        return self._thread is not None

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
        # The worker predicts with a copy of its own: the network passed in may be used on this thread.
        network = Snapshot.of(self.network).network()
        self._thread = QThread()
        self._worker = _RobustnessWorker(network, self.dataset, self.kinds(), self.seed, self.max_samples)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.point.connect(self._add_point)
        self._worker.done.connect(self._thread.quit)
        self._thread.finished.connect(self._release)
        self._thread.start()

    def _add_point(self, kind, level, acc):
        if self._worker is None or self.sender() is not self._worker:
            return                                   # queued by a computation since cancelled
        levels, accuracies = self.curves[kind]
        self.curves[kind] = levels, accuracies = np.append(levels, level), np.append(accuracies, acc)
        self.items[kind].setData(levels, accuracies * 100)
        self.progress.setValue(self.progress.value() + 1)

    def _release(self):
        if self._thread is None:
            return                                   # released by cancel() already
        complete = self._worker is not None and not self._worker.cancel.is_set()
        self._thread.wait()
        self._worker.deleteLater()
        self._thread.deleteLater()
        self._thread = self._worker = None
        self.progress.hide()
        if complete:
            self.computed.emit()

    def cancel(self):
        """Stop a computation between two levels and wait for its thread (the curves stay as far as they got)."""
        if self._thread is None:
            return
        self._worker.cancel.set()
        self._thread.quit()
        self._thread.wait()
        self._release()
        self._wanted = self.network is not None        # shown again: computed again, from the start
