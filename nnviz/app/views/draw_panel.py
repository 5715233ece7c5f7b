"""Draw to predict: the user paints a digit and sees, live, what the latest snapshot of the network thinks."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.views.canvas import DrawCanvas
from nnviz.app.views.class_key import class_ticks
from nnviz.app.views.colors import activation_levels, class_colors, heatmap_colormap
from nnviz.app.views.my_digits import MyDigits
from nnviz.app.views.unit_marker import SelectsUnit, UnitMarker
from nnviz.core import class_probabilities
from nnviz.data import NothingDrawn, load_image_file, preprocess_drawing

DRAG_PREDICT_MS = 50      # while the button is held, predict at most this often
_OTHER_ALPHA = 110           # the bars of the classes not predicted are paler than the predicted one's
_BEST_PEN = (30, 30, 30)
_FRAME = (110, 110, 115)
_HIDDEN_ROW_HEIGHT = 16
_HIDDEN_LABEL_HEIGHT = 16
INPUT_SIZE = 48          # px: the network's input image, beside the predicted class
BARS_MIN_HEIGHT = 120    # px: the class-probability chart stays readable however many hidden rows
HIDDEN_ROWS_SHOWN = 3    # hidden rows in view at once; more scroll (ten sigmoid layers must not grow the window)


class DrawPanel(QWidget, SelectsUnit):
    """Canvas, brush controls and the prediction: probability bars, predicted class, input image, hidden rows.

    set_snapshot(snapshot) is cheap (one forward pass of one image, only changed items redrawn),
    so the main window may call it at every redraw while training runs.
    Signal `predicted(np.ndarray)`: the class probabilities after each prediction; `drawn(list)`: the
    network's forward pass of the drawing [x, a¹, ..., aᴸ] after each prediction (None when none).
    """

    predicted = Signal(object)
    drawn = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._snapshot = None
        self._network = None
        self._image_shape = None
        self._image_dataset = True      # False once set_dataset says the data are 2-D points
        self._class_names = ()
        self._input = None              # preprocessed drawing (side, side), or None
        self._input_stale = True        # the canvas changed since _input was computed
        self._probabilities = None
        self._hidden_key = None         # (sizes, activation) the hidden rows were built for
        self.unit_marker = UnitMarker()

        self.canvas = DrawCanvas()
        self.canvas.changed.connect(self._on_canvas_changed)
        self.canvas.strokeFinished.connect(self.predict_now)
        self.canvas.cleared.connect(self._on_cleared)
        self.canvas.fileDropped.connect(self.show_image_file)
        self._drag_timer = QTimer(self, singleShot=True, interval=DRAG_PREDICT_MS)
        self._drag_timer.timeout.connect(self.predict_now)

        self.brush_slider = QSlider(Qt.Orientation.Horizontal, minimum=4, maximum=48,
                                    value=self.canvas.brush_width, toolTip="Brush diameter")
        self.brush_slider.valueChanged.connect(self.canvas.set_brush_width)
        self.clear_button = QPushButton("Clear", toolTip="Clear the canvas (right-click, Esc, Delete)")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.my_digits = MyDigits(self)

        self.class_label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.class_label.font())
        font.setPointSize(24)
        font.setBold(True)
        self.class_label.setFont(font)
        self.class_label.setMinimumWidth(50)
        self.message_label = QLabel(wordWrap=True)
        font = QFont(self.message_label.font())
        font.setPointSize(font.pointSize() + 2)
        self.message_label.setFont(font)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plots.setMinimumHeight(BARS_MIN_HEIGHT)
        self.hidden_plots = pg.GraphicsLayoutWidget()       # one row per hidden layer, in a scroll area
        self.hidden_plots.ci.setContentsMargins(2, 0, 2, 0)
        self.hidden_plots.ci.setSpacing(0)
        self.hidden_area = QScrollArea(frameShape=QFrame.Shape.NoFrame, widgetResizable=True)
        self.hidden_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hidden_area.setWidget(self.hidden_plots)
        self.hidden_area.hide()
        self._build_plots()
        self._layout_widgets()
        self._show_message("Draw a digit")

    # -- construction --------------------------------------------------------------------------

    def _build_plots(self):
        self.plots.ci.setContentsMargins(2, 2, 2, 2)      # every pixel of height goes to the bars
        self.plots.ci.setSpacing(2)
        self.bar_plot = self.plots.addPlot(row=0, col=0)     # no title: its height goes to the bars
        self.bar_plot.setLabel("left", "probability")
        self.bar_plot.setYRange(0, 1, padding=0.02)
        self.bar_plot.getAxis("left").setTicks([[(0, "0"), (0.5, "0.5"), (1, "1")]])   # readable when short
        self.bar_plot.setMouseEnabled(False, False)
        self.bar_plot.hideButtons()
        self.bar_plot.setMenuEnabled(False)
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.8)
        self.bar_plot.addItem(self.bars)
        # The network's input sits beside the predicted class, so the bars get the column's whole width.
        self.input_widget = pg.GraphicsLayoutWidget()
        self.input_widget.setToolTip("The network's input: the drawing as it sees it")
        self.input_widget.setFixedSize(INPUT_SIZE, INPUT_SIZE)
        self.input_widget.ci.setContentsMargins(1, 1, 1, 1)
        view = self.input_widget.addViewBox(lockAspect=True, enableMouse=False)
        view.invertY(True)                  # row 0 of the image at the top
        self.input_image = pg.ImageItem(axisOrder="row-major")
        self._input_frame = QGraphicsRectItem()
        self._input_frame.setPen(pg.mkPen(_FRAME))
        view.addItem(self.input_image)
        view.addItem(self._input_frame)
        self._row_layers = []           # the hidden layers (from 1) that have a row: the dense ones
        self._hidden_widgets = []       # layout items of the hidden rows (label, view) per layer
        self.hidden_images = []         # one ImageItem (1, units) per hidden layer
        self._set_classes(10)

    def _layout_widgets(self):
        brush_row = QHBoxLayout()
        brush_row.addWidget(QLabel("Brush"))
        brush_row.addWidget(self.brush_slider, 1)
        brush_row.addWidget(self.clear_button)
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(brush_row)
        result = QHBoxLayout()
        result.addWidget(self.class_label)
        result.addWidget(self.message_label, 1)
        result.addWidget(self.input_widget)
        right = QVBoxLayout()
        right.addLayout(result)
        right.addWidget(self.plots, 1)
        right.addWidget(self.hidden_area)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        layout = QVBoxLayout(self)          # the my-digits row spans both columns: the canvas can narrow
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(columns, 1)
        layout.addWidget(self.my_digits)

    def _set_classes(self, n):
        """Bars and tick labels for n classes (only when the count or the names change)."""
        names = self._names(n)
        self.bars.setOpts(x=np.arange(n), height=np.zeros(n), brushes=self._bar_brushes(n, None), pens=None)
        self.bar_plot.setXRange(-0.6, n - 0.4, padding=0)
        self.bar_plot.getAxis("bottom").setTicks([class_ticks(names)])
        self._bar_names = names

    @staticmethod
    def _bar_brushes(n, best):
        """Each class's bar in its class colour: the predicted class `best` opaque, the others paler."""
        return [pg.mkBrush(*rgb, 255 if c == best else _OTHER_ALPHA) for c, rgb in enumerate(class_colors(n))]

    def _names(self, n):
        names = tuple(self._class_names)
        return names if len(names) == n else tuple(str(i) for i in range(n))

    def _ensure_hidden_rows(self, snapshot):
        """One label and one (1, units) heatmap per dense hidden layer (a convolution's maps are the
        Activations dock's); rebuilt only when the architecture changes."""
        key = None if snapshot is None else (tuple(snapshot.sizes), snapshot.hidden, snapshot.layers)
        if key == self._hidden_key:
            return
        self.unit_marker.forget()
        for item in self._hidden_widgets:
            self.hidden_plots.removeItem(item)
        self._hidden_widgets, self.hidden_images = [], []
        weights = snapshot.weights[:-1] if snapshot is not None else ()
        self._row_layers = [l for l, W in enumerate(weights, start=1) if W.ndim == 2]
        for n, l in enumerate(self._row_layers):
            label = self.hidden_plots.addLabel(f"hidden layer {l}: {weights[l - 1].shape[1]} {snapshot.hidden} units",
                                               row=2 * n, col=0, size="8pt")
            view = self.hidden_plots.addViewBox(row=2 * n + 1, col=0, enableMouse=False)
            view.setFixedHeight(_HIDDEN_ROW_HEIGHT)
            label.setFixedHeight(_HIDDEN_LABEL_HEIGHT)
            item = pg.ImageItem(axisOrder="row-major")
            item.setColorMap(heatmap_colormap())
            view.addItem(item)
            self._hidden_widgets += [label, view]
            self.hidden_images.append(item)
        self._hidden_key = key
        rows = len(self._row_layers)
        row_height = _HIDDEN_ROW_HEIGHT + _HIDDEN_LABEL_HEIGHT
        self.hidden_plots.setMinimumHeight(rows * row_height)
        self.hidden_area.setFixedHeight(min(rows, HIDDEN_ROWS_SHOWN) * row_height + 4)
        self.hidden_area.setVisible(rows > 0)
        self.reframe()

    def frame_unit(self, layer, unit):
        """Frame hidden `layer`'s (from 1) `unit` in its row of the hidden activations."""
        if layer in self._row_layers:
            n = self._row_layers.index(layer) + 1
            view = self._hidden_widgets[2 * n - 1]
            self.unit_marker.show(view, unit, 0, 1, 1)
            row_height = _HIDDEN_ROW_HEIGHT + _HIDDEN_LABEL_HEIGHT
            self.hidden_area.ensureVisible(0, n * row_height - _HIDDEN_ROW_HEIGHT // 2, 0, row_height)
        else:
            self.unit_marker.hide()

    # -- public API ----------------------------------------------------------------------------

    def set_snapshot(self, snapshot):
        """Use this snapshot's weights (None: no network); re-predicts if something is drawn."""
        self._snapshot = snapshot
        self._network = None if snapshot is None else snapshot.network()
        self._ensure_hidden_rows(snapshot)
        if snapshot is None:
            self.my_digits.result.setText("")            # an accuracy of the network gone
        if not self.canvas.is_empty():
            self.predict_now()

    def set_dataset(self, image_shape, class_names):
        """The dataset's (h, w) image shape (None for 2-D point sets: drawing is disabled) and class names."""
        self._image_shape = None if image_shape is None else tuple(image_shape)
        self._image_dataset = image_shape is not None
        self._class_names = tuple(class_names)
        if self._class_names:
            self._set_classes(len(self._class_names))
            self.my_digits.set_class_names(self._class_names)
        self._input_stale = True
        self.canvas.setEnabled(self._image_dataset)
        self.predict_now()

    def expect_images(self, image):
        """Before a network (and its data's image shape) exists: will the data be images? Drawing is
        enabled, and the message says what is missing, accordingly."""
        self._image_dataset = image
        self.canvas.setEnabled(image)
        self.predict_now()

    @property
    def snapshot(self):
        return self._snapshot

    @property
    def class_names(self):
        """The dataset's class names (empty before set_dataset)."""
        return self._class_names

    def probabilities(self):
        """The last class probabilities shown (np.ndarray), or None when nothing is predicted."""
        return self._probabilities

    def predicted_class(self):
        """Index of the most probable class, or None."""
        return None if self._probabilities is None else int(np.argmax(self._probabilities))

    def network_input(self):
        """The preprocessed drawing (side, side) float32 the network sees, or None."""
        self._refresh_input()
        return self._input

    def show_image_file(self, path):
        """Put the image file on the canvas (ink high, fitted) and predict it; a bad file is a message.

        Returns True when the image was shown."""
        if not self._image_dataset:
            self._show_message("Images need an image dataset (this one is 2-D points)")
            return False
        try:
            image = load_image_file(path)
        except ValueError as error:
            self._show_message(f"Cannot read the image {error}")
            return False
        self.canvas.set_picture(image)
        self.predict_now()
        return True

    def predict_now(self):
        """Preprocess the drawing (if it changed) and predict it with the current snapshot."""
        self._drag_timer.stop()
        if not self._image_dataset:
            return self._show_message("Drawing needs an image dataset (this one is 2-D points)")
        if self.canvas.is_empty():
            return self._show_message("Draw a digit")
        self._refresh_input()
        if self._input is None:
            return self._show_message("Cannot tell the input size: images must be square")
        if self._network is None:
            return self._show_message("No network yet: train or load one")
        if self._network.sizes[0] != self._input.size:
            return self._show_message(f"The network takes {self._network.sizes[0]} inputs, "
                                      f"the drawing gives {self._input.size}")
        activations = self._network.forward(self._input.reshape(1, -1))
        self._show_prediction(class_probabilities(activations[-1][:1])[0], activations[1:-1])
        self.drawn.emit(activations)

    # -- internals -----------------------------------------------------------------------------

    def input_side(self):
        """Side of the square network input: from the dataset's image shape, else from the network."""
        if self._image_shape is not None:
            h, w = self._image_shape
            return h if h == w else None
        if self._snapshot is None:
            return None
        side = math.isqrt(self._snapshot.sizes[0])
        return side if side * side == self._snapshot.sizes[0] else None

    def _refresh_input(self):
        side = self.input_side()
        if not self._input_stale and self._input is not None and self._input.shape == (side, side):
            return
        self._input = None
        if side is not None:
            try:
                self._input = preprocess_drawing(self.canvas.image_array(), size=side)
            except NothingDrawn:
                pass
        self._input_stale = False
        self._show_input()

    def _show_input(self):
        """The network's view of the drawing; a blank field of the input's size when there is none."""
        side = self.input_side()
        if self._input is not None:
            self.input_image.setImage(self._input, levels=(0, 1))
        elif side is not None:
            self.input_image.setImage(np.zeros((side, side), np.float32), levels=(0, 1))
        else:
            self.input_image.clear()
        self._input_frame.setVisible(side is not None)
        if side is not None:
            self._input_frame.setRect(0, 0, side, side)

    def _show_prediction(self, probabilities, hidden):
        n = len(probabilities)
        if len(self._bar_names) != n:
            self._set_classes(n)
        best = int(np.argmax(probabilities))
        pens = [None] * n
        pens[best] = pg.mkPen(_BEST_PEN, width=1.5)
        self.bars.setOpts(height=probabilities, brushes=self._bar_brushes(n, best), pens=pens)
        self.class_label.setText(self._bar_names[best])
        self.message_label.setWordWrap(False)      # "99.9 % sure" on one line; messages wrap
        self.message_label.setText(f"{100 * probabilities[best]:.1f} % sure")
        for item, a in zip(self.hidden_images, [hidden[l - 1] for l in self._row_layers]):
            item.setImage(a, levels=activation_levels(self._snapshot.hidden, a))
        self._probabilities = probabilities
        self.predicted.emit(probabilities)

    def _show_message(self, text):
        """No prediction: empty bars and hidden rows, the reason in the message label."""
        self._probabilities = None
        self.class_label.setText("")
        self.message_label.setWordWrap(True)
        self.message_label.setText(text)
        self.bars.setOpts(height=np.zeros(len(self.bars.opts["x"])))
        for item in self.hidden_images:
            item.clear()
        self.drawn.emit(None)
        if self.canvas.is_empty():
            self._show_input()

    def _on_canvas_changed(self):
        self._input_stale = True
        if not self._drag_timer.isActive():
            self._drag_timer.start()

    def _on_cleared(self):
        self._input_stale = True
        self._input = None
        self.predict_now()
