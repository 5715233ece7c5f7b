"""A live plot's legend as rows of entries between its title and its data area: it never covers a curve.

A legend inside the data area had to hunt for an empty corner, frame after frame, and still sat on
vanishing-sigmoid's plateau once the curves filled the plot (and "W3" was cut off at the plot's edge).
Here the entries sit side by side above the view box, as many to a row as its width holds, and the plot
gives that band its height (the row of the hidden top axis in PlotItem's layout), so the data area is
whatever is left.
"""

import pyqtgraph as pg

BAND_ROW = 1                         # PlotItem's layout: title 0, (hidden) top axis 1, view box 2
SAMPLE_SIZE = (20, 14)               # px of an entry's line-and-marker sample (pyqtgraph draws it in 20x20)
SPACING = 4                          # px between a sample and its label, and between entries


class LegendRow(pg.LegendItem):
    """`plot`'s legend (also `plot.legend`), fitted to the view box's width whenever it or the entries change."""

    def __init__(self, plot, text_size="8pt"):
        super().__init__(offset=None, frame=False, labelTextSize=text_size, horSpacing=SPACING, verSpacing=0)
        self.layout.setContentsMargins(0, 0, 0, 0)
        self.setFlag(self.GraphicsItemFlag.ItemIgnoresTransformations, False)   # exported larger with its band
        self._plot = plot
        self.setParentItem(plot)
        plot.legend = self
        plot.vb.geometryChanged.connect(self.fit)

    def addItem(self, item, name):
        super().addItem(item, name)
        sample = self.items[-1][0]
        sample.setMinimumSize(*SAMPLE_SIZE)
        sample.setMaximumSize(*SAMPLE_SIZE)
        self.fit()

    def updateSize(self):
        """pyqtgraph calls this when entries come or go: fit the row to them."""
        self.fit()

    def columns_that_fit(self, width):
        """Entries side by side: the fewest rows whose columns add up to at most `width` px, filled evenly
        (four entries in two rows are two and two, not three and one)."""
        labels = [label.minimumWidth() for _, label in self.items]
        for columns in range(len(labels), 1, -1):
            widest = [max(labels[c::columns]) for c in range(columns)]
            if sum(widest) + columns * (SAMPLE_SIZE[0] + 2 * SPACING) - SPACING <= width:
                return -(-len(labels) // -(-len(labels) // columns))
        return 1

    def fit(self):
        """Entries in as many columns as the view box's width holds, centred over it; the band above the
        view box as tall as the rows."""
        box = self._plot.vb.geometry()
        columns = self.columns_that_fit(box.width()) if self.items else 1
        if columns != self.columnCount or self.layout.count() != 2 * len(self.items):
            self.columnCount = columns
            for i in range(self.layout.count() - 1, -1, -1):
                self.layout.removeAt(i)
            for sample, label in self.items:
                self._addItemToLayout(sample, label)
        size = self.layout.effectiveSizeHint(pg.QtCore.Qt.SizeHint.PreferredSize) if self.items else \
            pg.QtCore.QSizeF(0, 0)
        self.resize(size)
        band = size.height()
        if self._plot.layout.rowMinimumHeight(BAND_ROW) != band:
            self._plot.layout.setRowFixedHeight(BAND_ROW, band)    # the view box moves: fit() runs again
        self.setPos(box.left() + max(0.0, (box.width() - size.width()) / 2), box.top() - band)
