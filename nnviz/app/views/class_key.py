"""Class keys, so each class reads in the colour it has in every view: a plot legend naming the classes,
and strips of class colours along a confusion matrix."""

import numpy as np
import pyqtgraph as pg

from nnviz.app.views.colors import class_colors

STRIP = 0.3      # a strip's thickness, in cells
GAP = 0.08       # between the strip and the matrix, in cells
# Classes a legend names: one per colour of the palette (its colours repeat past ten); the others are
# counted on one line. One entry per class froze the window for 25 s with 1,000 classes.
LEGEND_CLASSES = 10
# Class names an axis writes; past that, every n-th (1,000 names on a confusion matrix's axes drew one
# grey smear).
MAX_CLASS_TICKS = 12


def class_ticks(names):
    """[(class index, name)] an axis of classes writes: every class up to MAX_CLASS_TICKS, else every
    n-th from the first, n = ⌈k / MAX_CLASS_TICKS⌉."""
    step = -(-len(names) // MAX_CLASS_TICKS)
    return [(k, names[k]) for k in range(0, len(names), max(step, 1))]


def fill_class_legend(legend, names, brushes, pen=None):
    """Empty `legend` and list the first LEGEND_CLASSES `names`, each by a dot of its brush, then
    "+N more classes" when there are more."""
    legend.clear()
    for name, brush in zip(names[:LEGEND_CLASSES], brushes):
        legend.addItem(pg.ScatterPlotItem(brush=brush, pen=pen, size=8), name)
    if len(names) > LEGEND_CLASSES:
        legend.addItem(pg.PlotDataItem(pen=None), f"+{len(names) - LEGEND_CLASSES:,} more classes")


class ClassKey:
    """One strip left of a k x k matrix's rows (true class) and one over its columns (predicted class),
    in a plot with inverted y whose cell (i, j) is centred on (x=j, y=i)."""

    def __init__(self, plot):
        self.rows = pg.ImageItem(axisOrder="row-major")
        self.columns = pg.ImageItem(axisOrder="row-major")
        for item in (self.rows, self.columns):
            plot.addItem(item)

    def set_classes(self, k):
        """Colour the strips for k classes."""
        rgb = class_colors(k)
        outside = -0.5 - GAP - STRIP
        self.rows.setImage(rgb[:, None, :], levels=(0, 255))
        self.rows.setRect(outside, -0.5, STRIP, k)
        self.columns.setImage(rgb[None, :, :], levels=(0, 255))
        self.columns.setRect(-0.5, outside, k, STRIP)

    def row_color(self, c):
        """(r, g, b) the strip shows for true class c."""
        return tuple(int(v) for v in np.asarray(self.rows.image)[c, 0])

    @staticmethod
    def low_end():
        """Where the strips begin (the plot's range should start there)."""
        return -0.5 - GAP - STRIP
