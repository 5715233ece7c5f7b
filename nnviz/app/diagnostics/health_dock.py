"""The training-health dock: traffic lights per detector, a per-layer table, histograms, a divergence banner.

The numbers and verdicts come from `nnviz.core.health`; this widget only shows them (the lights in
`health_lights`, the per-layer table in `layer_table`).

    dock.reset(n_classes=10, activation="relu")     # a new run
    dock.set_probe(X_probe, y_probe)                # histograms and "Measure now" use it
    dock.update_epoch(event)                        # each EpochEnd (keeps the history itself)
    dock.set_snapshot(snapshot)                     # from the redraw timer: weight/activation histograms
    dock.diverged(event)                            # a Diverged event: red light and banner
    dock.continue_with_half_lr.connect(...)         # the banner's button
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.diagnostics.health_lights import COLORS, Light
from nnviz.app.diagnostics.layer_table import LayerTable
from nnviz.app.runtime.redraw import on_screen
from nnviz.app.superscript import superscript
from nnviz.core.health import (
    DETECTORS,
    TITLES,
    diagnose,
    diagnose_layers,
    histograms,
    layer_report,
)
from nnviz.io.runs import thin_rows

HIST_BINS = 30
TABS_PREFERRED_HEIGHT = 160  # px: the layer table / histograms' share of a short dock (more when it is tall)
HISTORY_CHECKS = 400        # epochs of a saved run judged to rebuild its history (evenly spaced)
MEASURE_BATCH = 64          # probe samples whose gradient "Measure now" takes
WEIGHT_BRUSH, ACT_BRUSH = (31, 119, 180, 120), (255, 127, 14, 120)



class _BelowTheFold(QTabWidget):
    """The layer table and histograms: they take the dock's spare height, but ask for little, so that in
    a short dock (its scroll area lays it out at the preferred heights) the lights and the history
    come first, these below."""

    def sizeHint(self):
        return QSize(super().sizeHint().width(), TABS_PREFERRED_HEIGHT)


class HealthDock(QWidget):
    """Training health of the current run. Emits `continue_with_half_lr` from the divergence banner."""

    continue_with_half_lr = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.n_classes, self.activation, self.init = None, "relu", None
        self.history, self.findings = [], []
        self._logged = {}           # detector -> the level its last log line reported
        self._diverged = None
        self._X = self._y = None
        self._snapshot, self._stale = None, False
        self._hist_layers = 0
        self.weight_plots, self.weight_curves, self.act_plots, self.act_curves = [], [], [], []

        self.banner = QFrame(objectName="divergedBanner")
        self.banner.setStyleSheet("#divergedBanner { background: #fde0dc; border: 2px solid #d62728; "
                                  "border-radius: 4px; } QLabel { color: #7a0c0c; }")
        self.banner_text = QLabel(wordWrap=True)
        bold = QFont()
        bold.setBold(True)
        self.banner_text.setFont(bold)
        self.banner_detail = QLabel(wordWrap=True)
        self.continue_button = QPushButton("Continue with half the learning rate")
        self.continue_button.clicked.connect(self._on_continue)
        box = QVBoxLayout(self.banner)
        box.addWidget(self.banner_text)
        box.addWidget(self.banner_detail)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.continue_button)
        box.addLayout(row)
        self.banner.hide()

        lights = QWidget()
        grid = QGridLayout(lights)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(2, 1)
        self.lights = {d: Light(grid, i, d) for i, d in enumerate(DETECTORS)}

        self.measure_button = QPushButton("Measure now", enabled=False,
                                          toolTip="Dead units, saturation, gradients and histograms of the "
                                                  "current weights on the probe set, without training")
        self.measure_button.clicked.connect(self.measure_now)
        self.status = QLabel("No run yet")
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.measure_button)

        self.log = QListWidget(toolTip="Every change of a light during this run, with its epoch; "
                                       "cleared when a new run starts")
        self.log.setWordWrap(True)
        lines = self.log.fontMetrics().lineSpacing()
        self.log.setMinimumHeight(3 * lines + 8)               # never squeezed below three lines
        self.log.setMaximumHeight(4 * lines + 8)               # nor so tall that a laptop's dock scrolls it away
        self.log.addItem("History: no alarm yet")

        self.table = LayerTable()
        self.plots = pg.GraphicsLayoutWidget()
        self.tabs = _BelowTheFold()
        self.tabs.addTab(self.table, "Layers")
        self.tabs.addTab(self.plots, "Histograms")
        self.tabs.currentChanged.connect(self.draw_if_shown)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(3)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(lights)
        layout.addWidget(self.log)
        layout.addWidget(self.tabs, 1)

    # -- public API ----------------------------------------------------------------------------

    def reset(self, n_classes=None, activation=None, init=None):
        """Forget the run (lights grey, empty table, no banner); n_classes (None: regression), the
        hidden activation's and the initialiser's names set what the detectors judge and suggest."""
        self.n_classes = n_classes
        self.activation = activation or self.activation
        self.init = init
        self.history, self.findings, self._diverged = [], [], None
        self._logged = {}
        self.log.clear()
        self.log.addItem("History: no alarm yet")
        self.banner.hide()
        for light in self.lights.values():
            light.show(None)
        self.table.setRowCount(0)
        self.status.setText("Waiting for the first epoch")

    def set_probe(self, X_probe, y_probe=None):
        """The fixed probe samples X (n, d_in) for the histograms; with labels y, also for "Measure now"."""
        self._X = None if X_probe is None else np.asarray(X_probe)
        self._y = None if y_probe is None else np.asarray(y_probe)
        self._update_measure_button()
        self.set_snapshot(self._snapshot)

    def update_epoch(self, event, history=None):
        """A new EpochEnd: re-run the detectors on `history` (the run's EpochEnds, or the ones this
        dock has seen) and show the layer numbers."""
        self.history = list(history) if history is not None else self.history + [event]
        self.show_live()
        self._log_changes(event.epoch)

    def show_history(self, history):
        """A saved run's EpochEnds (oldest first): its lights and history as they were when it ended. The
        detectors judge at most HISTORY_CHECKS evenly spaced epochs (diagnosing every prefix of a long
        run would take minutes; a live run is also judged once a frame, not every epoch)."""
        self.history = []
        for i in thin_rows(len(history), HISTORY_CHECKS):
            self.update_epoch(history[i], history[:i + 1])

    def show_live(self):
        """Lights, table and status of the run as it is now (after `show_moment` showed an earlier one)."""
        self.status.setToolTip("")
        if not self.history:
            for light in self.lights.values():
                light.show(None)
            self.table.setRowCount(0)
            return self.status.setText("Waiting for the first epoch")
        event = self.history[-1]
        self.table.show_layers(event.layers, self.activation)
        self.status.setText(f"Epoch {event.epoch}: train accuracy {event.train_accuracy:.1%}")
        self.set_findings(diagnose(self.history, self.n_classes, self.activation, self._diverged, init=self.init))

    def show_moment(self, snapshot, history, position):
        """Replay: the lights and table of an earlier moment, without touching the run's history or log.

        The per-layer lights (dead units, saturation, gradients) are measured on `snapshot`'s weights
        and the probe set, as "Measure now" does; stuck at chance, overfitting and divergence judge
        `history`, the EpochEnds completed by then; position: that moment in epochs (for the status).
        """
        if self._X is None or self._y is None:
            return
        layers = self._measure(snapshot.network())
        self.table.show_layers(layers, self.activation)
        self.set_findings(diagnose(history, self.n_classes, self.activation, layers=layers, init=self.init))
        self.status.setText(f"Replaying epoch {position:.2f}: measured on its weights")
        self.status.setToolTip(f"Dead units, saturation and gradients: the replayed weights on {len(self._X)} probe "
                               f"samples; the other lights: the {len(history)} epochs completed by then")

    def set_findings(self, findings):
        """Show these Findings (any subset of detectors; the others keep their lights)."""
        self.findings = list(findings)
        for f in self.findings:
            self.lights[f.detector].show(f)

    @property
    def divergence(self):
        """The Diverged event of the current run, or None."""
        return self._diverged

    def diverged(self, event):
        """The run diverged (the core has rolled back): red light, banner and the offer to halve η."""
        self._diverged = event
        self.banner_text.setText(f"Diverged at epoch {event.epoch} batch {event.batch} — rolled back to the "
                                 f"last good weights")
        what = f"exploded to {event.loss:.3g}" if math.isfinite(event.loss) else "became NaN or infinite"
        self.banner_detail.setText(f"The training loss {what}. Continue from the restored weights with half "
                                   "the learning rate, or clip the gradients.")
        self.banner.show()
        self.set_findings(diagnose(self.history, self.n_classes, self.activation, event, init=self.init))
        self._log_changes(event.epoch)

    def set_snapshot(self, snapshot):
        """Weight and activation histograms (share of values per bin) of this Snapshot (or Network) on the
        probe set; deferred while the Histograms tab is not on screen."""
        self._snapshot = snapshot
        self._update_measure_button()
        self._stale = True
        self.draw_if_shown()

    def measure_now(self):
        """Measure the current weights on the probe set without training: table, lights, histograms."""
        if self._snapshot is None or self._X is None or self._y is None:
            return
        layers = self._measure(self._network())
        self.table.show_layers(layers, self.activation)
        self.set_findings(diagnose_layers(layers, self.activation, self.init))
        self.status.setText(f"Measured now on {len(self._X)} probe samples")
        self._stale = True
        self.draw_if_shown()

    # -- state for tests and tooltips ----------------------------------------------------------

    def level(self, detector):
        """"ok", "warning", "alarm" or "n/a" as shown by the detector's light."""
        return self.lights[detector].level

    def color(self, detector):
        return self.lights[detector].color

    def message(self, detector):
        """The detector's whole message (a fine light shows only its first word, the rest on hover)."""
        return self.lights[detector].text

    @property
    def banner_visible(self):
        return self.banner.isVisibleTo(self)

    # -- internals -----------------------------------------------------------------------------

    def showEvent(self, event):
        super().showEvent(event)
        self.draw_if_shown()

    def draw_if_shown(self):
        """Histograms are drawn only while their tab is on screen; otherwise when it next shows (call this
        when the dock comes back from behind another dock's tab: it was off-screen, not hidden)."""
        if self._stale and self.plots.isVisible() and on_screen(self):
            self._stale = False
            self._draw_histograms()

    def _log_changes(self, epoch):
        """Add a line for each light that changed level at this epoch: a warning or alarm that fires, or
        one that clears (lights that start green are not logged)."""
        for f in self.findings:
            level = f.level if f.applicable else "n/a"
            before = self._logged.get(f.detector, "ok" if level in ("ok", "n/a") else None)
            if level == before or (level == "n/a" and before == "ok"):
                continue
            if not self._logged:
                self.log.clear()                    # the "no alarm yet" placeholder
            self._logged[f.detector] = level
            what = f.message.split(" — ")[0]                 # the finding, without its remedy (in the tooltip)
            text = f"cleared — back to {level}" if level in ("ok", "n/a") else f"{level}: {what}"
            item = QListWidgetItem(f"epoch {epoch}: {TITLES[f.detector]} {text}")
            item.setForeground(QBrush(QColor(COLORS[level])))
            item.setToolTip(f"epoch {epoch}: {f.message}")
            self.log.addItem(item)
            self.log.scrollToBottom()

    def _on_continue(self):
        self.banner.hide()
        self.continue_with_half_lr.emit()

    def _measure(self, net):
        """LayerStats of `net` on the probe set, the gradient taken on its first MEASURE_BATCH samples."""
        X, y = self._X, self._y
        with np.errstate(all="ignore"):
            grads = net.gradients(X[:MEASURE_BATCH], y[:MEASURE_BATCH])
            return layer_report(net, X, grads)

    def _network(self):
        s = self._snapshot
        return s.network() if hasattr(s, "network") else s

    def _update_measure_button(self):
        self.measure_button.setEnabled(self._snapshot is not None and self._X is not None
                                       and self._y is not None)

    def _draw_histograms(self):
        if self._snapshot is None or self._X is None:
            return self._build_histograms(0)
        net = self._network()
        if self._X.ndim != 2 or self._X.shape[1] != net.input_width:
            return self._build_histograms(0)
        hists = histograms(net, self._X, bins=HIST_BINS)
        self._build_histograms(len(hists))
        for h, w_curve, a_curve in zip(hists, self.weight_curves, self.act_curves):
            for curve, hist in ((w_curve, h.weights), (a_curve, h.activations)):
                curve.setData(hist.edges, hist.counts / max(hist.counts.sum(), 1))     # share of values

    def _build_histograms(self, n_layers):
        """Create the plots once per number of layers; afterwards only setData."""
        if n_layers == self._hist_layers:
            return
        self._hist_layers = n_layers
        self.plots.clear()
        self.weight_plots, self.weight_curves, self.act_plots, self.act_curves = [], [], [], []
        for l in range(1, n_layers + 1):
            for col, (name, brush, plots, curves) in enumerate((
                    (f"weights W{superscript(l)}", WEIGHT_BRUSH, self.weight_plots, self.weight_curves),
                    (f"activations a{superscript(l)} on the probe", ACT_BRUSH, self.act_plots, self.act_curves))):
                plot = self.plots.addPlot(row=l - 1, col=col, title=name)
                plot.setMouseEnabled(False, False)
                plot.hideButtons()
                plot.setMenuEnabled(False)
                plot.getAxis("left").setWidth(36)
                curve = plot.plot([0, 1], [0], stepMode="center", fillLevel=0, brush=brush,
                                  pen=pg.mkPen(brush[:3]))
                plots.append(plot)
                curves.append(curve)
