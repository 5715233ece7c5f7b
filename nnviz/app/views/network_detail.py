"""The network view's side panel: the selected unit large, and for image data its top-9 test images,
its mean activation per class and the layer's unit × class map (sortable)."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from nnviz.app.views.colors import class_colors, heatmap_colormap

TOP_IMAGES = 9
TEST_SAMPLE = 2000         # test samples the view measures on (all of a toy set's)
SORTS = ("unit", "preferred class", "mean activation")


def top_activating(a, k=TOP_IMAGES):
    """Indices of the k largest values of a (n,), largest first (ties: lower index first)."""
    return np.argsort(-a, kind="stable")[:k]


def class_means(A, y, n_classes):
    """(width, n_classes) mean activation of each unit (columns of A (n, width)) over each class's
    samples (y (n,)); NaN for a class without samples."""
    out = np.full((A.shape[1], n_classes), np.nan)
    for c in range(n_classes):
        rows = y == c
        if rows.any():
            out[:, c] = A[rows].mean(axis=0)
    return out


def unit_order(M, how):
    """Order of the rows (units) of a unit × class map M: by "unit" index, by "preferred class"
    (argmax, then how strongly), or by "mean activation" (largest first)."""
    if how == "preferred class":
        preferred = np.nanargmax(np.nan_to_num(M, nan=-np.inf), axis=1)
        return np.lexsort((-np.nanmax(M, axis=1), preferred))
    if how == "mean activation":
        return np.argsort(-np.nanmean(M, axis=1), kind="stable")
    return np.arange(len(M))


def mosaic(images, side=3):
    """(k, h, w) → one (side·h, side·w) image, row by row, blank (NaN) where k < side²."""
    k, h, w = images.shape
    out = np.full((side * h, side * w), np.nan, dtype=np.float32)
    for n in range(min(k, side * side)):
        r, c = divmod(n, side)
        out[r * h:(r + 1) * h, c * w:(c + 1) * w] = images[n]
    return out


class NodeDetail(QWidget):
    """show_unit(layer, unit, snapshot, tile) shows one unit; set_dataset(dataset) once per dataset."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._dataset = None
        self._last = None
        self.title = QLabel("Click a unit to see it large", wordWrap=True)
        self.sort = QComboBox()
        self.sort.addItems(SORTS)
        self.sort.setToolTip("Order of the units in the layer's unit × class map")
        self.sort.currentTextChanged.connect(lambda _: self._last and self.show_unit(*self._last))
        self.plots = pg.GraphicsLayoutWidget()
        self.tile_view = self.plots.addViewBox(row=0, col=0)
        self.tile_view.setAspectLocked(True)
        self.tile_image = pg.ImageItem(axisOrder="row-major")
        self.tile_view.addItem(self.tile_image)
        self.top_view = self.plots.addViewBox(row=1, col=0)
        self.top_view.setAspectLocked(True)
        self.top_image = pg.ImageItem(axisOrder="row-major")
        self.top_view.addItem(self.top_image)
        self.class_plot = self.plots.addPlot(row=2, col=0, title="mean a per class")
        self.class_bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.class_plot.addItem(self.class_bars)
        self.layer_plot = self.plots.addPlot(row=3, col=0, title="layer: units × classes")
        self.layer_image = pg.ImageItem(axisOrder="row-major")
        self.layer_image.setColorMap(heatmap_colormap())
        self.layer_plot.addItem(self.layer_image)
        self.layer_plot.invertY(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.sort)
        layout.addWidget(self.plots, 1)
        self.set_dataset(None)

    def set_dataset(self, dataset):
        self._dataset = dataset
        self._last = None
        images = dataset is not None and dataset.image_shape is not None
        for item in (self.top_view, self.class_plot, self.layer_plot):
            item.setVisible(images)
        self.sort.setVisible(images)
        self.plots.setMinimumWidth(0)
        self.tile_image.clear()
        self.title.setText("Click a unit to see it large")

    def show_unit(self, layer, unit, snapshot, tile):
        """The unit's tile large; for a hidden unit of an image dataset also its top test images."""
        self._last = (layer, unit, snapshot, tile)
        n_layers = len(snapshot.sizes) - 1
        name = "input" if layer == 0 else "output" if layer == n_layers else f"hidden layer {layer}"
        kind = "filter" if 0 < layer < n_layers and snapshot.weights[layer - 1].ndim == 4 else "unit"
        self.title.setText(f"{name}, {kind} {unit}")
        if tile is not None and tile.shape[0] > 1:
            self.tile_image.setImage(tile, autoLevels=False)
            self.tile_view.setVisible(True)
        else:
            self.tile_view.setVisible(False)
        ds = self._dataset
        if ds is None or ds.image_shape is None or layer == 0:
            return
        X, y = ds.X_test[:TEST_SAMPLE], ds.y_test[:TEST_SAMPLE]
        if X.shape[1] != snapshot.input_width:
            return
        A = snapshot.network().forward(X)[layer]
        if A.ndim == 4:                     # feature maps: a filter's mean over its map
            A = A.mean(axis=(2, 3))
        a = A[:, unit]
        top = top_activating(a)
        self.top_image.setImage(mosaic(X[top].reshape(len(top), *ds.image_shape))[::-1], levels=(0, 1))
        means = class_means(A, y, ds.n_classes)
        self.class_bars.setOpts(x=np.arange(ds.n_classes), height=np.nan_to_num(means[unit]),
                                brushes=[pg.mkBrush(*rgb) for rgb in class_colors(ds.n_classes)])
        order = unit_order(means, self.sort.currentText())
        shown = means[order]
        finite = shown[np.isfinite(shown)]
        levels = (float(finite.min()), float(max(finite.max(), finite.min() + 1e-6))) if finite.size else (0, 1)
        self.layer_image.setImage(shown, levels=levels)
        self.layer_image.setRect(-0.5, -0.5, ds.n_classes, len(shown))     # column c centred on class c
        self.title.setText(f"{name}, {kind} {unit}: its {len(top)} most activating test images "
                           f"(a = {a[top[0]]:.3g} … {a[top[-1]]:.3g})")
        self._fit_plots()

    def _fit_plots(self):
        """The panel is never narrower than its plots' titles and axes: a splitter squeezing it
        below that would cut the plots off at the right (classes 5-9 gone) instead of shrinking them."""
        self.plots.setMinimumWidth(math.ceil(self.plots.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()))
