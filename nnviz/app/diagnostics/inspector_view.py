"""The backprop inspector: one mini-batch's z, a, δ, ∂C/∂b and ∂C/∂W per layer as heatmaps, with BP1–BP4.

    view.set_network(snapshot_or_network, X_batch, y_batch)   # works on its own copy of the weights
    view.step_button / view.step()        # one SGD step from these gradients, then re-inspect (emits stepped)
    view.check_button / view.check()      # backprop vs finite differences, relative error per layer (computed
                                          # in a training process: `checked` when shown)
    view.batch_requested                  # "Inspect a new batch" pressed: call set_network again

The numbers come from `nnviz.core.inspector`; this widget only lays them out and colours them.
"""

from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from nnviz.app.diagnostics.inspector_maps import SAMPLE, conv_equation, convolutional, grid, spot_words
from nnviz.app.runtime.jobs import GradientCheckJob
from nnviz.app.runtime.process_job import ProcessJob
from nnviz.app.superscript import superscript
from nnviz.app.views.colors import activation_levels, diverging_colormap, heatmap_colormap, symmetric_levels
from nnviz.core.gradcheck import check_level
from nnviz.core.inspector import inspect_batch, step

MAX_SAMPLES, MAX_UNITS, MAX_INPUTS = 32, 64, 128      # rows/columns shown per heatmap
KINDS = ("z", "a", "delta", "db", "dW")
SIGNED = ("z", "delta", "db", "dW")                  # drawn blue–white–red around 0, with a colour bar
TITLE_POINTS = 9
ROW_HEIGHT = 230                                      # pixels per layer
GRADCHECK_ENTRIES = 40                                # entries checked per weight matrix and bias vector
CHECK_COLORS = {"ok": "#2ca02c", "warning": "#d08c00", "alarm": "#d62728"}
# Output/loss pairs whose BP1 simplifies to (a − y)/n.
CANCELLING = {("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")}


def equation(net, l, kind, l2=0.0):
    """The formula behind heatmap `kind` of layer l (1-based), e.g. "δ² = (δ³ W³ᵀ) ⊙ σ'(z²)   BP2"."""
    special = conv_equation(net, l, kind, l2)
    if special is not None:
        return special
    s, p, L = superscript(l), superscript(l - 1), net.n_layers
    act = net.output_name if l == L else net.hidden_name
    if kind == "z":
        return f"z{s} = a{p}W{s} + b{s}"
    if kind == "a":
        return f"a{s} = {act}(z{s})"
    if kind == "delta" and l == L:
        if (net.output_name, net.loss_name) in CANCELLING:
            return f"δ{s} = (a{s} − y) / n   BP1"
        return f"δ{s} = ∇ₐC ⊙ σ'(z{s})   BP1"
    if kind == "delta":
        return f"δ{s} = (δ{superscript(l + 1)} W{superscript(l + 1)}ᵀ) ⊙ σ'(z{s})   BP2"
    if kind == "db":
        return f"∂C/∂b{s} = Σₓ δ{s}   BP3"
    return f"∂C/∂W{s} = a{p}ᵀ δ{s}" + (f" + λW{s}" if l2 else "") + "   BP4"


def pick_batch(X, y, size=32, rng=None):
    """A random mini-batch (X[idx], y[idx]) of at most `size` samples, for `set_network`."""
    rng = np.random.default_rng() if rng is None else rng
    idx = np.sort(rng.choice(len(X), min(size, len(X)), replace=False))
    return X[idx], y[idx]


def _shape(a):
    return "×".join(str(d) for d in a.shape)


def input_rows(trace):
    """Rows of ∂C/∂W to draw: all if there are ≤ MAX_INPUTS, else (sorted) the first MAX_INPUTS inputs
    that are non-zero somewhere in the batch, topped up with others (a zero input's row is all 0: BP4)."""
    d_in = trace.dW.shape[0]
    if d_in <= MAX_INPUTS:
        return np.arange(d_in)
    # After feature maps the rows are the pooled, flattened maps (not a_prev's pixels): a row of ∂C/∂W is
    # non-zero only where its input is (BP4), so the rows say it themselves.
    active = np.any(trace.dW != 0, axis=1) if trace.a_prev.ndim == 4 else np.any(trace.a_prev != 0, axis=0)
    order = np.concatenate([np.flatnonzero(active), np.flatnonzero(~active)])
    return np.sort(order[:MAX_INPUTS])


