""""Sketch it": the student drags the mouse over a plot to draw the curve they expect (loss or
accuracy per epoch); after the run the real curve is drawn over it, with a one-line comparison."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout

from nnviz.app.views.plot_legends import LegendRow

SKETCH_PEN = pg.mkPen("#ff7f0e", width=2, style=Qt.PenStyle.DashLine)
REAL_PEN = pg.mkPen("#1f77b4", width=2)
# Start ranges of the drawing area: a loss from 0 to a little over ln 10 (chance on ten classes).
Y_RANGES = {"loss": (0.0, 2.5), "accuracy": (0.0, 1.0)}


def compare(sketch, real, curve) -> str:
    """One line comparing the sketched points [(epoch, value)] with the real curve (value per epoch 1..n)."""
    if len(sketch) < 2 or len(real) == 0:
        return "nothing to compare: draw the curve before the run, then run it"
    xs, ys = np.array(sketch, dtype=float).T
    epochs = np.arange(1, len(real) + 1, dtype=float)
    inside = (epochs >= xs.min()) & (epochs <= xs.max())
    if not inside.any():
        return f"your sketch covers epochs {xs.min():.0f}-{xs.max():.0f}; the run had {len(real)}"
    expected = np.interp(epochs[inside], xs, ys)
    actual = np.asarray(real, dtype=float)[inside]
    gap = float(np.mean(np.abs(actual - expected)))
    above = float(np.mean(actual > expected))
    return (f"you expected {curve} {expected[-1]:.3g} at epoch {epochs[inside][-1]:.0f}, it was {actual[-1]:.3g}; "
            f"the real curve was above your sketch {above:.0%} of the time (mean gap {gap:.3g})")


class SketchPlot(pg.PlotWidget):
    """A plot to draw on: press and drag from left to right; each drag replaces the part it covers.
    `points` is the sketch [(epoch, value)] sorted by epoch; sketched(points) after each drag."""

    sketched = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(150)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.showGrid(x=True, y=True, alpha=0.3)
        LegendRow(self.getPlotItem())                # above the data: an accuracy sketch ends top right
        self.sketch_curve = self.plot([], [], pen=SKETCH_PEN, name="your sketch")
        self.real_curve = self.plot([], [], pen=REAL_PEN, name="the run")
        self.points, self._drag = [], None
        self.locked = False
        self.start("loss", 10)

    def start(self, curve, epochs):
        """An empty drawing area for `curve` over `epochs` epochs."""
        self.curve, self.epochs = curve, max(1, int(epochs))
        self.points, self._drag = [], None
        self.locked = False
        self.sketch_curve.setData([], [])
        self.real_curve.setData([], [])
        self.setLabel("bottom", "epoch")
        self.setLabel("left", curve)
        self.setXRange(0, self.epochs, padding=0.02)
        self.setYRange(*Y_RANGES[curve], padding=0.02)

    def set_points(self, points):
        self.points = sorted((float(x), float(y)) for x, y in points)
        self.sketch_curve.setData(*(zip(*self.points) if self.points else ([], [])))

    def show_real(self, values):
        """Draw the run's curve (one value per epoch) over the sketch; return the comparison line."""
        values = np.asarray(values, dtype=float)
        self.real_curve.setData(np.arange(1, len(values) + 1), values)
        self.enableAutoRange()
        return compare(self.points, values, self.curve)

    def _to_data(self, pos):
        point = self.plotItem.vb.mapSceneToView(self.mapToScene(pos.toPoint()))
        x = min(max(point.x(), 0.0), float(self.epochs))
        return x, max(point.y(), 0.0)

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton and not self.locked:
            self._drag = [self._to_data(event.position())]
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self._drag is not None:
            self._drag.append(self._to_data(event.position()))
            self._merge(self._drag)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event):
        if self._drag is not None:
            self._merge(self._drag)
            self._drag = None
            self.sketched.emit(list(self.points))
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _merge(self, drag):
        """The sketch with the x range this drag covers replaced by the drag's points."""
        low, high = min(x for x, _ in drag), max(x for x, _ in drag)
        kept = [(x, y) for x, y in self.points if not low <= x <= high]
        self.set_points(kept + drag)


class SketchBox(QGroupBox):
    """The question, the plot to draw on, "Commit sketch" and the comparison; or, for a run made in
    the panel without a sketch, just that run's loss curve."""

    def __init__(self, parent=None):
        super().__init__("Predict: sketch it", parent)
        column = QVBoxLayout(self)
        self.question = QLabel(wordWrap=True)
        self.plot = SketchPlot()
        self.commit_button = QPushButton("Commit sketch")
        self.comparison = QLabel(wordWrap=True)
        for w in (self.question, self.plot, self.commit_button, self.comparison):
            column.addWidget(w)

    def ask(self, sketch, epochs, made):
        """Ask for `sketch` (nnviz.lessons.Sketch) over `epochs`; `made`: the saved sketch, if any."""
        self.setTitle("Predict: sketch it")
        self.question.show()
        self.commit_button.show()
        self.question.setText(sketch.question)
        self.plot.start(sketch.curve, epochs)
        self.comparison.setText(made.get("comparison", "") if made else "")
        if made is not None:
            self.plot.set_points(made["sketch"])
            self.plot.locked = True
        self.commit_button.setEnabled(made is None)

    def show_run(self, losses):
        """Show a run's loss curve (one value per epoch), nothing to draw."""
        self.setTitle("The run")
        self.show()
        self.question.hide()
        self.commit_button.hide()
        self.plot.start("loss", len(losses))
        self.plot.locked = True
        self.comparison.setText("")
        self.plot.show_real(losses)
