"""The Runs dock's curves: loss and accuracy per epoch of the checked runs, seed groups as mean ± std bands.

Every entry's items are created once; checking an entry only toggles their visibility, and the axes
then rescale to the visible curves.
"""

import warnings

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import Qt

PLOTS = (("loss", "loss", 1.0), ("accuracy", "accuracy (%)", 100.0))
LEGEND_COLUMNS = 3
LEGEND_ROW_HEIGHT = 20          # pixels per row of legend entries


class _Sample(ItemSample):
    """A legend sample that does not hide its curve when clicked (the table's checkboxes do that)."""

    def mouseClickEvent(self, event):
        event.accept()


def mean_std_curves(records, name, scale=1.0):
    """(epochs, mean, std) of one curve over a group's runs, on the epochs all of them reached.

    std is the sample standard deviation (n − 1); NaN where fewer than two runs have a value.
    """
    n = min(r.n_epochs for r in records)
    values = np.array([r.curve(name)[:n] for r in records]) * scale
    with warnings.catch_warnings():      # an all-NaN column (no validation) has a NaN mean, quietly
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=0)
        std = np.nanstd(values, axis=0, ddof=1) if len(records) > 1 else np.full(n, np.nan)
    return np.arange(1, n + 1, dtype=float), mean, std


class RunsPlots(pg.GraphicsLayoutWidget):
    """Two plots (loss, accuracy) over one legend below them (the colours are the same in both, and a
    legend inside a small plot would cover the curves); `add(key, records, color)` draws an entry,
    `show({key: name})` the checked ones."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plots, self.items = {}, {}
        self._waiting = {}           # key -> (records, colour) of the entries not drawn yet
        for col, (name, y_label, _) in enumerate(PLOTS):
            plot = self.addPlot(row=0, col=col, title=name)
            plot.setLabel("bottom", "epoch")
            plot.setLabel("left", y_label)
            plot.showGrid(x=True, y=True, alpha=0.2)
            self.plots[name] = plot
        self.legend = pg.LegendItem(sampleType=_Sample, colCount=LEGEND_COLUMNS)
        self.addItem(self.legend, row=1, col=0, colspan=len(PLOTS))

        # Legend keys for the line styles (items never added to a plot, only shown in the legend).
        self._style_keys = [(pg.PlotDataItem([], [], pen=pg.mkPen((200, 200, 200), style=style)), text)
                            for style, text in ((Qt.PenStyle.SolidLine, "train"),
                                                (Qt.PenStyle.DashLine, "validation"))]

    def add(self, key, records, color):
        """Take an entry; its curves are created when it is first shown (a store of a thousand runs
        would otherwise spend half a minute creating curves nobody looks at)."""
        self._waiting[key] = (records, color)

    def _create(self, key):
        """Create the entry's curves (hidden): one run's train/validation curves, or a group's means
        with a band of ± one standard deviation around the validation (else train) mean."""
        records, color = self._waiting.pop(key)
        items = {}
        for name, _, scale in PLOTS:
            curves = []
            for part, style in (("train", Qt.PenStyle.SolidLine), ("val", Qt.PenStyle.DashLine)):
                x, mean, std = mean_std_curves(records, f"{part}_{name}", scale)
                curves.append(pg.PlotDataItem(x, mean, pen=pg.mkPen(color, style=style), connect="finite",
                                              symbol="o" if len(x) == 1 else None, symbolSize=5,
                                              symbolBrush=color, symbolPen=None))
                curves[-1].std = std
            band = None
            if len(records) > 1:
                banded = curves[1] if np.isfinite(curves[1].yData).any() else curves[0]
                x, mean, std = banded.xData, banded.yData, np.nan_to_num(banded.std)
                lower = pg.PlotCurveItem(x, mean - std, connect="finite")
                upper = pg.PlotCurveItem(x, mean + std, connect="finite")
                band = pg.FillBetweenItem(lower, upper, brush=pg.mkBrush(*color, 80))
                band.edges = (lower, upper)
            for item in (band, *curves):
                if item is not None:
                    item.setVisible(False)
                    self.plots[name].addItem(item)
            items[name] = (*curves, band)
        self.items[key] = items

    def remove(self, key):
        if self._waiting.pop(key, None) is not None:
            return
        for name, entry in self.items.pop(key).items():
            for item in entry:
                if item is not None:
                    self.plots[name].removeItem(item)

    def show(self, checked):
        """Show the curves of the keys in `checked` ({key: legend name}) and rescale the axes to them."""
        self.legend.clear()
        for key in checked:
            if key in self._waiting:
                self._create(key)
        has_val = any(np.isfinite(self.items[key]["loss"][1].yData).any() for key in checked)
        for item, text in self._style_keys[:2 if has_val else 1] if checked else ():
            self.legend.addItem(item, f"<i>{text}</i>")
        for key, entry in self.items.items():
            for pair_and_band in entry.values():
                for item in pair_and_band:
                    if item is not None:
                        item.setVisible(key in checked)
            if key in checked:
                self.legend.addItem(entry["loss"][0], checked[key])
        rows = -(-len(self.legend.items) // LEGEND_COLUMNS)
        self.ci.layout.setRowMaximumHeight(1, LEGEND_ROW_HEIGHT * rows + 4)   # the plots take the rest
        for plot in self.plots.values():
            plot.enableAutoRange()
            plot.getViewBox().updateAutoRange()

    def curves(self, key, name):
        """(train, validation, band or None) items of an entry's plot `name`."""
        if key in self._waiting:
            self._create(key)
        return self.items[key][name]