def _cap(trace, kind):
    """The part of a LayerTrace array that is drawn: (rows, cols) for every kind."""
    if convolutional(trace, kind):
        return grid(trace, kind)
    if kind == "db":
        return trace.db[None, :MAX_UNITS]
    if kind == "dW":
        return trace.dW[input_rows(trace), :MAX_UNITS]
    return getattr(trace, kind)[:MAX_SAMPLES, :MAX_UNITS]


class InspectorView(QWidget):
    """Heatmaps of one batch's backward pass, a Step button (SGD) and a gradient check."""

    stepped = Signal(object)          # the BatchInspection after the step
    batch_requested = Signal()        # the user wants the current network on a new batch
    checked = Signal()                # a gradient check's errors are shown

    def __init__(self, parent=None):
        super().__init__(parent)
        self.net = self.inspection = None
        self._X = self._y = None
        self._l2 = 0.0
        self._key = None
        self.images, self.titles, self._plots, self.colorbars = {}, {}, {}, {}
        self.gradcheck_errors, self.gradcheck_labels = [], []
        self._check_job = None            # the ProcessJob of a gradient check under way

        self.summary = QLabel("No network yet: press “Inspect a new batch”", wordWrap=True)
        self.note = QLabel(wordWrap=True)
        self.lr = QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=10.0, singleStep=0.01, value=0.1,
                                 prefix="η = ")
        self.step_button = QPushButton("Step", enabled=False,
                                       toolTip="W ← W − η ∂C/∂W and b ← b − η ∂C/∂b for this batch, "
                                               "then run the batch again")
        self.check_button = QPushButton("Gradient check", enabled=False,
                                        toolTip="Compare backprop with central finite differences (float64)")
        self.batch_button = QPushButton("Inspect a new batch",
                                        toolTip="The current network's weights on a fresh random mini-batch")
        self.step_button.clicked.connect(self.step)
        self.check_button.clicked.connect(self.check)
        self.batch_button.clicked.connect(self.batch_requested)
        self.checks = QHBoxLayout()
        controls = QHBoxLayout()
        controls.addWidget(self.summary, 1)
        controls.addWidget(self.batch_button)
        controls.addWidget(self.lr)
        controls.addWidget(self.step_button)
        controls.addWidget(self.check_button)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.scene().sigMouseMoved.connect(self._on_mouse_moved)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.plots)
        self.readout = QLabel("Hover a heatmap to read a value")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addLayout(self.checks)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.readout)

    # -- public API ----------------------------------------------------------------------------

    def set_network(self, net_or_snapshot, X_batch, y_batch, l2=0.0, learning_rate=None):
        """Inspect X_batch (n, d_in) with labels or targets y_batch through a copy of these weights."""
        net = net_or_snapshot.network() if hasattr(net_or_snapshot, "network") else net_or_snapshot
        self.net = net.copy()
        self._X, self._y, self._l2 = np.asarray(X_batch), np.asarray(y_batch), float(l2)
        if learning_rate is not None:
            self.lr.setValue(learning_rate)
        self._inspect()
        self._show_checks(None)
        self.step_button.setEnabled(True)
        self.check_button.setEnabled(self._check_job is None)

    def step(self):
        """One plain SGD step on the inspected gradients; the heatmaps then show the same batch again."""
        if self.inspection is None:
            return
        before = self.inspection.loss
        step(self.net, self.inspection, self.lr.value())
        self._inspect(before)
        self._show_checks(None)
        self.stepped.emit(self.inspection)

    def check(self):
        """Gradient check of this batch: relative error per layer, green when ≤ 1e-6. It runs in a training
        process (LeNet's takes seconds): the errors are shown when it ends, if the batch and weights are
        still the ones inspected."""
        if self.inspection is None or self._check_job is not None:
            return
        self.check_button.setEnabled(False)
        self._show_checks(None, "Gradient check: computing (float64 central differences)…")
        job = ProcessJob(GradientCheckJob(self.net.copy(), self._X, self._y, self._l2, GRADCHECK_ENTRIES))
        job.result.connect(partial(self._on_checked, self.inspection))
        job.failed.connect(lambda message: self._show_checks(None, f"Gradient check failed: {message}"))
        job.finished.connect(self._check_finished)
        self._check_job = job
        job.start()

    def shutdown(self):
        """End a gradient check under way with its process, and wait for it (closing the window)."""
        job = self._check_job
        if job is not None:
            job.cancel()
            job.wait()

    def _on_checked(self, inspection, errors):
        if inspection is self.inspection:        # else a step or a new batch came since: not these numbers
            self._show_checks(errors)
            self.checked.emit()

    def _check_finished(self):
        job = self.sender()
        job.wait()
        job.deleteLater()
        if job is self._check_job:
            self._check_job = None
            self.check_button.setEnabled(self.inspection is not None)

    def shown(self, layer, kind):
        """The array drawn for `kind` ("z", "a", "delta", "db", "dW") of `layer` (1-based)."""
        return self.images[(layer, kind)].image

    # -- drawing -------------------------------------------------------------------------------

    def _inspect(self, loss_before=None):
        with np.errstate(all="ignore"):
            self.inspection = inspect_batch(self.net, self._X, self._y, l2=self._l2)
        self._build()
        for l, trace in enumerate(self.inspection.layers, start=1):
            act = self.net.output_name if l == self.net.n_layers else self.net.hidden_name
            for kind in KINDS:
                shown = _cap(trace, kind)
                item = self.images[(l, kind)]
                item.setImage(shown, autoLevels=False)
                item.setRect(-0.5, -0.5, shown.shape[1], shown.shape[0])
                if kind == "a":
                    item.setLevels(activation_levels(act, shown))
                else:
                    self.colorbars[(l, kind)].setLevels(symmetric_levels(shown))     # and the image's
        was = "" if loss_before is None else f" (was {loss_before:.5g} before the step)"
        self.summary.setText(f"Batch of {len(self._X)} samples · loss C = {self.inspection.loss:.5g}{was}")

    def _build(self):
        """Plots for this architecture and batch size, created once; titles carry equation and shape."""
        key = (tuple(self.net.sizes), str(self.net.layer_list), self.net.hidden_name, self.net.output_name,
               self.net.loss_name, len(self._X), bool(self._l2))
        if key == self._key:
            return
        self._key = key
        self.plots.clear()
        self.images, self.titles, self._plots, self.colorbars = {}, {}, {}, {}
        font = QFont()
        font.setPointSize(TITLE_POINTS)
        title_height = 2 * QFontMetrics(font).lineSpacing() + 14        # two lines (formula, shape) + margins
        for l, trace in enumerate(self.inspection.layers, start=1):
            last = l == self.net.n_layers
            kind_of = "output" if last else f"hidden, {self.net.hidden_name}"
            head = f"Layer {l} ({kind_of}): {self.net.sizes[l - 1]} → {self.net.sizes[l]} units"
            if trace.z.ndim == 4:
                n, H, W, C = trace.z.shape
                head = (f"Layer {l} (convolution, {self.net.hidden_name}): {trace.dW.shape[1]} → {C} maps "
                        f"{H}×{W}")
            self.plots.addLabel(head, row=2 * l - 2, col=0, colspan=len(KINDS), justify="left")
            for c, kind in enumerate(KINDS):
                full = trace.db if kind == "db" else getattr(trace, kind)
                shown = _cap(trace, kind)
                size = _shape(full) + (f", showing {_shape(shown[0] if kind == 'db' else shown)}"
                                       if shown.size < full.size else "")
                maps = convolutional(trace, kind)
                if maps:
                    size = (f"{_shape(full)}: C_out×C_in×k×k, every kernel" if kind == "dW" else
                            f"{_shape(full)}: n×H×W×C, sample {SAMPLE}'s maps")
                formula, _, rule = equation(self.net, l, kind, self._l2).partition("   ")
                title = f"{formula}" + (f" &nbsp; <b>{rule}</b>" if rule else "") + f"<br>({size})"
                self.titles[(l, kind)] = title
                plot = self.plots.addPlot(row=2 * l - 1, col=c, title=title)
                plot.titleLabel.setAttr("size", f"{TITLE_POINTS}pt")
                plot.titleLabel.setMaximumHeight(title_height)          # pyqtgraph's 30 px fit one line
                plot.layout.setRowFixedHeight(0, title_height)
                plot.setMouseEnabled(False, False)
                plot.hideButtons()
                plot.setMenuEnabled(False)
                plot.invertY(True)
                plot.setLabel("bottom", "unit")
                for axis, n in (("bottom", shown.shape[1]), ("left", shown.shape[0])):
                    if n <= 12:
                        plot.getAxis(axis).setTickSpacing(1, 1)     # whole units, not 0.5 steps
                if maps:                                     # pictures: square pixels, no unit axes
                    plot.hideAxis("bottom")
                    plot.setAspectLocked(True)
                if kind == "db" or maps:
                    plot.hideAxis("left")
                else:
                    picked = kind == "dW" and len(shown) < len(full)
                    left = "sample" if kind != "dW" else "non-zero input" if picked else "input"
                    plot.setLabel("left", left)
                item = pg.ImageItem(axisOrder="row-major")
                item.setColorMap(heatmap_colormap() if kind == "a" else diverging_colormap())
                plot.addItem(item)
                if kind in SIGNED:
                    bar = pg.ColorBarItem(values=(-1, 1), colorMap=diverging_colormap(), interactive=False,
                                          width=10)
                    bar.setImageItem(item)
                    # In the plot's own grid, beside its view box (row 2; column 3, after the right
                    # axis): exactly as tall as the image, not as the title, image and axis together.
                    bar.layout.setContentsMargins(0, 0, 0, 0)
                    plot.layout.addItem(bar, 2, 3)
                    self.colorbars[(l, kind)] = bar
                plot.setRange(xRange=(-0.5, shown.shape[1] - 0.5), yRange=(-0.5, shown.shape[0] - 0.5),
                              padding=0)
                self.images[(l, kind)] = item
                self._plots[(l, kind)] = plot
        self.plots.setMinimumHeight(ROW_HEIGHT * self.net.n_layers)
        # As wide as the five columns need (titles, axes, colour bars): a narrower dock scrolls to BP4
        # rather than cut it off (at 1366 px it was).
        least = self.plots.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
        self.plots.setMinimumWidth(int(least) + 2)
        self._set_note()

    def _set_note(self):
        caps = []
        if len(self._X) > MAX_SAMPLES:
            caps.append(f"the first {MAX_SAMPLES} of {len(self._X)} samples")
        if max(self.net.sizes[1:]) > MAX_UNITS:
            caps.append(f"the first {MAX_UNITS} units of wider layers")
        if self.net.plan is not None:
            caps.append(f"for convolutions sample {SAMPLE}'s maps and every kernel")
        if max(self.net.sizes[:-1]) > MAX_INPUTS:
            caps.append(f"in ∂C/∂W the first {MAX_INPUTS} inputs that are non-zero in this batch (a zero "
                        "input's row is 0)")
        text = ("a⁰ = x, the batch. Blue–red maps are signed (white = 0); hover for values. δ = ∂C/∂z, "
                "and C is the mean over the batch.")
        self.note.setText(text + (" Showing " + ", ".join(caps) + "." if caps else ""))

    def _show_checks(self, errors, text=None):
        for label in self.gradcheck_labels:
            self.checks.removeWidget(label)
            label.hide()
            label.deleteLater()
        self.gradcheck_errors = list(errors or [])
        self.gradcheck_labels = []
        if errors is None:
            texts = [(text or "Gradient check: press the button (float64 central differences, "
                      f"≤ {GRADCHECK_ENTRIES} entries per array)", None)]
        else:
            texts = [("Gradient check, relative error:", None)]
            for l, e in enumerate(errors, start=1):
                level = check_level(e)
                texts.append((f"layer {l}: {e:.1e} {'✓' if level == 'ok' else '✗'}", level))
        for text, level in texts:
            label = QLabel(text)
            if level:
                label.setStyleSheet(f"color: {CHECK_COLORS[level]}; font-weight: bold;")
            label.setProperty("level", level)
            self.checks.addWidget(label)
            self.gradcheck_labels.append(label)

    # -- hover readout -------------------------------------------------------------------------

    def describe(self, layer, kind, row, col):
        value = self.shown(layer, kind)[row, col]
        name = {"z": f"z{superscript(layer)}", "a": f"a{superscript(layer)}", "delta": f"δ{superscript(layer)}",
                "db": f"∂C/∂b{superscript(layer)}", "dW": f"∂C/∂W{superscript(layer)}"}[kind]
        trace = self.inspection.layers[layer - 1]
        if convolutional(trace, kind):
            spot = spot_words(trace, kind, row, col)
            return f"{name} [{spot}] = {value:.4g}" if spot else f"{name}: between two tiles"
        if kind == "dW":
            row_name = int(input_rows(trace)[row])
            where = f"input {row_name}, unit {col}"
        else:
            where = f"unit {col}" if kind == "db" else f"sample {row}, unit {col}"
        return f"{name} [{where}] = {value:.4g}"

    def _on_mouse_moved(self, scene_pos):
        for (l, kind), plot in self._plots.items():
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                p = plot.vb.mapSceneToView(scene_pos)
                row, col = round(p.y()), round(p.x())
                shape = self.shown(l, kind).shape
                if 0 <= row < shape[0] and 0 <= col < shape[1]:
                    self.readout.setText(self.describe(l, kind, row, col))
                return
