"""Hidden-unit activations on a fixed probe set, and first-layer weights as image tiles (receptive fields)."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout

from nnviz.app.views.colors import (
    activation_levels,
    diverging_colormap,
    heatmap_colormap,
    set_bar_levels,
    symmetric_levels,
)
from nnviz.app.views.conv_maps import ConvMaps
from nnviz.app.views.shown_view import ShownView
from nnviz.app.views.tiles import BAR_LABEL_WIDTH, TILE_PAD, tile_grid, tile_separators
from nnviz.app.views.unit_marker import SelectsUnit, UnitMarker

MAX_UNITS = 128    # units shown per hidden layer
MAX_TILES = 64     # first-layer units shown as weight tiles
LAYER_MIN_HEIGHT = 90      # px a layer's heatmap keeps (title and axes included) in a scrolling column, beyond ...
SHRINKING_LAYERS = 3       # ... this many hidden layers (ten sigmoid layers scroll; three shrink to fit)


def _small_font():
    font = QFont()
    font.setPointSize(7)
    return font


class ActivationsView(ShownView, SelectsUnit):
    """Per hidden layer a heatmap of activations (rows: probe images, columns: units); weight tiles beside.

    set_probe(X_probe, y_probe, image_shape) once per dataset, set_snapshot(snapshot) at each redraw:
    items are built when the architecture changes and only get new images otherwise.
    Hovering a heatmap or a tile writes the unit, image and value into `readout`.
    A network with convolutions is shown by `conv_maps` instead (feature maps, filters), which also
    shows the drawing's maps given to `set_drawing`.
    """


    def __init__(self, parent=None):
        super().__init__(parent)
        self._X = self._y = None
        self._image_shape = None
        self._class_names = ()
        self._key = None                 # what the current items were built for
        self.layer_plots, self.layer_images, self._layer_bars = [], [], []
        self.tile_plot = self.tile_image = self._tile_bar = None
        self._n_tiles = 0
        self._activations = []           # shown arrays, for the readout
        self.column_marker, self.tile_marker = UnitMarker(), UnitMarker()
        self.note = QLabel(wordWrap=True)
        self.readout = QLabel("Hover a heatmap or a tile to read a value")
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.scene().sigMouseMoved.connect(self._on_mouse_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.note)
        self.plots_area = QScrollArea(frameShape=QFrame.Shape.NoFrame, widgetResizable=True)
        self.plots_area.setWidget(self.plots)      # scrolls only when the layers need more than the view has
        layout.addWidget(self.plots_area, 1)
        layout.addWidget(self.readout)
        self.conv_maps = ConvMaps()
        self.conv_maps.hide()
        layout.addWidget(self.conv_maps, 1)
        self.note.setText("No network yet")

    # -- public API ----------------------------------------------------------------------------

    def set_probe(self, X_probe, y_probe, image_shape, class_names=None):
        """The fixed probe set: X (n, d_in), labels y (n,), image_shape (h, w) or None for point data."""
        self._X = np.asarray(X_probe)
        self._y = np.asarray(y_probe)
        self._image_shape = None if image_shape is None else tuple(image_shape)
        self._class_names = tuple(class_names) if class_names is not None else ()
        self._key = None
        self.conv_maps.set_probe(self._X, self._y, self._class_names)
        self.set_snapshot(self._snapshot)

    def set_drawing(self, activations):
        """The draw panel's forward pass of the drawing, [x, a¹, ..., aᴸ] (None: nothing drawn)."""
        self.conv_maps.show_drawing(activations)

    def _draw(self, snapshot):
        convolutional = snapshot is not None and snapshot.convolutional
        for widget in (self.note, self.plots_area, self.readout):
            widget.setVisible(not convolutional)
        self.conv_maps.setVisible(convolutional)
        if convolutional:
            self._build(None)
            return self.conv_maps.show_snapshot(snapshot)
        if snapshot is None:
            self._build(None)
            return self.note.setText("No network yet")
        self._build(snapshot)
        network = snapshot.network()
        if self.layer_images:
            self._activations = network.forward(self._X)[1:-1]
            for image, bar, a in zip(self.layer_images, self._layer_bars, self._activations):
                image.setImage(a[:, :MAX_UNITS], autoLevels=False)
                image.setRect(-0.5, -0.5, image.image.shape[1], image.image.shape[0])   # cell centres on integers
                set_bar_levels(bar, activation_levels(snapshot.hidden, a))
        if self.tile_image is not None:
            grid = tile_grid(snapshot.weights[0], self._image_shape, self._n_tiles)
            self.tile_image.setImage(grid, autoLevels=False)
            set_bar_levels(self._tile_bar, symmetric_levels(grid))

    # -- construction --------------------------------------------------------------------------

    def _build(self, snapshot):
        """Create the plots for this architecture and probe set (no-op if they already match)."""
        key = None if snapshot is None else (tuple(snapshot.sizes), snapshot.hidden)
        if key == self._key:
            return
        self._key = key
        self.column_marker.forget()
        self.tile_marker.forget()
        self.plots.clear()
        self.plots.ci.layout.setColumnStretchFactor(0, 3)
        self.plots.ci.layout.setColumnStretchFactor(1, 2)
        self.layer_plots, self.layer_images, self._layer_bars, self._activations = [], [], [], []
        self.tile_plot = self.tile_image = self._tile_bar = None
        self.plots.setMinimumHeight(0)
        if snapshot is None:
            return
        hidden = snapshot.sizes[1:-1]
        probe_fits = self._X is not None and self._X.shape[1] == snapshot.input_width and len(self._X)
        notes = []
        if not hidden:
            notes.append("This network has no hidden layers: there are no hidden activations to show.")
        elif not probe_fits:
            notes.append(f"No probe {self._probe_kind()} for this network's input size.")
        else:
            for l, units in enumerate(hidden, start=1):
                self._add_layer_plot(l, units, snapshot.hidden)
            if len(hidden) > SHRINKING_LAYERS:       # more layers scroll; fewer shrink to fit
                self.plots.setMinimumHeight(LAYER_MIN_HEIGHT * len(hidden))
            if max(hidden) > MAX_UNITS:
                notes.append(f"Heatmaps show the first {MAX_UNITS} units of wider layers.")
        if self._image_shape is not None and math.prod(self._image_shape) == snapshot.sizes[0]:
            self._add_tile_plot(snapshot.sizes[1], last=not hidden)
            if snapshot.sizes[1] > MAX_TILES:
                notes.append(f"Weight tiles: the first {MAX_TILES} of {snapshot.sizes[1]} units.")
        self.note.setText(" ".join(notes) or f"Activations of {len(self._X)} probe {self._probe_kind()} "
                                             f"(rows) for each unit (columns)")
        self.reframe()

    def frame_unit(self, layer, unit):
        """Frame hidden `layer`'s (from 1) `unit`: its column in the heatmap and, in layer 1, its tile."""
        if 1 <= layer <= len(self.layer_plots) and unit < MAX_UNITS and self._X is not None:
            self.column_marker.show(self.layer_plots[layer - 1], unit - 0.5, -0.5, 1, len(self._X))
        else:
            self.column_marker.hide()
        if layer == 1 and self.tile_plot is not None and unit < self._n_tiles:
            h, w = self._image_shape
            row, col = divmod(unit, math.ceil(math.sqrt(self._n_tiles)))
            self.tile_marker.show(self.tile_plot, col * (w + TILE_PAD), row * (h + TILE_PAD), w, h)
        else:
            self.tile_marker.hide()

    def _add_layer_plot(self, l, units, activation):
        shown = min(units, MAX_UNITS)
        plot = self.plots.addPlot(row=l - 1, col=0, title=f"layer {l}: {units} {activation}", size="9pt")
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        plot.invertY(True)
        plot.setLabel("left", "class")
        # a tick where the label changes: every row for a shuffled probe, one per class for a sorted one;
        # pyqtgraph always labels the first level and leaves out the finer ones when rows are too short
        starts = [i for i in range(len(self._y)) if i == 0 or self._y[i] != self._y[i - 1]]
        ticks = [(i, self._name(self._y[i])) for i in starts]
        finer = [t for n, t in enumerate(ticks) if n % 5]
        plot.getAxis("left").setTicks([ticks[::5], finer[1::2], finer[::2]])   # 0 5, then 2 4 6 8, then the odd
        plot.getAxis("left").setStyle(tickFont=_small_font())
        image = pg.ImageItem(axisOrder="row-major")
        plot.addItem(image)
        plot.setRange(xRange=(-0.5, shown - 0.5), yRange=(-0.5, len(self._X) - 0.5), padding=0)
        bar = pg.ColorBarItem(values=(0, 1), colorMap=heatmap_colormap(), interactive=False, width=10)
        bar.setImageItem(image, insert_in=plot)
        self.layer_plots.append(plot)
        self.layer_images.append(image)
        self._layer_bars.append(bar)

    def _add_tile_plot(self, units, last):
        self._n_tiles = min(units, MAX_TILES)
        title = "weights per class" if last else "input weights"
        # beside the first layers only: in a scrolling column of many layers, spanning them all would centre
        # the tiles out of sight
        rows = max(1, min(len(self.layer_plots), SHRINKING_LAYERS))
        self.tile_plot = self.plots.addPlot(row=0, col=1, rowspan=rows, title=title, size="9pt")
        self.tile_plot.setMouseEnabled(False, False)
        self.tile_plot.hideButtons()
        self.tile_plot.hideAxis("left")
        self.tile_plot.hideAxis("bottom")
        self.tile_plot.invertY(True)
        self.tile_plot.setAspectLocked(True)
        self.tile_image = pg.ImageItem(axisOrder="row-major")
        self.tile_plot.addItem(self.tile_image)
        self.tile_plot.addItem(tile_separators(self._image_shape, self._n_tiles))
        self._tile_bar = pg.ColorBarItem(values=(-1, 1), colorMap=diverging_colormap(), interactive=False,
                                         width=10)
        self._tile_bar.setImageItem(self.tile_image, insert_in=self.tile_plot)
        self._tile_bar.axis.setWidth(BAR_LABEL_WIDTH)          # "-0.35" whole at the dock's right edge

    def _probe_kind(self):
        """What the probe rows are: "images" for image data, "points" for 2-D or tabular data."""
        return "images" if self._image_shape is not None else "points"

    def _name(self, label):
        label = int(label)
        return self._class_names[label] if label < len(self._class_names) else str(label)

    # -- hover readout -------------------------------------------------------------------------

    def describe(self, layer, image, unit):
        """Readout text for probe `image`'s activation of `unit` in hidden `layer` (1-based)."""
        value = self._activations[layer - 1][image, unit]
        return (f"hidden layer {layer}, unit {unit}, probe {self._probe_kind()[:-1]} {image} "
                f"(label {self._name(self._y[image])}): activation {value:.4g}")

    def describe_tile(self, unit, row, col):
        """Readout text for the weight from input pixel (row, col) to first-layer `unit`."""
        value = self._snapshot.weights[0][row * self._image_shape[1] + col, unit]
        return f"unit {unit}, weight from pixel ({row}, {col}): {value:.4g}"

    def _on_mouse_moved(self, scene_pos):
        for l, (plot, image) in enumerate(zip(self.layer_plots, self.layer_images), start=1):
            if image.image is not None and plot.vb.sceneBoundingRect().contains(scene_pos):
                p = plot.vb.mapSceneToView(scene_pos)
                i, j = round(p.y()), round(p.x())
                if 0 <= i < image.image.shape[0] and 0 <= j < image.image.shape[1]:
                    return self.readout.setText(self.describe(l, i, j))
        if self.tile_image is not None and self.tile_plot.vb.sceneBoundingRect().contains(scene_pos):
            p = self.tile_plot.vb.mapSceneToView(scene_pos)
            h, w = self._image_shape
            y, x = math.floor(p.y()), math.floor(p.x())
            (tile_row, row), (tile_col, col) = divmod(y, h + TILE_PAD), divmod(x, w + TILE_PAD)
            cols = math.ceil(math.sqrt(self._n_tiles))
            unit = tile_row * cols + tile_col
            if y >= 0 and x >= 0 and row < h and col < w and tile_col < cols and unit < self._n_tiles:
                self.readout.setText(self.describe_tile(unit, row, col))
