"""The race's live curves: every contestant's loss and accuracy overlaid, one colour each, the legend below.

The loss is each contestant's batch loss smoothed by an exponential moving average (the newest
batch weighs SMOOTHING), drawn against epochs: batch b of epoch e sits at e − 1 + b / B, so the
curves move at every report, not only at an epoch's end. The accuracy is per epoch: validation
accuracy when the experiment holds out a validation set, else training accuracy. A race's items are
created when it starts and then only appended to (`add`) and redrawn with `setData` (`refresh`).
The axes grow in round steps (up to the race's planned epochs), so their ticks are not rebuilt at
every frame.
"""

import numpy as np
import pyqtgraph as pg

from nnviz.app.views.colors import run_color
from nnviz.app.views.live_plots import MAX_SYMBOLS, Series, smoothed, smoothing_weight
from nnviz.app.views.plot_ranges import nice_ceiling

LEGEND_COLUMNS = 4
LEGEND_ROW_HEIGHT = 20          # pixels per row of legend entries


class _Curves:
    """One contestant's data and items: smoothed loss per batch, accuracy per epoch."""

    def __init__(self, color):
        self.loss, self.accuracy = Series(), Series()
        self.ema = None
        pen = pg.mkPen(color)
        self.loss_item = pg.PlotDataItem([], [], pen=pen)
        self.accuracy_item = pg.PlotDataItem([], [], pen=pen, symbol="o", symbolSize=4, symbolBrush=color,
                                             symbolPen=None)
        self.dirty = False


class RacePlots(pg.GraphicsLayoutWidget):
    """`begin(names)` a race, `add(i, batches, epochs)` contestant i's events, `refresh()` draws."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plots = {}
        for col, (name, y_label) in enumerate((("loss", "training loss (smoothed)"), ("accuracy", "accuracy (%)"))):
            plot = self.addPlot(row=0, col=col, title=name)
            plot.setLabel("bottom", "epoch")
            plot.setLabel("left", y_label)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setClipToView(True)
            plot.setDownsampling(auto=True, mode="peak")
            self.plots[name] = plot
        self.plots["accuracy"].setXLink(self.plots["loss"])        # one epoch axis for both
        self.legend = pg.LegendItem(colCount=LEGEND_COLUMNS)
        self.addItem(self.legend, row=1, col=0, colspan=2)
        self.curves = []
        self.validation = None       # accuracy on the validation set (True) or on the training batches
        self.planned = None          # epochs the race will last, when known
        self._ranges = {}

    def begin(self, names, epochs=None, colors=None):
        """A new race of contestants `names` (lasting `epochs`, if known): fresh curves in `colors`
        (default: the first run colours), named in the legend."""
        for curves in self.curves:
            self.plots["loss"].removeItem(curves.loss_item)
            self.plots["accuracy"].removeItem(curves.accuracy_item)
        self.legend.clear()
        self.curves = [_Curves(color) for color in colors or [run_color(i) for i in range(len(names))]]
        for curves, name in zip(self.curves, names):
            self.plots["loss"].addItem(curves.loss_item)
            self.plots["accuracy"].addItem(curves.accuracy_item)
            self.legend.addItem(curves.loss_item, name)
        rows = -(-len(names) // LEGEND_COLUMNS)
        self.ci.layout.setRowMaximumHeight(1, LEGEND_ROW_HEIGHT * rows + 4)      # the plots take the rest
        self.validation, self.planned, self._ranges = None, epochs, {}
        self._title_accuracy()

    def add(self, i, batches, epochs):
        """Append contestant i's BatchEnd and EpochEnd events (oldest first)."""
        curves = self.curves[i]
        if batches:
            x = [b.position for b in batches]
            y, curves.ema = smoothed([b.loss for b in batches], curves.ema,
                                     smoothing_weight(batches[-1].batches_per_epoch))
            curves.loss.extend(x, y)
            curves.dirty = True
        if epochs:
            if self.validation is None:
                self.validation = epochs[0].val_accuracy is not None
                self._title_accuracy()
            curves.accuracy.extend([e.epoch for e in epochs],
                                   [100 * (e.val_accuracy if self.validation else e.train_accuracy) for e in epochs])
            curves.dirty = True

    def refresh(self):
        """Draw the curves that have new data."""
        for curves in self.curves:
            if curves.dirty:
                curves.loss_item.setData(curves.loss.x, curves.loss.y)
                curves.accuracy_item.setData(curves.accuracy.x, curves.accuracy.y)
                if curves.accuracy.n > MAX_SYMBOLS and curves.accuracy_item.opts["symbol"] is not None:
                    curves.accuracy_item.setSymbol(None)          # markers on every epoch would cost more than the line
                curves.dirty = False
        self._step_ranges()

    def _step_ranges(self):
        """x from 0 to a round number of epochs past the data (at most the planned ones), loss from 0 and
        accuracy up to 100 %, each changed only when the data outgrow it."""
        x = [c.loss.x[-1] for c in self.curves if c.loss.n]
        losses = [c.loss.y[np.isfinite(c.loss.y)] for c in self.curves]
        accuracies = [c.accuracy.y for c in self.curves if c.accuracy.n]
        x_top = nice_ceiling(max(x)) if x and max(x) > 0 else 1.0
        loss_top = max((float(y.max()) for y in losses if len(y)), default=0.0)
        low = min((float(y.min()) for y in accuracies), default=100.0)
        self._set("x", (0.0, min(x_top, self.planned or x_top)), self.plots["loss"].setXRange)
        self._set("loss", (0.0, nice_ceiling(1.05 * loss_top) if loss_top > 0 else 1.0), self.plots["loss"].setYRange)
        self._set("accuracy", (min(10 * np.floor(low / 10), 90.0), 100.0), self.plots["accuracy"].setYRange)

    def _set(self, name, span, set_range):
        if span != self._ranges.get(name):
            self._ranges[name] = span
            set_range(*span, padding=0.02)

    def _title_accuracy(self):
        which = {None: "", True: " (validation)", False: " (training)"}[self.validation]
        self.plots["accuracy"].setTitle(f"accuracy{which}")
