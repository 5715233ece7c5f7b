"""Decision boundary of a network on a 2-D dataset: its prediction over a grid, under the training points.

The grid covers exactly what the view shows (the points' range at first; the aspect ratio is locked,
so one axis shows more), and follows when the view is resized, zoomed or panned.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from nnviz.app.views.class_key import fill_class_legend
from nnviz.app.views.colors import NEUTRAL, class_brushes, class_colors, class_pens, region_colors
from nnviz.app.views.plot_legends import LegendRow
from nnviz.app.views.shown_view import ShownView
from nnviz.core import class_probabilities

GRID = 120            # grid cells per axis: 14,400 points, one forward pass per snapshot
# The map's cost is cells x classes (a softmax over every class in every cell): past FULL_MAP_CLASSES
# classes the grid gets coarser, to hold that product (1,000 classes at 120 x 120 took 0.3-2.8 s a
# frame on a busy 2-core machine); never coarser than MIN_GRID.
FULL_MAP_CLASSES = 16
MIN_GRID = 16
MARGIN = 0.1          # share of the points' span added on every side
_DEFAULT_EXTENT = np.array([[-1.0, -1.0], [1.0, 1.0]], dtype=np.float32)   # grid before any points
_POINT_PEN = (20, 20, 20)


def grid_axes(X, n=GRID, margin=MARGIN):
    """Cell centres (xs, ys), each (n,), spanning the points X (m, 2) plus `margin` of their span."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.maximum(high - low, 1e-3) * margin
    return (np.linspace(low[0] - pad[0], high[0] + pad[0], n, dtype=np.float32),
            np.linspace(low[1] - pad[1], high[1] + pad[1], n, dtype=np.float32))


def grid_side(n_classes):
    """Cells per axis of the map for n_classes: GRID up to FULL_MAP_CLASSES, then GRID·√(FULL_MAP_CLASSES / k)."""
    return max(MIN_GRID, min(GRID, int(GRID * (FULL_MAP_CLASSES / max(n_classes, 1)) ** 0.5)))


def view_axes(x_range, y_range, n=GRID):
    """Cell centres (xs, ys), each (n,), of an n x n grid whose cells tile the rectangle x_range x y_range."""
    (x0, x1), (y0, y1) = x_range, y_range
    dx, dy = (x1 - x0) / n, (y1 - y0) / n
    return (np.linspace(x0 + dx / 2, x1 - dx / 2, n, dtype=np.float32),
            np.linspace(y0 + dy / 2, y1 - dy / 2, n, dtype=np.float32))


def plane_grid(xs, ys):
    """The grid's points (len(ys) * len(xs), 2): row i * len(xs) + j is (xs[j], ys[i])."""
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def confidence_colors(P, colors):
    """k-class map: each point's class colour blended with NEUTRAL by its confidence.

    P: (m, k) probabilities; colors: (k, 3) RGB in [0, 1]. Confidence (max P − 1/k) / (1 − 1/k)
    is 0 for a uniform guess and 1 for certainty. Returns (m, 3) RGB in [0, 1].
    """
    k = P.shape[1]
    confidence = np.clip((P.max(axis=1) - 1 / k) / (1 - 1 / k), 0, 1)[:, None]
    return NEUTRAL + (colors[P.argmax(axis=1)] - NEUTRAL) * confidence


def two_class_colormap(colors):
    """Probability of class 1: colour of class 0 at 0, NEUTRAL at 0.5, colour of class 1 at 1."""
    return pg.ColorMap([0.0, 0.5, 1.0], np.vstack([colors[0], NEUTRAL, colors[1]]) * 255)


