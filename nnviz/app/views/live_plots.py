"""Live training plots: loss, accuracy, learning rate, gradient norms and dead units, exportable.

Every curve is created once (per-layer curves once per network) and redrawn with `setData` from
growing NumPy buffers; `add_batches`/`add_epochs` only append, `refresh` draws (the window's redraw
scheduler calls it). No grid lines: on a live plot they cost more to paint than all the curves.
Legends are rows above the data (`plot_legends.LegendRow`), axis ranges grow in steps (`plot_ranges.StepRanges`).
The x axis is in epochs: batch b of epoch e sits at e − 1 + b / B.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QVBoxLayout, QWidget

from nnviz.app.dialog_folders import DialogFolders
from nnviz.app.views.colors import layer_colors
from nnviz.app.views.plot_export import PlotExport
from nnviz.app.views.plot_grid import PlotGrid
from nnviz.app.views.plot_legends import LegendRow
from nnviz.app.views.plot_ranges import StepRanges, nice_ceiling
from nnviz.app.views.plot_series import Series
from nnviz.core import run_position

SMOOTHING = 0.05                     # weight of the newest batch in the smoothed loss (EMA), at least
LOG_FLOOR = 1e-12                    # gradient norms are drawn on a log axis
DIVERGED_COLOR = "#d62728"
MAX_SYMBOLS = 200                    # epoch curves lose their markers beyond this many points
PLOTS = ("loss", "accuracy", "learning_rate", "grad_norm", "dead_units")
# What changes at most once an epoch (axes, titles, the epoch curves and their markers) is painted from a
# pixmap when the per-batch lines beside it are redrawn: a plot frame's CPU time −20% (bench in the commit).
CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache
# The epoch axis spans the planned epochs once the data cover this share of them; before, it spans the
# next power of ten above the data (ten F10 steps of mnist-mlp were a 2 px sliver on a 0-10 epoch axis).
PLAN_SHARE = 0.05


# A legend of one entry per layer would take a deep network's plot (ten sigmoid layers: three rows over a
# small plot): past LISTED_LAYERS layers it names the first two and the last two layers, the others unnamed.
LISTED_LAYERS = 4


def _listed(layer, n_layers):
    """Is layer (from 0) of n_layers named in its plot's legend?"""
    return n_layers <= LISTED_LAYERS or layer < LISTED_LAYERS - 2 or layer >= n_layers - 2


def _pen(color, width=1, alpha=255):
    c = pg.mkColor(color)
    c.setAlpha(alpha)
    return pg.mkPen(c, width=width)


def smoothing_weight(batches_per_epoch):
    """w, the weight of the newest batch in the smoothed loss: SMOOTHING, or 1 / batches_per_epoch when
    an epoch has fewer batches. The average remembers ~1/w batches, never more than an epoch, so on a
    dataset of 1-3 batches an epoch it follows the loss (there a batch is a third of the data or more)."""
    return max(SMOOTHING, 1.0 / batches_per_epoch)


def smoothed(losses, ema=None, weight=SMOOTHING):
    """(EMA after each loss, the last EMA): m ← m + w (C − m), starting at the first finite C;
    a NaN or infinite loss leaves m as it was."""
    out = np.empty(len(losses))
    for i, value in enumerate(losses):
        if np.isfinite(value):
            ema = value if ema is None else ema + weight * (value - ema)
        out[i] = np.nan if ema is None else ema
    return out, ema


