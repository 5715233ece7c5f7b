"""The projection view: the last hidden layer's activations of a fixed sample of test points, in 2-D by PCA.

Each point is a test sample coloured by its class; as training (or the replay slider) moves on, the
points move with the representation the network learns. The orientation follows the previous frame
(nnviz.core.projection), so the picture does not flip. Hovering a point shows its image (or
coordinates), its label and the network's prediction. Drag the selection rectangle over points:
the confusion matrix beside the cloud (of the 1,000 points, for the shown snapshot) lights up the
cells where the selected points fall.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from nnviz.app.views.colors import class_colors
from nnviz.app.views.confusion_colors import CORRECT_MAP, MISTAKE_MAP, confusion_layers
from nnviz.app.views.shown_view import ShownView
from nnviz.core import confusion_matrix
from nnviz.core.projection import pca_2d

SAMPLE = 1000                   # test points projected
POINT_SIZE = 6


class ProjectionView(ShownView):
    """set_points(X, y, image_shape, class_names) once per dataset; set_snapshot(snapshot) per frame."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.X = self.y = None
        self.image_shape, self.class_names = None, []
        self.coords = self.predicted = self.confidence = None
        self.plots = pg.GraphicsLayoutWidget()
        self.plot = self.plots.addPlot(title="last hidden layer, PCA")
        self.plot.setLabel("bottom", "PC 1")
        self.plot.setLabel("left", "PC 2")
        self.plot.setAspectLocked(False)
        self.scatter = pg.ScatterPlotItem(size=POINT_SIZE, pen=None, hoverable=True,
                                          hoverPen=pg.mkPen("k", width=1.5))
        self.scatter.sigHovered.connect(self._on_hover)
        self.plot.addItem(self.scatter)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize="8pt")
        self.selection = pg.RectROI((0, 0), (1, 1), pen=pg.mkPen("#d62728", width=1.5))
        self.selection.sigRegionChanged.connect(self._on_selection)
        self.plot.addItem(self.selection)
        self.matrix_plot = self.plots.addPlot(title="confusion (selected)")
        self.matrix_plot.setLabel("bottom", "predicted")
        self.matrix_plot.setLabel("left", "true")
        self.matrix_plot.invertY(True)
        self.matrix_plot.setMouseEnabled(False, False)
        self.matrix_correct = pg.ImageItem()          # the diagonal: share of the class, green
        self.matrix_correct.setColorMap(CORRECT_MAP)
        self.matrix = pg.ImageItem()                  # the mistakes: log count, a scale of their own
        self.matrix.setColorMap(MISTAKE_MAP)
        for item in (self.matrix_correct, self.matrix):
            self.matrix_plot.addItem(item)
        self.plots.ci.layout.setColumnStretchFactor(0, 3)
        self.plots.ci.layout.setColumnStretchFactor(1, 1)
        self._placed = False
        self.selected = np.zeros(0, dtype=np.int64)     # indices of the points in the rectangle
        self.selected_cells = None                      # (k, k) counts of the selected points
        self.preview = pg.ImageItem()
        preview_box = pg.GraphicsLayoutWidget()
        preview_box.setFixedSize(90, 90)
        view = preview_box.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        view.addItem(self.preview)
        self.preview_box = preview_box
        self.info = QLabel("Hover a point: its image, label and prediction", wordWrap=True)
        self.note = QLabel("")
        row = QHBoxLayout()
        row.addWidget(self.preview_box)
        row.addWidget(self.info, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plots, 1)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def set_points(self, X, y, image_shape=None, class_names=None):
        """The dataset's test points: the first SAMPLE of them are projected."""
        self.X, self.y = np.asarray(X[:SAMPLE]), np.asarray(y[:SAMPLE], dtype=np.int64)
        self.image_shape = image_shape
        self.class_names = list(class_names) if class_names is not None else \
            [str(c) for c in range(int(self.y.max(initial=1)) + 1)]
        colors = class_colors(max(len(self.class_names), 2))
        self._brushes = [pg.mkBrush(*c, 200) for c in colors]
        self.legend.clear()
        for c, name in enumerate(self.class_names):
            self.legend.addItem(pg.ScatterPlotItem(brush=self._brushes[c], pen=None, size=8), name)
        self.coords = None
        self._placed = False
        self.preview.hide()
        self.set_snapshot(self._snapshot)

    def _draw(self, snapshot):
        if snapshot is None or self.X is None or len(snapshot.sizes) < 3 or len(self.X) < 2:
            self.scatter.setData([], [])
            self.note.setText("No hidden layer to project" if snapshot is not None and len(snapshot.sizes) < 3
                              else "No network yet")
            return
        with np.errstate(all="ignore"):
            activations = snapshot.network().forward(self.X)
        hidden, output = activations[-2], activations[-1]
        if not np.all(np.isfinite(hidden)):
            self.note.setText("The activations are not finite: nothing to project")
            return
        self.coords, ratio = pca_2d(hidden, reference=self.coords)
        P = output if output.shape[1] > 1 else np.hstack([1 - output, output])
        self.predicted, self.confidence = P.argmax(axis=1), P.max(axis=1)
        self.scatter.setData(x=self.coords[:, 0], y=self.coords[:, 1], data=np.arange(len(self.X)),
                             brush=[self._brushes[c] for c in self.y])
        if not self._placed:           # the first cloud: the rectangle over its middle, a third of its size
            self._placed = True
            low, high = self.coords.min(axis=0), self.coords.max(axis=0)
            self.selection.setPos(tuple(low + (high - low) / 3))
            self.selection.setSize(tuple((high - low) / 3))
        self._on_selection()
        self.note.setText(f"{len(self.X)} test points · PC 1 and 2 explain {ratio[0]:.0%} and {ratio[1]:.0%} "
                          f"of the variance · epoch {snapshot.epoch}, step {snapshot.step}")

    def _on_selection(self):
        """The points inside the selection rectangle light up their cells (true, predicted)."""
        if self.coords is None:
            return
        (x0, y0), (w, h) = self.selection.pos(), self.selection.size()
        x, y = self.coords[:, 0], self.coords[:, 1]
        inside = (x >= min(x0, x0 + w)) & (x <= max(x0, x0 + w)) & (y >= min(y0, y0 + h)) & (y <= max(y0, y0 + h))
        self.selected = np.flatnonzero(inside)
        k = len(self.class_names)
        self.selected_cells = confusion_matrix(self.y[self.selected], self.predicted[self.selected], k)
        correct, mistakes, levels = confusion_layers(self.selected_cells)
        for item, values, item_levels in ((self.matrix_correct, correct, (0, 1)), (self.matrix, mistakes, levels)):
            item.setImage(values.T, levels=item_levels)
            item.setRect(-0.5, -0.5, k, k)              # cell (i, j) centred on its class numbers
        self.matrix_plot.setTitle(f"confusion of the {len(self.selected)} selected points")

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
