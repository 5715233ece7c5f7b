"""Feature maps of a network with convolutions as tiles (ConvNetJS's layout): one row per convolution
holding its maps of one input — the drawing (updated on every stroke) or a probe image — then the
first layer's filters beside their gradients on a few probe images, each with a colour bar."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

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
MAPS_PER_ROW = 8       # a convolution's maps in rows of at most this many: wide rows fit the dock
SOURCES = ("your drawing", "probe image")
TITLE_HEIGHT = 14      # px of a tile plot's title
CELL_MARGIN = 3        # px around a tile plot's picture
BAR_ROOM = 8 + BAR_LABEL_WIDTH + 6     # px of a colour bar with its labels beside a picture
BAR_MIN_HEIGHT = 30    # px a colour bar needs for its two labels, one at each end


def map_columns(n_maps):
    """Tiles per row of a layer of n_maps maps: all of them up to MAPS_PER_ROW, else balanced rows."""
    return math.ceil(n_maps / math.ceil(n_maps / MAPS_PER_ROW))


def map_tiles(maps):
    """(C, H, W) maps (or filters) as one tile grid, map_columns(C) tiles a row (NaN gaps)."""
    C, H, W = maps.shape
    return tile_grid(maps.reshape(C, H * W).T, (H, W), C, map_columns(C))


def conv_layers(snapshot):
    """Indices l of the weight layers that are convolutions (their maps are forward(X)[l + 1])."""
    return [l for l, W in enumerate(snapshot.weights) if W.ndim == 4]


class ConvMaps(QWidget):
    """set_probe(X, y, class_names) once per dataset; show_snapshot(snapshot) at each redraw;
    show_drawing(activations) with the draw panel's forward pass of the drawing (None: nothing drawn).

    The maps shown are those of `shown` ("drawing" or "probe", chosen in `source_box`): a stroke
    shows the drawing's, picking a probe image (or clearing the drawing) the probe image's.
    input_image / map_images[i]: the input and the tile grid of convolution i (ImageItems built once
    per architecture, given new images after); filter_image / gradient_image: the first layer's
    filters and ∂C/∂W¹ on GRADIENT_ROWS probe images.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._X = self._y = None
        self._class_names = ()
        self._key = None
        self._map_shapes = []
        self._snapshot = None
        self._drawing = None
        self.input_image, self.map_images = None, []
        self.filter_image = self.gradient_image = None
        self._bars = []
        self.source_box = QComboBox(toolTip="Whose feature maps are shown: your drawing (as you draw) or a "
                                            "test image")
        self.source_box.addItems(SOURCES)
        self.source_box.setCurrentIndex(1)
        self.source_box.currentIndexChanged.connect(lambda _: self._show_input())
        self.probe_box = QSpinBox(toolTip="Which probe image (test set) the maps are of")
        self.probe_box.valueChanged.connect(self._probe_picked)
        self.probe_label = QLabel()
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.ci.setContentsMargins(0, 0, 0, 0)
        self.plots.ci.setSpacing(2)
        self.plots.scene().sigMouseClicked.connect(self._on_clicked)
        self.plots.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.readout = QLabel("Hover a map to read a value; click it to step through its convolution")
        row = QHBoxLayout()
        row.addWidget(QLabel("Maps of"))
        row.addWidget(self.source_box)
        row.addWidget(self.probe_box)
        row.addWidget(self.probe_label, 1)
        self.step_button = QPushButton("Step through…", toolTip="One output pixel of a convolution, step by step, "
                                                               "on the input whose maps are shown")
        self.step_button.clicked.connect(lambda: self.open_step_through())
        self.step_dialog = None
        row.addWidget(self.step_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.readout)

    # -- public API ----------------------------------------------------------------------------

    @property
    def shown(self):
        """Whose maps are shown: "drawing" or "probe"."""
        return "drawing" if self.source_box.currentIndex() == 0 else "probe"

    def set_probe(self, X, y, class_names=()):
        self._X, self._y = np.asarray(X), np.asarray(y)
        self._class_names = tuple(class_names)
        self.probe_box.blockSignals(True)
        self.probe_box.setRange(0, max(0, len(self._X) - 1))
        self.probe_box.blockSignals(False)

    def show_snapshot(self, snapshot):
        """The maps of the shown input, the filters and their gradients of this snapshot's network."""
        self._snapshot = snapshot
        if not self._probe_fits():
            return
        self._build(snapshot)
        network = snapshot.network()
        filters = snapshot.weights[0]
        rows = slice(None, None, max(1, len(self._X) // GRADIENT_ROWS))
        gradient = network.gradients(self._X[rows], self._y[rows])[0][0]
        for image, bar, W in ((self.filter_image, self._bars[0], filters),
                              (self.gradient_image, self._bars[1], gradient)):
            grid = map_tiles(W.reshape(-1, *W.shape[2:]))
            image.setImage(grid, autoLevels=False)
            set_bar_levels(bar, symmetric_levels(grid))
        self._show_input()

    def show_drawing(self, activations):
        """The drawing's forward pass [x, a¹, ..., aᴸ] from the draw panel: its maps are shown (None:
        the drawing was cleared, the probe image's are)."""
        self._drawing = activations
        self._choose(0 if activations is not None else 1)

    def open_step_through(self, at=None):
        """The step-through dialog on the input whose maps are shown; at: (convolution index, map, row,
        column) to show first."""
        if self._snapshot is None or self._X is None:
            return
        if self.step_dialog is None:
            self.step_dialog = ConvStepDialog(self)
        x, what = self._input()
        self.step_dialog.show_image(self._snapshot, x, what)
        if at is not None:
            self.step_dialog.select(*at)

    def map_pixel_at(self, scene_pos):
        """(convolution index, map, row, column) of the map pixel under scene_pos, or None."""
        for n, (image, shape) in enumerate(zip(self.map_images, self._map_shapes)):
            view = image.getViewBox()
            if image.image is None or not view.sceneBoundingRect().contains(scene_pos):
                continue
            p = view.mapSceneToView(scene_pos)
            C, H, W = shape
            (tile_row, i), (tile_col, j) = divmod(int(p.y()), H + TILE_PAD), divmod(int(p.x()), W + TILE_PAD)
            cols = map_columns(C)
            f = tile_row * cols + tile_col
            if p.x() >= 0 and p.y() >= 0 and i < H and j < W and tile_col < cols and f < C:
                return n, f, i, j
        return None

    # -- internals -----------------------------------------------------------------------------

    def _probe_picked(self):
        self._choose(1)

    def _choose(self, source):
        """Show the maps of SOURCES[source]."""
        self.source_box.blockSignals(True)
        self.source_box.setCurrentIndex(source)
        self.source_box.blockSignals(False)
        self._show_input()

    def _input(self):
        """(x, its description) of the shown input; the probe image's while nothing is drawn."""
        if self.shown == "drawing" and self._drawing is not None:
            return self._drawing[0][0], "your drawing"
        i = self.probe_box.value()
        return self._X[i], f"probe image {i}"

    def _probe_fits(self):
        """Are there probe images for the snapshot's network (not yet, between a new dataset's probe and
        its network)?"""
        snapshot = self._snapshot
        return (snapshot is not None and self._X is not None and len(self._X) > 0
                and self._X.shape[1] == math.prod(snapshot.image_shape))

    def _show_input(self):
        if not self._probe_fits() or not self.map_images:
            return
        i = self.probe_box.value()
        label = int(self._y[i])
        self.probe_label.setText(f"label {self._class_names[label] if label < len(self._class_names) else label}")
        self.probe_label.setVisible(self.shown == "probe")
        self.probe_box.setVisible(self.shown == "probe")
        if self.shown == "drawing" and self._drawing is not None and self._fits(self._drawing):
            activations = self._drawing
        elif self.shown == "drawing":                       # nothing (that fits this network) drawn
            for image in (self.input_image, *self.map_images):
                image.clear()
            return
        else:
            activations = self._snapshot.network().forward(self._X[i:i + 1])
        C, H, W = self._snapshot.image_shape
        self.input_image.setImage(map_tiles(activations[0][0].reshape(C, H, W)), levels=(0, 1))
        for image, l in zip(self.map_images, self._conv):
            grid = map_tiles(activations[l + 1][0])
            image.setImage(grid, levels=activation_levels(self._snapshot.hidden, grid))

    def _fits(self, activations):
        return all(activations[l + 1].shape[1:] == self._map_shapes[n] for n, l in enumerate(self._conv))

    def _on_clicked(self, event):
        """A click on a map's pixel opens the step-through at that map and pixel."""
        hit = self.map_pixel_at(event.scenePos())
        if hit is not None:
            self.open_step_through(hit)

    def _on_mouse_moved(self, scene_pos):
        """The value under the pointer in the readout."""
        hit = self.map_pixel_at(scene_pos)
        if hit is None:
            return
        n, f, i, j = hit
        C, H, W = self._map_shapes[n]
        cols = map_columns(C)
        value = self.map_images[n].image[(f // cols) * (H + TILE_PAD) + i, (f % cols) * (W + TILE_PAD) + j]
        self.readout.setText(f"{self._input()[1]}: conv {n + 1}, map {f}, pixel ({i}, {j}): {value:.4g} "
                             f"(click: step through)")

    def _build(self, snapshot):
        """One row per convolution (the input beside the first), then the filters and their gradients;
        each row as tall as its tiles need at the dock's width."""
        key = (tuple(W.shape for W in snapshot.weights), snapshot.image_shape)
        if key == self._key:
            return
        self._key = key
        self.plots.clear()
        self._conv = conv_layers(snapshot)
        blank = snapshot.network().forward(np.zeros((1, int(np.prod(snapshot.image_shape))), np.float32))
        self._map_shapes = [blank[l + 1].shape[1:] for l in self._conv]
        self.map_images, self._bars, self._rows = [], [], []
        for n, shape in enumerate(self._map_shapes):
            row = self._row_layout(n)
            cells = []
            if n == 0:
                plot, self.input_image = self._tile_plot(row, 0, 0, "input", snapshot.image_shape)
                cells.append((plot, snapshot.image_shape, 0))
            plot, image = self._tile_plot(row, 0, len(cells), f"conv {n + 1}: {shape[0]} maps {shape[1]}x{shape[2]}",
                                          shape)
            self.map_images.append(image)
            self._rows.append((row, cells + [(plot, shape, 0)]))
        filters = snapshot.weights[0].shape
        tiles = (filters[0] * filters[1], *filters[2:])
        bottom = self._row_layout(len(self._map_shapes))
        images, cells = [], []
        for col, title in enumerate(("layer 1 filters", f"their gradients ({GRADIENT_ROWS} images)")):
            plot, image = self._tile_plot(bottom, 0, col, title, tiles)
            bar = pg.ColorBarItem(values=(-1, 1), colorMap=diverging_colormap(), interactive=False, width=8)
            bar.setImageItem(image, insert_in=plot)
            bar.axis.setWidth(BAR_LABEL_WIDTH)
            self._bars.append(bar)
            images.append(image)
            cells.append((plot, tiles, BAR_ROOM))
        self._rows.append((bottom, cells))
        self.filter_image, self.gradient_image = images
        self._fit_rows()

    def _row_layout(self, row):
        layout = self.plots.ci.addLayout(row=row, col=0)
        self.plots.ci.layout.setAlignment(layout, Qt.AlignmentFlag.AlignHCenter)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        return layout

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_rows()

    def _fit_rows(self):
        """Size every row and tile grid so that the tiles are drawn as large as the widget allows: each row
        as wide as the widget, all rows shrunk alike when together they are taller than it (a row with
        colour bars keeps the height of their labels)."""
        if not self._rows:
            return
        width, height = self.plots.width() - 4, self.plots.height() - 4
        scales, tallest, barred = [], [], []
        for _, cells in self._rows:
            units = sum(_width(shape) for _, shape, _ in cells)
            room = width - sum(extra + CELL_MARGIN for _, _, extra in cells)
            scales.append(max(room, 1) / units)
            tallest.append(scales[-1] * max(_height(shape) for _, shape, _ in cells))
            barred.append(any(extra for _, _, extra in cells))
        free = height - len(self._rows) * (TITLE_HEIGHT + 4) - BAR_MIN_HEIGHT * sum(barred)
        shrink = min(1.0, max(free, 1) / max(sum(t for t, b in zip(tallest, barred) if not b), 1))
        grid = self.plots.ci.layout
        grid.setColumnFixedWidth(0, width)              # the rows centred in the whole width
        for r, ((row, cells), scale, content, bar) in enumerate(zip(self._rows, scales, tallest, barred)):
            content = max(shrink * content, BAR_MIN_HEIGHT) if bar else shrink * content
            grid.setRowFixedHeight(r, TITLE_HEIGHT + CELL_MARGIN + content)
            for c, (_, shape, extra) in enumerate(cells):
                row.layout.setColumnFixedWidth(c, shrink * scale * _width(shape) + extra + CELL_MARGIN)

    @staticmethod
    def _tile_plot(layout, row, col, title, shape):
        """A plot at (row, col) of `layout` holding one ImageItem for `shape[0]` tiles of shape[1:] (viridis)."""
        plot, image = image_plot(layout, row, col, title, heatmap_colormap())
        plot.layout.setRowFixedHeight(0, TITLE_HEIGHT)       # setTitle makes the title's row 30 px
        plot.titleLabel.setMaximumHeight(TITLE_HEIGHT)
        plot.layout.setContentsMargins(1, 0, 1, 1)
        plot.layout.setSpacing(0)
        for row_of_axis in (1, 3):          # the hidden top and bottom axes' rows keep no height
            plot.layout.setRowFixedHeight(row_of_axis, 0)
        rows, cols = grid_shape(shape[0], map_columns(shape[0]))
        plot.vb.setRange(xRange=(0, cols * (shape[2] + TILE_PAD) - TILE_PAD),
                         yRange=(0, rows * (shape[1] + TILE_PAD) - TILE_PAD), padding=0)
        if shape[0] > 1:
            plot.addItem(tile_separators(shape[1:], shape[0], map_columns(shape[0])))
        return plot, image


def _width(shape):
    """The width of the tile grid of `shape` (C, H, W), in map pixels."""
    C, H, W = shape
    return map_columns(C) * (W + TILE_PAD) - TILE_PAD


def _height(shape):
    """The height of the tile grid of `shape` (C, H, W), in map pixels."""
    C, H, W = shape
    return grid_shape(C, map_columns(C))[0] * (H + TILE_PAD) - TILE_PAD