class LivePlots(PlotExport, StepRanges, QWidget):
    """Five plots in a grid that reflows to the width; the names in PLOTS address them (`plot(name)`).
    A legend lists only the curves that have data, in a row above its plot's data.
    Signal `failed(message)`: a plot's "Save plot as PNG…" / "Save data as CSV…" could not write."""

    failed = Signal(str)

    def __init__(self, parent=None, folders=None):
        super().__init__(parent)
        self.folders = folders or DialogFolders()        # where "Save plot as PNG…" / "…CSV…" open
        self.grid = PlotGrid()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.grid, 1)
        self._plots = {}
        self._titles = {}
        self._markers = []           # (plot, InfiniteLine): divergences and live setting changes
        self._batches_per_epoch = 1
        self._curves = {}            # name -> {curve name: (PlotDataItem, Series)}
        self.cursors = {}            # name -> the replay's vertical line, once there is one
        self._dirty = False
        self._epoch_offset = 0
        self._ema = None
        self._x_limit = self._x_planned = 0.0
        self._y_tops = {}
        self._build()
        self.clear()                 # empty plots read right from the start (no empty legend boxes)

    # -- construction --------------------------------------------------------------------------

    def _add_plot(self, name, title, ylabel, wide=False, log_y=False):
        widget = pg.PlotWidget(title=title)
        self._titles[name] = title
        self.grid.add(widget, wide=wide)
        plot = widget.getPlotItem()
        plot.setLabel("bottom", "epoch")
        plot.setLabel("left", ylabel)
        plot.setLogMode(y=log_y)
        plot.enableAutoRange(x=False)
        plot.setClipToView(True)                 # the epoch curves' markers (the lines are decimated by Series)
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setCacheMode(CACHED)
        plot.titleLabel.setCacheMode(CACHED)
        LegendRow(plot)
        menu = plot.getViewBox().menu
        for parentless in (plot.ctrlMenu, menu):        # pyqtgraph makes them parentless; the actions below
            parentless.setParent(widget, parentless.windowFlags())  # hold self: they must die with the plot
        menu.addSeparator()
        menu.addAction("Save plot as PNG…", lambda: self._ask_export(name, "png"))
        menu.addAction("Save data as CSV…", lambda: self._ask_export(name, "csv"))
        self._plots[name] = plot
        self._curves[name] = {}
        return plot

    def _add_curve(self, plot_name, curve_name, pen, symbol=None, color=None, label=None, listed=True):
        """A curve, in the legend once it has data (unless not `listed`). A line without markers is a bare
        PlotCurveItem: the per-batch curves are redrawn at every frame, and PlotDataItem's clipping,
        downsampling and bounds on top of it cost more than the line (`Series` decimates already)."""
        if symbol:
            item = self._plots[plot_name].plot([], [], pen=pen, symbol=symbol, symbolSize=5, symbolBrush=color,
                                               symbolPen=None)
            item.curve.setCacheMode(CACHED)
            item.scatter.setCacheMode(CACHED)
        else:
            item = pg.PlotCurveItem([], [], pen=pen)
            self._plots[plot_name].addItem(item)
        item.marker, item.label, item.in_legend, item.listed = symbol, label or curve_name, False, listed
        self._curves[plot_name][curve_name] = (item, Series())
        return item

    def _build(self):
        self._add_plot("loss", "Loss", "loss", wide=True)
        # In the loss plot's title row, left of the centred title: a row of its own above the grid
        # made the five plots scroll in the docked Curves at 1280x720.
        self.log_loss = QCheckBox("log scale", self._plots["loss"].getViewWidget())
        self.log_loss.setToolTip("Show the loss on a logarithmic axis: late, small improvements become visible")
        self.log_loss.move(6, 4)
        self.log_loss.toggled.connect(self._set_log_loss)
        self._add_curve("loss", "batch", _pen("#c4c4c4"))   # opaque: blended lines paint slowly
        self._add_curve("loss", "batch (smoothed)", _pen("#1f77b4"))
        self._add_curve("loss", "train (epoch)", _pen("#ff7f0e"), "o", "#ff7f0e")
        self._add_curve("loss", "validation (epoch)", _pen("#2ca02c"), "s", "#2ca02c")
        self._add_plot("accuracy", "Accuracy", "accuracy")
        self._add_curve("accuracy", "train", _pen("#ff7f0e"), "o", "#ff7f0e")
        self._add_curve("accuracy", "validation", _pen("#2ca02c"), "s", "#2ca02c")
        self._add_plot("learning_rate", "Learning rate", "learning rate")
        self._add_curve("learning_rate", "learning rate", _pen("#9467bd"))
        for plot in self._plots.values():     # every range is set in steps by _update_ranges
            plot.enableAutoRange(y=False)
        self._add_plot("grad_norm", "Gradient norm", "‖∂C/∂W‖", log_y=True)     # short: 230 px cells, log ticks
        self._add_plot("dead_units", "Dead units", "fraction dead")
        self._plots["dead_units"].setYRange(0, 1, padding=0.05)

    def show_only(self, names=None):
        """Show only the plots of these names, each as wide as the grid allows (None: all of them)."""
        self.grid.show_only(None if names is None else [self._plots[name].getViewWidget() for name in names])

    def set_line_width(self, width):
        """Every curve's line `width` px wide (presenter mode; wide lines draw slowly, so 1 otherwise)."""
        for curves in self._curves.values():
            for item, _ in curves.values():
                pen = pg.mkPen(item.opts["pen"])
                pen.setWidth(width)
                item.setPen(pen)

    def set_cursor(self, x):
        """A vertical line at epoch x on every plot (the replayed moment); None hides it."""
        for name, plot in self._plots.items():
            line = self.cursors.get(name)
            if line is None:
                line = self.cursors[name] = pg.InfiniteLine(angle=90, pen=_pen("#d62728"))
                plot.addItem(line, ignoreBounds=True)
            line.setVisible(x is not None)
            if x is not None:
                line.setValue(x)

    def set_layers(self, n_layers):
        """A new network with n_layers weight layers: per-layer curves are rebuilt, all data cleared."""
        for name in ("grad_norm", "dead_units"):
            plot = self._plots[name]
            for item, _ in self._curves[name].values():
                plot.removeItem(item)
                if item.in_legend:
                    plot.legend.removeItem(item)
            self._curves[name] = {}
        for l, rgb in enumerate(layer_colors(n_layers)):
            color = tuple(int(v) for v in rgb)
            self._add_curve("grad_norm", f"layer {l + 1}", _pen(color), "o", color, label=f"W{l + 1}",
                            listed=_listed(l, n_layers))
            if l < n_layers - 1:
                self._add_curve("dead_units", f"hidden {l + 1}", _pen(color), "o", color,
                                listed=_listed(l, n_layers - 1))
        self.clear()

    def clear(self):
        for curves in self._curves.values():
            for item, series in curves.values():
                series.clear()
                if item.marker is not None:
                    item.setSymbol(item.marker)
        self._epoch_offset = 0
        for plot, line in self._markers:
            plot.removeItem(line)
        self._markers = []
        self.set_previous_run(False)
        self._ema = None
        self._x_limit = self._x_planned = 0.0
        self._y_tops = {}
        self._dirty = True
        self.refresh()

    def begin_run(self, epochs=None, offset=0):
        """A run starts (maybe continuing the network): its events are drawn `offset` epochs on (0 when
        they count on from the earlier runs'), and the x axis spans the run when its last epoch
        (`offset + epochs`) is known."""
        self._epoch_offset = offset
        self._x_planned = self._epoch_offset + epochs if epochs else 0.0
        self._x_limit = 0.0
        self._y_tops = {}                # the y axes follow this run's data (not an old divergence's spike)
        self._dirty = True

    # -- data ----------------------------------------------------------------------------------

    def add_batches(self, batches):
        """Append BatchEnd events (oldest first)."""
        if not batches:
            return
        self._batches_per_epoch = batches[-1].batches_per_epoch
        x = self._epoch_offset + np.array([b.position for b in batches])
        loss = np.array([b.loss for b in batches], float)
        smooth, self._ema = smoothed(loss, self._ema, smoothing_weight(batches[-1].batches_per_epoch))
        self._series("loss", "batch").extend(x, loss)
        self._series("loss", "batch (smoothed)").extend(x, smooth)
        self._series("learning_rate", "learning rate").extend(x, [b.learning_rate for b in batches])
        self._dirty = True

    def add_epochs(self, epochs):
        """Append EpochEnd events (oldest first)."""
        if not epochs:
            return
        x = np.array([self._epoch_offset + e.epoch for e in epochs], float)
        self._series("loss", "train (epoch)").extend(x, [e.train_loss for e in epochs])
        self._series("accuracy", "train").extend(x, [e.train_accuracy for e in epochs])
        val = [i for i, e in enumerate(epochs) if e.val_loss is not None]
        if val:
            self._series("loss", "validation (epoch)").extend(x[val], [epochs[i].val_loss for i in val])
            self._series("accuracy", "validation").extend(x[val], [epochs[i].val_accuracy for i in val])
        for plot, curve, values in (("grad_norm", "layer", [e.grad_norms for e in epochs]),
                                    ("dead_units", "hidden", [e.dead_fractions for e in epochs])):
            values = np.array(values, float).reshape(len(epochs), -1)
            for l in range(values.shape[1]):
                if f"{curve} {l + 1}" in self._curves[plot]:
                    column = np.maximum(values[:, l], LOG_FLOOR) if plot == "grad_norm" else values[:, l]
                    self._series(plot, f"{curve} {l + 1}").extend(x, column)
        self._dirty = True

    def show_saved_run(self, epochs, n_epochs):
        """The curves of a saved run (its EpochEnds, oldest first, of `n_epochs` in all), in place of
        any shown: a saved run has no batch losses, so its learning rate is drawn per epoch."""
        self.clear()
        self.begin_run(n_epochs)
        self.add_epochs(epochs)
        self._series("learning_rate", "learning rate").extend([e.epoch for e in epochs],
                                                              [e.learning_rate for e in epochs])
        self.refresh()

    def mark(self, name, x, text, color=DIVERGED_COLOR):
        """A labelled vertical line at epoch x on plot `name` (a divergence, a setting changed live)."""
        line = pg.InfiniteLine(x, angle=90, pen=pg.mkPen(color, style=Qt.PenStyle.DashLine), label=text,
                               labelOpts={"position": 0.85, "color": color, "anchors": [(1, 0), (1, 0)]})
        self._plots[name].addItem(line)
        self._markers.append((self._plots[name], line))

    def markers(self, name):
        """The labels of the marker lines on plot `name`, oldest first."""
        return [line.label.format for plot, line in self._markers if plot is self._plots[name]]

    def run_position(self, epoch, batch):
        """The x (in epochs) of batch `batch` of epoch `epoch` of the current run."""
        return self._epoch_offset + run_position(epoch, batch, self._batches_per_epoch)

    def mark_divergence(self, event):
        """Draw where the loss exploded (its value when finite: the spike) on the loss plot."""
        x = self.run_position(event.epoch, event.batch)
        if np.isfinite(event.loss):
            self._series("loss", "batch").extend([x], [event.loss])
            self._dirty = True
        self.mark("loss", x, f"diverged (loss {event.loss:.3g})")
        self.refresh()

    def set_previous_run(self, previous):
        """Label every plot as showing the previous run (the experiment has changed since)."""
        for name, plot in self._plots.items():
            plot.setTitle(f"{self._titles[name]} — previous run" if previous else self._titles[name],
                          color="#888888" if previous else None)

    def _series(self, plot, curve):
        return self._curves[plot][curve][1]

    def refresh(self):
        """Redraw the curves whose data changed since the last refresh (cheap when nothing did)."""
        if not self._dirty:
            return
        self._dirty = False
        for curves in self._curves.values():
            for item, series in curves.values():
                if series.n != getattr(item, "_drawn", -1):
                    if item.marker is not None and series.n > MAX_SYMBOLS and item.opts["symbol"] is not None:
                        item.setSymbol(None)          # thousands of markers draw slowly and say nothing
                    if item.marker is None:           # a bare line: no check for NaN unless it holds one
                        item.setSkipFiniteCheck(series.finite)
                    item.setData(*series.shown())
                    item._drawn = series.n
        self._update_ranges()
        for name in self._plots:
            self._list_entries(name)

    def _list_entries(self, name):
        """The legend of plot `name` lists exactly its curves that have data."""
        legend = self._plots[name].legend
        for item, series in self._curves[name].values():
            if item.listed and (series.n > 0) != item.in_legend:
                if item.in_legend:
                    legend.removeItem(item)
                else:
                    legend.addItem(item, item.label)
                item.in_legend = not item.in_legend

    def _update_ranges(self):
        """One x range for all plots, grown in steps: an axis whose range changes at every frame
        regenerates its ticks and repaints twice at every frame. Loss and learning rate (≥ 0)
        likewise get y ranges from 0 that grow in steps."""
        x_max = max((s.x[-1] for curves in self._curves.values() for _, s in curves.values() if s.n),
                    default=0.0)
        if x_max == 0:
            wanted = self._x_planned or 1.0
        elif PLAN_SHARE * self._x_planned <= x_max <= self._x_planned:
            wanted = self._x_planned
        elif x_max < self._x_planned:      # a few steps (F10) of a long run: the next power of ten, so
            wanted = 10.0 ** np.ceil(np.log10(x_max * 1.15))   # a run's start changes the axis 3-4 times
        else:                              # (every change costs the five plots' ticks: ~150 ms stalls)
            wanted = nice_ceiling(x_max * 1.15)
        if wanted != self._x_limit:
            self._x_limit = wanted
            for plot in self._plots.values():
                plot.setXRange(0, self._x_limit, padding=0.02)
        self._y_steps("learning_rate", [self._series("learning_rate", "learning rate").shown()[1]])
        self._accuracy_steps()
        self._log_steps("grad_norm", [s.shown()[1] for _, s in self._curves["grad_norm"].values() if s.n])
        loss = [self._run_part(self._series("loss", c)) for c in ("batch (smoothed)", "train (epoch)",
                                                                  "validation (epoch)")]
        if self.log_loss.isChecked():
            self._log_steps("loss", loss)
        else:
            self._y_steps("loss", loss)

    def _run_part(self, series):
        """The values of `series` drawn since the current run began (its peaks: the same range)."""
        x, y = series.shown()
        return y[np.searchsorted(x, self._epoch_offset):]

    def _set_log_loss(self, log):
        plot = self._plots["loss"]
        plot.setLogMode(y=log)
        plot.getAxis("left").setTicks(None)
        plot.setLabel("left", "loss (log)" if log else "loss")
        self._y_tops.pop("loss", None)
        self._dirty = True
        self.refresh()

    # -- queries and export --------------------------------------------------------------------

    def plot(self, name):
        return self._plots[name]

    def data(self, name):
        """{curve name: (x, y)} copies of a plot's data."""
        return {c: (s.x.copy(), s.y.copy()) for c, (_, s) in self._curves[name].items()}