class DecisionBoundaryView(ShownView):
    """Scatter of the training points over the network's prediction map, refreshed on every snapshot.

    Two classes: an image of P(class 1) with a class-0 → neutral → class-1 colormap, levels [0, 1].
    k classes: an RGB image of the winning class's colour, faded towards neutral when unsure.
    Test points (hollow) can be shown too. A click on the plane asks to add a training point of the
    chosen class (pointAdded(x1, x2, class)), Shift+click to remove the nearest (pointRemoved(x1, x2));
    "Save points…" asks for the edited set to be saved (saveRequested).
    """

    pointAdded = Signal(float, float, int)
    pointRemoved = Signal(float, float)
    saveRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._X = np.zeros((0, 2), dtype=np.float32)
        self._y = np.zeros(0, dtype=np.int64)
        self._X_test, self._y_test = self._X, self._y
        self.side = GRID               # cells per axis of the map (`grid_side` of the class count)
        self.grid_points = None        # (side * side, 2): row i * side + j is (xs[j], ys[i])
        self.probabilities = None      # network outputs on grid_points, (side * side, k)
        self.note = QLabel(wordWrap=True)
        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setAspectLocked(True)
        self.plot.showGrid(x=False, y=False)
        self.probability_image = pg.ImageItem(axisOrder="row-major")
        self.class_image = pg.ImageItem(axisOrder="row-major")
        self.scatter = pg.ScatterPlotItem(size=6, pen=_POINT_PEN)
        for item in (self.probability_image, self.class_image):
            self.plot.addItem(item, ignoreBounds=True)     # auto-range fits the points, not the grid
        self.test_scatter = pg.ScatterPlotItem(size=7, brush=None)
        self.plot.addItem(self.test_scatter)
        self.plot.addItem(self.scatter)
        self.plot.scene().sigMouseClicked.connect(self._on_clicked)
        self.add_class = QComboBox(toolTip="Class of the points a click adds (Shift+click removes one)")
        self.show_test = QCheckBox("Test points", checked=True,
                                   toolTip="Show the points not trained on (validation and test), hollow")
        self.show_test.toggled.connect(self.test_scatter.setVisible)
        self.save_button = QPushButton("Save points…", toolTip="Save every point shown (training, validation and "
                                                             "test) as a CSV dataset (open it again as Dataset → CSV)")
        self.save_button.clicked.connect(self.saveRequested)
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Click adds"))
        tools.addWidget(self.add_class)
        tools.addWidget(self.show_test)
        tools.addStretch(1)
        tools.addWidget(self.save_button)
        self.legend = LegendRow(self.plot, text_size="9pt")      # above the map: never over its points
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.note)
        layout.addLayout(tools)
        layout.addWidget(self.plot_widget, 1)
        self._grid_range = None        # ((x0, x1), (y0, y1)) the grid tiles
        self._regrid_timer = QTimer(self, singleShot=True, interval=0)   # one re-evaluation per burst of
        self._regrid_timer.timeout.connect(self._follow_view)          # range changes (drag, resize)
        self.plot.getViewBox().sigRangeChanged.connect(self._regrid_timer.start)
        self._set_colors(class_colors(2))
        self._show_extent(_DEFAULT_EXTENT)

    def set_points(self, X, y, class_names=None, refit=True):
        """Training points X (m, 2) with labels y (m,): scatter coloured by class, and (refit) the view
        and grid around them."""
        self._X, self._y = np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)
        names = list(class_names) if class_names is not None else \
            [str(c) for c in range(int(self._y.max(initial=1)) + 1)]
        rgb = class_colors(max(len(names), 2))
        self._set_colors(rgb)
        if grid_side(len(names)) != self.side:
            self.side = grid_side(len(names))
            self._set_grid(self.plot.getViewBox().viewRange())
        brushes = class_brushes(len(rgb))
        self.scatter.setData(x=self._X[:, 0], y=self._X[:, 1], brush=[brushes[c] for c in self._y])
        fill_class_legend(self.legend, names, brushes, _POINT_PEN)
        if [self.add_class.itemText(i) for i in range(self.add_class.count())] != names:
            self.add_class.clear()
            self.add_class.addItems(names)
        if refit:
            self._show_extent(self._X if len(self._X) else _DEFAULT_EXTENT)
        self.set_snapshot(self._snapshot)

    def set_test_points(self, X, y):
        """Points not trained on X (m, 2), labels y (m,): hollow circles in their class colour (none unless 2-D)."""
        X, y = np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)
        if X.ndim != 2 or X.shape[1] != 2:          # not points of the plane: nothing to show
            X, y = np.zeros((0, 2), dtype=np.float32), y[:0]
        self._X_test, self._y_test = X, y
        pens = class_pens(max(len(self._colors), int(y.max(initial=1)) + 1), width=1.5)
        self.test_scatter.setData(x=X[:, 0], y=X[:, 1], pen=[pens[c] for c in y])

    def shown_points(self):
        """(X (m, 2), y (m,), class names) of every point set here, the training points first, then the
        test points (also while hidden)."""
        return (np.vstack([self._X, self._X_test]), np.concatenate([self._y, self._y_test]),
                [self.add_class.itemText(i) for i in range(self.add_class.count())])

    def _on_clicked(self, event):
        inside = self.plot.vb.sceneBoundingRect().contains(event.scenePos())
        if event.button() != Qt.MouseButton.LeftButton or not inside:
            return
        p = self.plot.vb.mapSceneToView(event.scenePos())
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.pointRemoved.emit(p.x(), p.y())
        elif self.add_class.count():
            self.pointAdded.emit(p.x(), p.y(), self.add_class.currentIndex())

    def plot_position(self, x, y):
        """Widget position (in plot_widget's viewport) of the plane point (x, y), for tests."""
        return self.plot_widget.mapFromScene(self.plot.vb.mapViewToScene(QPointF(x, y)))

    def _set_colors(self, rgb):
        self._colors = region_colors(rgb)
        self.probability_image.setColorMap(two_class_colormap(self._colors))

    def _show_extent(self, X):
        """Show the points X (m, 2) with a margin; the grid then covers the whole view."""
        xs, ys = grid_axes(X)
        # plain floats: float32 range ends overflow inside ViewBox limit checks
        self.plot.setRange(xRange=(float(xs[0]), float(xs[-1])), yRange=(float(ys[0]), float(ys[-1])), padding=0)
        self._set_grid(self.plot.getViewBox().viewRange())

    def _set_grid(self, view_range):
        (x0, x1), (y0, y1) = self._grid_range = tuple((float(a), float(b)) for a, b in view_range)
        self.grid_points = plane_grid(*view_axes((x0, x1), (y0, y1), self.side))
        self._rect = (x0, y0, x1 - x0, y1 - y0)

    def _follow_view(self):
        """The view moved or changed shape: evaluate the grid on what it shows now."""
        view_range = tuple((float(a), float(b)) for a, b in self.plot.getViewBox().viewRange())
        if view_range != self._grid_range:
            self._set_grid(view_range)
            self.set_snapshot(self._snapshot)

    def _draw(self, snapshot):
        if snapshot is None or snapshot.input_width != 2:
            self.probabilities = None
            self.probability_image.hide()
            self.class_image.hide()
            self.note.setText("No network yet" if snapshot is None else
                              f"The decision boundary needs a 2-D dataset; this network takes "
                              f"{snapshot.input_width} inputs")
            return
        P = snapshot.network().predict_proba(self.grid_points)
        self.probabilities = P
        if P.shape[1] <= 2:
            p1 = class_probabilities(P)[:, 1]
            self._show(self.probability_image, p1.reshape(self.side, self.side), self.class_image)
            self.note.setText("Colour: the network's probability of class 1")
        else:
            colors = self._class_palette(P.shape[1])
            rgb = confidence_colors(P, colors).reshape(self.side, self.side, 3)
            self._show(self.class_image, rgb.astype(np.float32), self.probability_image)
            coarse = f" ({P.shape[1]:,} classes: {self.side} x {self.side} cells)" if self.side < GRID else ""
            self.note.setText(f"Colour: the predicted class, faded where the network is unsure{coarse}")

    def _class_palette(self, k):
        return self._colors if len(self._colors) >= k else region_colors(class_colors(k))

    def _show(self, item, image, other):
        item.setImage(image, levels=(0, 1))
        item.setRect(*self._rect)
        item.show()
        other.hide()
