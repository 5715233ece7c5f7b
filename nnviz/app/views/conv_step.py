"""A convolution step by step (CNN Explainer): one output pixel of one feature map is the sum of the
element-wise products of a filter with the input patch under it, plus the bias, through the activation;
the arrow keys (or the buttons) slide the kernel across the input."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from nnviz.app.views.colors import diverging_colormap, heatmap_colormap, symmetric_levels
from nnviz.app.views.tiles import image_plot
from nnviz.app.views.unit_marker import FRAME_PEN
from nnviz.core.conv import Conv2D


def _number_font():
    font = QFont()
    font.setPointSize(7)
    return font


def output_pixel(D, layer, W, f, i, j):
    """(patch (C, k, k), products (C, k, k), Σ products) of map f's pixel (i, j) for the input maps
    D (H, W, C) of Conv2D `layer` with filters W (F, C, k, k):

        zᶠᵢⱼ = Σ_c Σ_p Σ_q D[s·i + p − pad, s·j + q − pad, c] · Wᶠᶜᵖ𝐪 + bᶠ     (zero outside D)
    """
    k, s = layer.kernel, layer.stride
    before, after = layer.pads()
    padded = np.pad(D.astype(np.float64), ((before, after), (before, after), (0, 0)))
    patch = padded[s * i:s * i + k, s * j:s * j + k, :].transpose(2, 0, 1)
    products = patch * W[f].astype(np.float64)
    return patch, products, float(products.sum())


class ConvStepDialog(QDialog):
    """show(snapshot, x, what): x is one image row (C·H·W,) the network takes, `what` names it.
    layer_box picks the convolution, map_box the feature map, row_box/col_box the output pixel;
    `equation` states Σ products + bias = z → activation, `map_value` the map's own pixel."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Convolution step by step")
        self.resize(760, 420)
        self._network = self._Ds = self._maps = None
        self._conv = []
        self.shown = None                    # (Σ products, bias, z) of the pixel shown
        self.activation = None               # σ(z) shown
        self.layer_box = QComboBox()
        self.map_box, self.row_box, self.col_box = QSpinBox(), QSpinBox(), QSpinBox()
        self.previous_button = QPushButton("◀ Previous", toolTip="Slide the kernel back one position (←)")
        self.next_button = QPushButton("Next ▶", toolTip="Slide the kernel on one position (→; ↑ ↓ change row)")
        self.equation = QLabel()
        self.equation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.source_label = QLabel()
        controls = QHBoxLayout()
        for text, widget in (("Layer", self.layer_box), ("Map", self.map_box), ("Row", self.row_box),
                             ("Column", self.col_box)):
            controls.addWidget(QLabel(text))
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.previous_button)
        controls.addWidget(self.next_button)
        self.plots = pg.GraphicsLayoutWidget()
        self.input_plot, self.input_image = self._plot(0, "input (channel 1)", heatmap_colormap())
        self.patch_plot, self.patch_image = self._plot(1, "patch under the kernel", heatmap_colormap())
        self.kernel_plot, self.kernel_image = self._plot(2, "filter", diverging_colormap())
        self.products_plot, self.products_image = self._plot(3, "patch × filter", diverging_colormap())
        self.output_plot, self.output_image = self._plot(4, "feature map", heatmap_colormap())
        self.numbers = {plot: [] for plot in (self.patch_plot, self.kernel_plot, self.products_plot)}
        self.field = QGraphicsRectItem()
        self.field.setPen(FRAME_PEN)
        self.input_plot.addItem(self.field)
        self.pixel = QGraphicsRectItem()
        self.pixel.setPen(FRAME_PEN)
        self.output_plot.addItem(self.pixel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_label)
        layout.addLayout(controls)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.equation)
        self.layer_box.currentIndexChanged.connect(self._on_layer)
        for box in (self.map_box, self.row_box, self.col_box):
            box.valueChanged.connect(self._draw)
        self.previous_button.clicked.connect(lambda: self.slide(-1))
        self.next_button.clicked.connect(lambda: self.slide(1))

    def _plot(self, col, title, colormap):
        return image_plot(self.plots, 0, col, title, colormap, title_size="9pt")

    def _write(self, plot, values):
        """Each value of the (k, k) `values` written on its cell of `plot` (labels made once per k)."""
        labels = self.numbers[plot]
        if len(labels) != values.size:
            for label in labels:
                plot.removeItem(label)
            labels[:] = [pg.TextItem(anchor=(0.5, 0.5), color=(0, 0, 0), fill=(255, 255, 255, 150))
                         for _ in range(values.size)]
            for n, label in enumerate(labels):
                label.setFont(_number_font())
                plot.addItem(label, ignoreBounds=True)
                label.setPos(n % values.shape[1] + 0.5, n // values.shape[1] + 0.5)
        for label, value in zip(labels, values.ravel()):
            label.setText(f"{value:.2f}")

    # -- public API ----------------------------------------------------------------------------

    def show_image(self, snapshot, x, what):
        """Step through the convolutions of `snapshot`'s network on the image row x, called `what`."""
        self._network = snapshot.network()
        _, As, self._Ds = self._network.forward_cache(x.reshape(1, -1))
        self._maps = As
        self._conv = [(l, stage.layer) for l, stage in enumerate(self._network.plan.stages)
                      if isinstance(stage.layer, Conv2D)]
        self.source_label.setText(f"The network's input: {what}")
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItems([f"conv {n}: {layer.filters} filters {layer.kernel}x{layer.kernel}"
                                 for n, (_, layer) in enumerate(self._conv, start=1)])
        self.layer_box.blockSignals(False)
        self._on_layer(0)
        self.show()
        self.raise_()

    def select(self, layer, f, i, j):
        """Show map f's pixel (i, j) of convolution `layer` (0-based among the convolutions)."""
        self.layer_box.setCurrentIndex(layer)
        for box, value in ((self.map_box, f), (self.row_box, i), (self.col_box, j)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._draw()

    def slide(self, step):
        """Move the output pixel `step` positions in reading order (wrapping to the next row)."""
        h, w = self.row_box.maximum() + 1, self.col_box.maximum() + 1
        position = (self.row_box.value() * w + self.col_box.value() + step) % (h * w)
        self.row_box.blockSignals(True)
        self.row_box.setValue(position // w)
        self.row_box.blockSignals(False)
        self.col_box.setValue(position % w)
        self._draw()

    def keyPressEvent(self, event):
        moves = {Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1,
                 Qt.Key.Key_Down: self.col_box.maximum() + 1, Qt.Key.Key_Up: -(self.col_box.maximum() + 1)}
        if event.key() in moves:
            return self.slide(moves[event.key()])
        super().keyPressEvent(event)

    def map_value(self):
        """The feature map's own value at the chosen pixel (the network's forward pass)."""
        l, _ = self._conv[self.layer_box.currentIndex()]
        return float(self._maps[l + 1][0, self.row_box.value(), self.col_box.value(), self.map_box.value()])

    # -- internals -----------------------------------------------------------------------------

    def _on_layer(self, index):
        l, layer = self._conv[max(index, 0)]
        out_h, out_w, filters = layer.out_shape
        for box, top in ((self.map_box, filters), (self.row_box, out_h), (self.col_box, out_w)):
            box.blockSignals(True)
            box.setRange(0, top - 1)
            box.blockSignals(False)
        self._draw()

    def _draw(self):
        if not self._conv:
            return
        l, layer = self._conv[self.layer_box.currentIndex()]
        f, i, j = self.map_box.value(), self.row_box.value(), self.col_box.value()
        W, b = self._network.weights[l], float(self._network.biases[l][f])
        D = self._Ds[l][0]
        patch, products, total = output_pixel(D, layer, W, f, i, j)
        z = total + b
        self.shown = (total, b, z)
        a = float(self._network.hidden.forward(np.array([[z]], dtype=self._network.dtype))[0, 0])
        self.activation = a
        k, s = layer.kernel, layer.stride
        before = layer.pads()[0]
        self.input_image.setImage(D[:, :, 0], levels=_levels(D[:, :, 0]))
        self.field.setRect(s * j - before, s * i - before, k, k)
        self.patch_image.setImage(patch[0], levels=_levels(D[:, :, 0]))
        self.kernel_image.setImage(W[f, 0], levels=symmetric_levels(W[f, 0]))
        self.products_image.setImage(products[0], levels=symmetric_levels(products[0]))
        for plot, values in ((self.patch_plot, patch[0]), (self.kernel_plot, W[f, 0]),
                             (self.products_plot, products[0])):
            self._write(plot, values)
        maps = self._maps[l + 1][0, :, :, f]
        self.output_image.setImage(maps, levels=_levels(maps))
        self.pixel.setRect(j, i, 1, 1)
        for plot, shown in ((self.input_plot, D), (self.patch_plot, patch[0]), (self.kernel_plot, patch[0]),
                            (self.products_plot, patch[0]), (self.output_plot, maps)):
            plot.vb.setRange(xRange=(0, shown.shape[1]), yRange=(0, shown.shape[0]), padding=0.02)
        channels = f" over {patch.shape[0]} channels (channel 1 shown)" if patch.shape[0] > 1 else ""
        self.equation.setText(
            f"Σ of the {products.size} products{channels} = {total:.4f};  + bias {b:.4f} = z = {z:.4f};  "
            f"{self._network.hidden_name}(z) = {a:.4f}   (the map's pixel ({i}, {j}): {self.map_value():.4f})")


def _levels(A):
    low, high = float(np.min(A)), float(np.max(A))
    return low, max(high, low + 1e-6)
