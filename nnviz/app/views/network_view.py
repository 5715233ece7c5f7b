"""The Network view: the architecture as a graph whose nodes show what each unit computes, live.

2-D datasets: every node is a small map of its unit's output over the input plane (the decision
boundary's plane, on a coarser grid), the output node being the boundary itself. Image datasets:
the input is one image, first-layer nodes show their incoming weights; with convolutions each
convolution is a stack of its most active maps on the drawing or the first test image
(network_conv). Edges are blue (positive) or orange (negative), thicker and more opaque the larger
|w|. Hover reads a weight or a unit; click selects a unit (everywhere), Shift+click or "Knock out"
holds units (a convolution's: whole filters) at 0 in the evaluated copy, double-click edits a
weight or a bias. Everything is drawn from one Snapshot.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
)

from nnviz.app.views.boundary_view import grid_axes, plane_grid
from nnviz.app.views.elided_label import ElidedLabel
from nnviz.app.views.network_conv import (
    conv_captions,
    conv_layout,
    edge_matrices,
    map_layers,
    most_active_maps,
    steps_between,
)
from nnviz.app.views.network_detail import NodeDetail
from nnviz.app.views.network_labels import LayerLabels
from nnviz.app.views.network_model import Interventions, make_layout, top_units
from nnviz.app.views.network_mouse import EDIT_DECIMALS, NetworkMouse
from nnviz.app.views.network_nodes import MAP_GRID, NetworkNodes
from nnviz.app.views.network_paint import NEGATIVE, POSITIVE
from nnviz.app.views.network_tiles import TileAtlas
from nnviz.app.views.shown_view import ShownView
from nnviz.core import accuracy, predictions

LABEL_ROOM = (40, 24)      # pixels beside (half an outer caption) and above / below the graph (a label line)
RELAYOUT_DELAY_MS = 100    # a resized view is laid out again once the resizing pauses
ABLATED_MARK, SELECTION_MARK = 0.8, 1.25   # the marks' size over their node's side
# |w| / max|w| above each threshold: (pen width, opacity). Thicker and more opaque with |w|.
EDGE_BINS = ((0.0, 1.0, 40), (0.15, 1.0, 110), (0.35, 2.0, 170), (0.6, 3.5, 230))


class NetworkView(NetworkMouse, NetworkNodes, ShownView):
    """set_dataset(dataset) once per dataset, set_snapshot(snapshot) at every redraw.

    `interventions` (network_model.Interventions) are what the user changed; `evaluated(snapshot)`
    applies them, and other views should draw that copy. Signals: unitSelected(layer, unit) when a
    unit is clicked, interventionsChanged() when a unit is knocked out or restored or a weight edited.
    """

    unitSelected = Signal(int, int)
    interventionsChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.interventions = Interventions()
        self.selected = []                 # [(layer, unit)], the last one is "the" selection
        self.layout_model = None
        self.hover_text = ""
        self.accuracy_text = ""
        self._dataset = None
        self._grid = None                  # (MAP_GRID², 2) points of the plane, or None for images
        self._grid_rect = None
        self._shown = None                 # the evaluated snapshot last drawn
        self._edges = None                 # (starts, ends, values, keys) drawn
        self._maps = {}                    # (layer, unit) -> RGBA tile last drawn, for the detail view
        self._outputs = {}                 # id(snapshot) -> (snapshot, its activations on the test sample)
        self._evaluated = None             # (snapshot, interventions, the evaluated copy) last made
        self._drawing = None               # [x, a¹, ...] of the user's drawing, or None
        self._build()

    # -- building ------------------------------------------------------------------------------

    def _build(self):
        self.idle_text = "No network yet"           # what the colours mean: the readout when nothing is hovered
        self.readout = ElidedLabel(self.idle_text)          # never widens the dock, never cuts a word silently
        self.accuracy_label = QLabel("", wordWrap=True)
        self.knock_button = QPushButton("Knock out", toolTip="Hold the selected hidden units at 0 (Shift+click "
                                                             "a unit does the same); again to restore them")
        self.top_k = QSpinBox(minimum=1, maximum=512, value=3, prefix="top ", toolTip="How many units")
        self.top_button = QPushButton("Knock out top-k",
                                      toolTip="Knock out the k units of the selected unit's layer with the largest "
                                              "weights")
        self.restore_button = QPushButton("Restore all", toolTip="Bring every knocked-out unit back and undo "
                                                                 "every weight and bias edited by hand")
        self.reset_button = QPushButton("Reset edits", toolTip="Undo every weight and bias edited by hand")
        self.knock_button.clicked.connect(self.knock_out_selected)
        self.top_button.clicked.connect(self.knock_out_top_k)
        self.restore_button.clicked.connect(self.restore_all)
        self.reset_button.clicked.connect(self.reset_edits)
        tools = QHBoxLayout()            # one row: every pixel of height goes to the graph
        for w in (self.knock_button, self.top_k, self.top_button, self.restore_button, self.reset_button):
            tools.addWidget(w)
        tools.addStretch(1)

        self.graph = pg.GraphicsLayoutWidget()
        self.view = self.graph.addViewBox()
        self.view.setAspectLocked(True)
        self.view.invertY(False)
        self.edge_items = []
        for sign in (1, -1):
            for _, width, alpha in EDGE_BINS:
                pen = pg.mkPen((*(POSITIVE if sign > 0 else NEGATIVE), alpha), width=width)
                item = pg.PlotCurveItem(pen=pen, connect="pairs", antialias=False)
                self.view.addItem(item)
                self.edge_items.append((sign, item))
        self.tiles = TileAtlas()           # every drawn node's tile
        self.view.addItem(self.tiles)
        self.labels = LayerLabels(self.view)       # layer captions and "+N more"
        self._auto_fit = True                       # the range follows the view's size (until a pan or zoom)
        self.view.sigResized.connect(self._refit)
        self._resize_timer = QTimer(self, singleShot=True, interval=RELAYOUT_DELAY_MS)
        self._resize_timer.timeout.connect(lambda: self.set_snapshot(self._snapshot))   # drawn if shown
        self.view.sigRangeChangedManually.connect(lambda *_: setattr(self, "_auto_fit", False))
        self.ablated_marks = pg.ScatterPlotItem(pxMode=False, symbol="x", pen=None, brush=pg.mkBrush(200, 30, 30, 200))
        self.selection_marks = pg.ScatterPlotItem(pxMode=False, symbol="s", pen=pg.mkPen((20, 20, 20), width=2),
                                                  brush=None)
        for item in (self.ablated_marks, self.selection_marks):
            item.setZValue(10)
            self.view.addItem(item)
        scene = self.graph.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.graph.viewport().installEventFilter(self)     # double-clicks: pyqtgraph's scene drops them

        self.detail = NodeDetail()
        self.detail.hide()                 # until a unit is selected
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.graph)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(2, 2, 2, 2)
        column.addWidget(self.accuracy_label)
        column.addLayout(tools)
        column.addWidget(split, 1)
        column.addWidget(self.readout)

    # -- public API ----------------------------------------------------------------------------

    def set_dataset(self, dataset, points=None):
        """The dataset whose test set measures the knock-out accuracy; for 2-D points, `points`
        (m, 2) (default: the training set) set the plane the node maps cover."""
        self._dataset = dataset
        self._outputs = {}
        self.layout_model = None
        self.selected = []
        self.interventions = Interventions()
        self.detail.set_dataset(dataset)
        if dataset is not None and dataset.image_shape is None and dataset.n_features == 2:
            X = dataset.X_train if points is None else points
            xs, ys = grid_axes(np.asarray(X, dtype=np.float32), n=MAP_GRID)
            self._grid = plane_grid(xs, ys)
            dx, dy = xs[1] - xs[0], ys[1] - ys[0]
            self._grid_rect = (float(xs[0] - dx / 2), float(ys[0] - dy / 2),
                               float(xs[-1] - xs[0] + dx), float(ys[-1] - ys[0] + dy))
        else:
            self._grid = self._grid_rect = None
        self.set_snapshot(self._snapshot)

    def evaluated(self, snapshot):
        """`snapshot` with the user's interventions applied (the copy the other views should draw); the
        same copy while neither changes (every view draws it each frame)."""
        made = self._evaluated
        if made is None or made[0] is not snapshot or made[1] is not self.interventions:
            made = self._evaluated = (snapshot, self.interventions, self.interventions.apply(snapshot))
        return made[2]

    def set_drawing(self, activations):
        """The draw panel's forward pass of the drawing [x, a¹, ..., aᴸ] (None: nothing drawn): with
        convolutions, the maps drawn are the drawing's (drawn at the next redraw)."""
        self._drawing = None if activations is None else [np.array(A[0]) for A in activations]   # copies: the
        # panel reuses its input's buffer for the next stroke

    def select(self, layer, unit, add=False):
        """Select a unit (add: keep the others selected too) and show it in the detail panel."""
        key = (int(layer), int(unit))
        self.selected = [s for s in self.selected if s != key] + [key] if add else [key]
        self.detail.show()
        self._show_selection()
        self.unitSelected.emit(*key)

    def knock_out(self, units):
        """Toggle these hidden units' knock-out (all back when all of them are already out)."""
        hidden = [(l, u) for l, u in units if self._snapshot and 1 <= l < len(self._snapshot.sizes) - 1]
        if hidden:
            self._set_interventions(self.interventions.toggled(hidden))

    def knock_out_selected(self):
        self.knock_out(self.selected)

    def knock_out_top_k(self):
        """Knock out the k units of the selected unit's (hidden) layer with the largest weights."""
        if not self.selected or self._snapshot is None:
            return
        layer, k = self.selected[-1][0], self.top_k.value()
        if layer in map_layers(self._snapshot.weights):          # the k maps most active on the probe
            probe = self._probe(self._shown)
            self.knock_out([(layer, int(f)) for f in most_active_maps(probe[layer], k)] if probe else [])
        elif 1 <= layer < len(self._snapshot.sizes) - 1:
            self.knock_out(top_units(self._snapshot.weights, layer, k))

    def restore_all(self):
        """The trained network as it is: no unit knocked out, no value edited."""
        self._set_interventions(Interventions())

    def reset_edits(self):
        self._set_interventions(self.interventions.without_edits())

    def edit_weight(self, l, i, j, value):
        self._set_interventions(self.interventions.with_weight((l, i, j), value))

    def edit_bias(self, l, j, value):
        self._set_interventions(self.interventions.with_bias((l, j), value))

    def ask_value(self, title, value):
        """A number from the user, or None when cancelled (tests replace this method)."""
        number, ok = QInputDialog.getDouble(self, "Edit", title, value, -1e6, 1e6, EDIT_DECIMALS)
        return number if ok else None

    # -- drawing -------------------------------------------------------------------------------

    def _set_interventions(self, interventions):
        self.interventions = interventions
        self.interventionsChanged.emit()
        self._draw(self._snapshot)

    def _draw(self, snapshot):
        if snapshot is None:
            self._shown = None
            self.idle_text = "No network yet"
            self.accuracy_text = self.hover_text = ""            # they were about the network gone
            self.accuracy_label.setText("")
            self.readout.setText(self.idle_text)
            self.graph.setToolTip("")
            self.tiles.set_tiles([])
            self.labels.hide()
            for _, item in self.edge_items:
                item.setData([], [])
            return
        shown = self.evaluated(snapshot)
        self._shown = shown
        image_shape = self._dataset.image_shape if self._dataset is not None else None
        image_input = image_shape is not None and np.prod(image_shape) == snapshot.sizes[0]
        width, height = self.view.width() - 2 * LABEL_ROOM[0], self.view.height() - 2 * LABEL_ROOM[1]
        aspect = width / height if width > 0 < height else None
        probe = self._probe(shown) if image_input and snapshot.convolutional else None
        if probe is not None:
            layout = conv_layout(snapshot.weights, probe, aspect)
        else:
            layout = make_layout(snapshot.weights, image_input, aspect=aspect)
        old = self.layout_model
        if old is None or old.sizes != layout.sizes or \
                (self._auto_fit and old.centres[-1][0, 0] != layout.centres[-1][0, 0]):   # spread for a new shape
            self._fit(layout)
        self.layout_model = layout
        self._outputs = {key: kept for key, kept in self._outputs.items() if kept[0] is snapshot or kept[0] is shown}
        self._draw_edges(layout, shown.weights)
        self._draw_nodes(layout, shown, image_shape if image_input else None)
        if probe is not None:
            self.labels.show(layout, snapshot, conv_captions(snapshot, probe), steps_between(snapshot.layers))
        else:
            self.labels.show(layout, snapshot)
        self._show_marks()
        self._show_accuracy(snapshot, shown)
        if self.selected:
            self.detail.show_unit(*self.selected[-1], shown, self._maps.get(self.selected[-1]))

    def _fit(self, layout):
        """Show the whole graph with LABEL_ROOM pixels around it for the labels; again whenever the view
        is resized, until the user pans or zooms (and when the architecture changes)."""
        self._auto_fit = True
        low = np.min([c.min(axis=0) - layout.half_side(l) for l, c in enumerate(layout.centres)], axis=0)
        high = np.max([c.max(axis=0) + layout.half_side(l) for l, c in enumerate(layout.centres)], axis=0)
        ranges = []
        for axis, pixels in enumerate((self.view.width(), self.view.height())):
            share = min(0.4, LABEL_ROOM[axis] / pixels) if pixels > 0 else 0.1   # of the shown range, a side
            pad = 0.2 + (high[axis] - low[axis]) * share / (1 - 2 * share)
            ranges.append((float(low[axis] - pad), float(high[axis] + pad)))
        self.view.setRange(xRange=ranges[0], yRange=ranges[1], padding=0)

    def _refit(self):
        """The view was resized: lay the graph out for its new shape (once per burst of resizes)."""
        if self._auto_fit and self.layout_model is not None:
            self._resize_timer.start()

    def _draw_edges(self, layout, weights):
        starts, ends, values, keys = self._edges = layout.edges(edge_matrices(weights))
        scale = np.abs(values) / max(float(np.abs(values).max(initial=0.0)), 1e-12)
        bins = np.digitize(scale, [b[0] for b in EDGE_BINS[1:]])
        for n, (sign, item) in enumerate(self.edge_items):
            pick = (bins == n % len(EDGE_BINS)) & ((values >= 0) if sign > 0 else (values < 0))
            x = np.column_stack([starts[pick, 0], ends[pick, 0]]).ravel()
            y = np.column_stack([starts[pick, 1], ends[pick, 1]]).ravel()
            item.setData(x, y)

    def _show_marks(self):
        layout = self.layout_model
        if layout is None:
            return
        for item, units, size in ((self.ablated_marks, self.interventions.ablated, ABLATED_MARK),
                                  (self.selection_marks, self.selected, SELECTION_MARK)):
            drawn = [(layout.centre(l, u), 2 * layout.half_side(l)) for l, u in units if l < len(layout.units)]
            drawn = [(spot, side) for spot, side in drawn if spot is not None]
            spots = np.array([spot for spot, _ in drawn]).reshape(-1, 2)
            item.setData(x=spots[:, 0], y=spots[:, 1], size=[size * side for _, side in drawn])

    def _show_accuracy(self, snapshot, shown):
        X, y = self._sample()
        if X is None or not len(X) or snapshot.input_width != X.shape[1]:
            self.accuracy_text = ""
        else:
            intact = accuracy(y, predictions(self._forward_sample(snapshot)[-1]))
            what = []
            filters = sum(layer in map_layers(snapshot.weights) for layer, _ in self.interventions.ablated)
            for count, kind in ((len(self.interventions.ablated) - filters, "unit"), (filters, "filter")):
                if count:
                    what.append(f"{count} {kind}(s) knocked out")
            edits = len(self.interventions.weights) + len(self.interventions.biases)
            if edits:
                what.append(f"{edits} value(s) edited")
            where = f"{len(X):,} test samples"
            if what:
                changed = accuracy(y, predictions(self._forward_sample(shown)[-1]))
                self.accuracy_text = (f"Test accuracy {changed:.1%} with {' and '.join(what)} "
                                      f"(intact {intact:.1%}) on {where}")
            else:
                self.accuracy_text = f"Test accuracy {intact:.1%} on {where}"
        self.accuracy_label.setText(self.accuracy_text)
        if self._grid is not None:
            self.idle_text = "Each node: its output over the plane. Blue +, orange −."
        elif snapshot.convolutional:
            probe = "your drawing" if self._drawing is not None else "the first test image"
            self.idle_text = f"Convolutions: their most active maps on {probe}. Blue +, orange −."
        else:
            self.idle_text = "Layer 1: incoming weights; deeper: mean activation on the test sample. Blue +, orange −."
        if not self.hover_text:
            self.readout.setText(self.idle_text)

    def _show_selection(self):
        self._show_marks()
        if self.selected and self._shown is not None:
            self.detail.show_unit(*self.selected[-1], self._shown, self._maps.get(self.selected[-1]))
