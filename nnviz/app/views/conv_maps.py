"""Feature maps of a network with convolutions as tiles (ConvNetJS's layout): per convolution, the maps
of one probe image beside the maps of the drawing, updated on every stroke; then the first layer's
filters beside their gradients on a few probe images, each with a colour bar."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from nnviz.app.views.colors import (
    activation_levels,
    diverging_colormap,
    heatmap_colormap,
    set_bar_levels,
    symmetric_levels,
)
from nnviz.app.views.conv_step import ConvStepDialog
from nnviz.app.views.tiles import BAR_LABEL_WIDTH, TILE_PAD, grid_shape, image_plot, tile_grid, tile_separators

GRADIENT_ROWS = 20     # probe images (every k-th: all classes of a class-sorted probe) the gradients are of


def map_tiles(maps):
    """(C, H, W) maps (or filters) as one tile grid (tile_grid's layout, NaN gaps)."""
    C, H, W = maps.shape
    return tile_grid(maps.reshape(C, H * W).T, (H, W), C)


def conv_layers(snapshot):
    """Indices l of the weight layers that are convolutions (their maps are forward(X)[l + 1])."""
    return [l for l, W in enumerate(snapshot.weights) if W.ndim == 4]


class ConvMaps(QWidget):
    """set_probe(X, y, class_names) once per dataset; show_snapshot(snapshot) at each redraw;
    show_drawing(activations) with the draw panel's forward pass of the drawing (None: nothing drawn).

    probe_images[i] / drawing_images[i]: the tile grids of convolution i (ImageItems built once per
    architecture, given new images after); filter_image / gradient_image: the first layer's filters
    and ∂C/∂W¹ on GRADIENT_ROWS probe images.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._X = self._y = None
        self._class_names = ()
        self._key = None
        self._map_shapes = []
        self._snapshot = None
        self._drawing = None
        self.probe_images, self.drawing_images, self._map_plots = [], [], []
        self.input_images = []
        self.filter_image = self.gradient_image = None
        self._bars = []
        self.probe_box = QSpinBox(toolTip="Which probe image (test set) the top row shows")
        self.probe_box.valueChanged.connect(lambda _: self.show_snapshot(self._snapshot))
        self.probe_label = QLabel()
        self.note = QLabel()
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.ci.setContentsMargins(0, 0, 0, 0)
        self.plots.ci.setSpacing(2)
        self.plots.scene().sigMouseClicked.connect(self._on_clicked)
        self.plots.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.readout = QLabel("Hover a map to read a value; click it to step through its convolution")
        row = QHBoxLayout()
        row.addWidget(QLabel("Probe image"))
        row.addWidget(self.probe_box)
        row.addWidget(self.probe_label, 1)
        row.addWidget(self.note)
        self.step_button = QPushButton("Step through…", toolTip="One output pixel of a convolution, step by step, "
                                                               "on the drawing (or, with none, the probe image)")
        self.step_button.clicked.connect(lambda: self.open_step_through())
        self.step_dialog = None
        row.addWidget(self.step_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.readout)

    # -- public API ----------------------------------------------------------------------------

    def set_probe(self, X, y, class_names=()):
        self._X, self._y = np.asarray(X), np.asarray(y)
        self._class_names = tuple(class_names)
        self.probe_box.blockSignals(True)
        self.probe_box.setRange(0, max(0, len(self._X) - 1))
        self.probe_box.blockSignals(False)

    def show_snapshot(self, snapshot):
        """The probe image's maps, the filters and their gradients of this snapshot's network."""
        self._snapshot = snapshot
        if snapshot is None or self._X is None or not len(self._X):
            return
        self._build(snapshot)
        network = snapshot.network()
        i = self.probe_box.value()
        label = int(self._y[i])
        self.probe_label.setText(f"label {self._class_names[label] if label < len(self._class_names) else label}")
        activations = network.forward(self._X[i:i + 1])
        self._show_maps(self.input_images[0], self.probe_images, activations)
        filters = snapshot.weights[0]
        rows = slice(None, None, max(1, len(self._X) // GRADIENT_ROWS))
        gradient = network.gradients(self._X[rows], self._y[rows])[0][0]
        for image, bar, W in ((self.filter_image, self._bars[0], filters),
                              (self.gradient_image, self._bars[1], gradient)):
            grid = map_tiles(W.reshape(-1, *W.shape[2:]))
            image.setImage(grid, autoLevels=False)
            set_bar_levels(bar, symmetric_levels(grid))
        self.show_drawing(self._drawing)

    def show_drawing(self, activations):
        """The drawing's maps from the draw panel's forward pass [x, a¹, ..., aᴸ] (None clears them)."""
        self._drawing = activations
        if not self.drawing_images:
            return
        fits = activations is not None and all(activations[l + 1].shape[1:] == self._map_shapes[n]
                                               for n, l in enumerate(self._conv))
        if not fits:
            for image in (self.input_images[1], *self.drawing_images):
                image.clear()
            return
        self._show_maps(self.input_images[1], self.drawing_images, activations)

    def open_step_through(self, drawing=None, at=None):
        """The step-through dialog on the drawing (drawing True) or the probe image (False); None: the
        drawing when there is one. at: (convolution index, map, row, column) to show first."""
        if self._snapshot is None or self._X is None:
            return
        if self.step_dialog is None:
            self.step_dialog = ConvStepDialog(self)
        drawn = self._drawing is not None and self.drawing_images and self.drawing_images[0].image is not None
        if drawing or (drawing is None and drawn):
            x, what = self._drawing[0][0], "your drawing"
        else:
            i = self.probe_box.value()
            x, what = self._X[i], f"probe image {i}"
        self.step_dialog.show_image(self._snapshot, x, what)
        if at is not None:
            self.step_dialog.select(*at)

    def map_pixel_at(self, scene_pos):
        """(drawing?, convolution index, map, row, column) of the map pixel under scene_pos, or None."""
        for drawing, images in ((False, self.probe_images), (True, self.drawing_images)):
            for n, (image, shape) in enumerate(zip(images, self._map_shapes)):
                view = image.getViewBox()
                if image.image is None or not view.sceneBoundingRect().contains(scene_pos):
                    continue
                p = view.mapSceneToView(scene_pos)
                C, H, W = shape
                (tile_row, i), (tile_col, j) = divmod(int(p.y()), H + TILE_PAD), divmod(int(p.x()), W + TILE_PAD)
                cols = grid_shape(C)[1]
                f = tile_row * cols + tile_col
                if p.x() >= 0 and p.y() >= 0 and i < H and j < W and tile_col < cols and f < C:
                    return drawing, n, f, i, j
        return None

    def _on_clicked(self, event):
        """A click on a map's pixel opens the step-through at that map and pixel."""
        hit = self.map_pixel_at(event.scenePos())
        if hit is not None:
            self.open_step_through(hit[0], hit[1:])

    def _on_mouse_moved(self, scene_pos):
        """The value under the pointer in the readout."""
        hit = self.map_pixel_at(scene_pos)
        if hit is None:
            return
        drawing, n, f, i, j = hit
        C, H, W = self._map_shapes[n]
        cols = grid_shape(C)[1]
        grid = (self.drawing_images if drawing else self.probe_images)[n].image
        value = grid[(f // cols) * (H + TILE_PAD) + i, (f % cols) * (W + TILE_PAD) + j]
        self.readout.setText(f"{'drawing' if drawing else 'probe image'}: conv {n + 1}, map {f}, "
                             f"pixel ({i}, {j}): {value:.4g} (click: step through)")

    # -- internals -----------------------------------------------------------------------------

    def _show_maps(self, input_image, images, activations):
        C, H, W = self._snapshot.image_shape
        input_image.setImage(map_tiles(activations[0][0].reshape(C, H, W)), levels=(0, 1))
        for image, l in zip(images, self._conv):
            grid = map_tiles(activations[l + 1][0])
            image.setImage(grid, levels=activation_levels(self._snapshot.hidden, grid))

    def _build(self, snapshot):
        key = (tuple(W.shape for W in snapshot.weights), snapshot.image_shape)
        if key == self._key:
            return
        self._key = key
        self.plots.clear()
        self._conv = conv_layers(snapshot)
        blank = snapshot.network().forward(np.zeros((1, int(np.prod(snapshot.image_shape))), np.float32))
        self._map_shapes = [blank[l + 1].shape[1:] for l in self._conv]
        self.probe_images, self.drawing_images, self.input_images, self._bars = [], [], [], []
        C, H, W = snapshot.image_shape
        for row, (title, images) in enumerate((("probe image", self.probe_images),
                                                ("your drawing", self.drawing_images))):
            self.input_images.append(self._tile_plot(self.plots, row, 0, title, (C, H, W))[1])
            for n, shape in enumerate(self._map_shapes, start=1):
                what = f"{shape[0]} maps {shape[1]}x{shape[2]}" if row == 0 else "of the drawing"
                images.append(self._tile_plot(self.plots, row, n, f"conv {n}: {what}", shape)[1])
        filters = snapshot.weights[0].shape
        tiles = (filters[0] * filters[1], *filters[2:])
        bottom = self.plots.addLayout(row=2, col=0, colspan=len(self._conv) + 1)
        images = []
        for col, title in enumerate(("layer 1 filters", f"their gradients ({GRADIENT_ROWS} images)")):
            plot, image = self._tile_plot(bottom, 0, col, title, tiles)
            bar = pg.ColorBarItem(values=(-1, 1), colorMap=diverging_colormap(), interactive=False, width=8)
            bar.setImageItem(image, insert_in=plot)
            bar.axis.setWidth(BAR_LABEL_WIDTH)
            self._bars.append(bar)
            images.append(image)
        self.filter_image, self.gradient_image = images
        self.note.setText("dark 0, bright: the largest")

    @staticmethod
    def _tile_plot(layout, row, col, title, shape):
        """A plot at (row, col) of `layout` holding one ImageItem for `shape[0]` tiles of shape[1:] (viridis)."""
        plot, image = image_plot(layout, row, col, title, heatmap_colormap())
        plot.layout.setRowFixedHeight(0, 14)       # setTitle makes the title's row 30 px
        plot.layout.setContentsMargins(1, 0, 1, 1)
        plot.layout.setSpacing(0)
        for row_of_axis in (1, 3):          # the hidden top and bottom axes' rows keep no height
            plot.layout.setRowFixedHeight(row_of_axis, 0)
        rows, cols = grid_shape(shape[0])
        plot.vb.setRange(xRange=(0, cols * (shape[2] + TILE_PAD) - TILE_PAD),
                         yRange=(0, rows * (shape[1] + TILE_PAD) - TILE_PAD), padding=0)
        if shape[0] > 1:
            plot.addItem(tile_separators(shape[1:], shape[0]))
        return plot, image
