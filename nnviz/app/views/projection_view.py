"""The projection view: the last hidden layer's activations of a fixed sample of test points, in 2-D by PCA.

Each point is a test sample coloured by its class; as training (or the replay slider) moves on, the
points move with the representation the network learns. The orientation follows the previous frame
(nnviz.core.projection), so the picture does not flip. Hovering a point shows its image (or
coordinates), its label and the network's prediction. Dragging a rectangle (left button) selects the
points in it and clicking a point selects that one (Shift or Ctrl adds); the selected points stay
ringed as the cloud moves, and `pointsSelected` tells the window, which lights their cells in the
Evaluation dialog's confusion matrix.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout

from nnviz.app.views.class_key import fill_class_legend
from nnviz.app.views.colors import class_brushes
from nnviz.app.views.shown_view import ShownView
from nnviz.core.projection import pca_2d

SAMPLE = 1000                   # test points projected
POINT_SIZE = 6
PREVIEW_SIZE = 64                # px: the hovered point's image
LEGEND_ROWS = 5                  # classes listed in one column; more take two
LEGEND_WIDTH = 90                # px, two columns of short class names
_ADDS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
_SELECTION = "#d62728"


def _adds(modifiers):
    """True when Shift or Ctrl is held: the new points join the selection instead of replacing it."""
    return bool(modifiers & _ADDS)


class SelectionBox(pg.ViewBox):
    """The cloud's view: a left drag draws a selection rectangle instead of panning (the wheel still zooms).

    Signals: `dragged(QRectF in data coordinates, adds)` when a drag ends; `clicked(adds)` for a left click
    on no point.
    """

    dragged = Signal(object, bool)
    clicked = Signal(bool)

    def __init__(self):
        super().__init__()
        self.band = QGraphicsRectItem()
        pen = pg.mkPen(_SELECTION)
        pen.setCosmetic(True)
        self.band.setPen(pen)
        self.band.setBrush(pg.mkBrush(214, 39, 40, 30))
        self.band.setZValue(20)
        self.band.hide()
        self.addItem(self.band, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() != Qt.MouseButton.LeftButton:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        rect = QRectF(self.mapToView(ev.buttonDownPos()), self.mapToView(ev.pos())).normalized()
        self.band.setRect(rect)
        self.band.setVisible(not ev.isFinish())
        if ev.isFinish():
            self.dragged.emit(rect, _adds(ev.modifiers()))

    def mouseClickEvent(self, ev):
        if ev.button() != Qt.MouseButton.LeftButton:
            return super().mouseClickEvent(ev)
        ev.accept()
        self.clicked.emit(_adds(ev.modifiers()))


class ProjectionView(ShownView):
    """set_points(X, y, image_shape, class_names) once per dataset; set_snapshot(snapshot) per frame.

    Signal `pointsSelected(indices)`: the user changed the selection, now these test points (int64 array,
    indices into the dataset's test set, possibly empty). `drawn`: the snapshot the cloud shows.
    """

    pointsSelected = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.X = self.y = None
        self.image_shape, self.class_names = None, []
        self.coords = self.predicted = self.confidence = None
        self.drawn = None
        self.selected = np.zeros(0, dtype=np.int64)     # indices of the selected points
        self.plots = pg.GraphicsLayoutWidget()
        self.box = SelectionBox()
        self.plot = self.plots.addPlot(title="last hidden layer, PCA", viewBox=self.box)
        self.plot.setLabel("bottom", "PC 1")
        self.plot.setLabel("left", "PC 2")
        self.plot.setAspectLocked(False)
        self.scatter = pg.ScatterPlotItem(size=POINT_SIZE, pen=None, hoverable=True,
                                          hoverPen=pg.mkPen("k", width=1.5))
        self.scatter.sigHovered.connect(self._on_hover)
        self.scatter.sigClicked.connect(self._on_point_clicked)
        self.plot.addItem(self.scatter)
        self.rings = pg.ScatterPlotItem(size=POINT_SIZE + 5, brush=None, pen=pg.mkPen(_SELECTION, width=1.5))
        self.rings.setZValue(5)
        self.plot.addItem(self.rings)
        self.legend = pg.LegendItem(labelTextSize="8pt")      # beside the plot: never over the points
        self.plots.addItem(self.legend, row=0, col=1)
        self.plots.ci.layout.setColumnMaximumWidth(1, LEGEND_WIDTH)          # the plot takes the rest
        self.box.dragged.connect(self._on_dragged)
        self.box.clicked.connect(lambda adds: adds or self.select([]))
        self.preview = pg.ImageItem()
        preview_box = pg.GraphicsLayoutWidget()
        preview_box.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        view = preview_box.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        view.addItem(self.preview)
        self.preview_box = preview_box
        self.info = QLabel("Hover a point: its image, label and prediction", wordWrap=True)
        self.note = QLabel(wordWrap=True)
        self._frame_text = ""
        texts = QVBoxLayout()
        texts.addWidget(self.info)
        texts.addWidget(self.note)
        row = QHBoxLayout()                 # the hovered image beside both texts: the plot keeps the height
        row.addWidget(self.preview_box)
        row.addLayout(texts, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plots, 1)
        layout.addLayout(row)
        self._describe()

    def set_points(self, X, y, image_shape=None, class_names=None):
        """The dataset's test points: the first SAMPLE of them are projected."""
        self.X, self.y = np.asarray(X[:SAMPLE]), np.asarray(y[:SAMPLE], dtype=np.int64)
        self.image_shape = image_shape
        self.class_names = list(class_names) if class_names is not None else \
            [str(c) for c in range(int(self.y.max(initial=1)) + 1)]
        self._brushes = class_brushes(max(len(self.class_names), 2), alpha=200)
        self.legend.setColumnCount(1 if len(self.class_names) <= LEGEND_ROWS else 2)
        fill_class_legend(self.legend, self.class_names, self._brushes)
        self.coords = None
        self.selected = np.zeros(0, dtype=np.int64)
        self.preview.hide()
        self.set_snapshot(self._snapshot)

    def _draw(self, snapshot):
        self.drawn = snapshot
        if snapshot is None or self.X is None or len(snapshot.sizes) < 3 or len(self.X) < 2:
            self.scatter.setData([], [])
            self.rings.setData([], [])
            self.coords = None
            return self._describe("No hidden layer to project" if snapshot is not None and len(snapshot.sizes) < 3
                                  else "No network yet")
        with np.errstate(all="ignore"):
            activations = snapshot.network().forward(self.X)
        hidden, output = activations[-2], activations[-1]
        if not np.all(np.isfinite(hidden)):
            return self._describe("The activations are not finite: nothing to project")
        self.coords, ratio = pca_2d(hidden, reference=self.coords)
        P = output if output.shape[1] > 1 else np.hstack([1 - output, output])
        self.predicted, self.confidence = P.argmax(axis=1), P.max(axis=1)
        self.scatter.setData(x=self.coords[:, 0], y=self.coords[:, 1], data=np.arange(len(self.X)),
                             brush=[self._brushes[c] for c in self.y])
        self._ring_selected()
        self._describe(f"{len(self.X)} test points · PC 1 and 2 explain {ratio[0]:.0%} and {ratio[1]:.0%} of the "
                       f"variance · epoch {snapshot.epoch}, step {snapshot.step}")

    # -- selection -----------------------------------------------------------------------------

    def select(self, indices, adds=False):
        """Select these points (indices into the sample; with adds, besides those selected) and say so."""
        indices = np.asarray(indices, dtype=np.int64)
        self.selected = np.union1d(self.selected, indices) if adds else np.unique(indices)
        self._ring_selected()
        self._describe()
        self.pointsSelected.emit(self.selected.copy())

    def points_in(self, rect):
        """Indices of the points inside `rect` (QRectF in the cloud's coordinates), ascending."""
        if self.coords is None:
            return np.zeros(0, dtype=np.int64)
        x, y = self.coords[:, 0], self.coords[:, 1]
        inside = (x >= rect.left()) & (x <= rect.right()) & (y >= rect.top()) & (y <= rect.bottom())
        return np.flatnonzero(inside)

    def _on_dragged(self, rect, adds):
        self.select(self.points_in(rect), adds)

    def _on_point_clicked(self, _item, points, event):
        if not len(points):
            return
        event.accept()
        i = int(points[0].data())
        if _adds(event.modifiers()):
            chosen = np.setdiff1d(self.selected, [i]) if i in self.selected else np.union1d(self.selected, [i])
            self.select(chosen)
        else:
            self.select([i])

    def _ring_selected(self):
        if self.coords is None or not len(self.selected):
            return self.rings.setData([], [])
        self.rings.setData(x=self.coords[self.selected, 0], y=self.coords[self.selected, 1])

    def _describe(self, frame=None):
        """The note under the cloud: what the frame shows (`frame`, else as before) and the selection."""
        self._frame_text = self._frame_text if frame is None else frame
        n = len(self.selected)
        selection = (f"{n} selected: their cells are outlined in Model → Evaluate (click empty space to clear)" if n
                     else "drag over points (or click one; Shift adds) to outline their cells in Model → Evaluate")
        self.note.setText(f"{self._frame_text} · {selection}" if self._frame_text else selection)

    def _on_hover(self, _item, points, _event):
        if not len(points) or self.predicted is None:
            return
        self.show_point(int(points[0].data()))

    def show_point(self, i):
        """Describe test point i: image (or coordinates), label, prediction and confidence."""
        label, guess = self.class_names[self.y[i]], self.class_names[self.predicted[i]]
        verdict = "right" if self.y[i] == self.predicted[i] else "wrong"
        where = ""
        if self.image_shape is not None:
            self.preview.setImage(self.X[i].reshape(self.image_shape).T, levels=(0, 1))
            self.preview.show()
        else:
            self.preview.hide()
            where = f" at ({self.X[i][0]:.2f}, {self.X[i][1]:.2f})"
        self.info.setText(f"Test point {i}{where}: label {label}, predicted {guess} "
                          f"({self.confidence[i]:.0%} sure, {verdict})")
