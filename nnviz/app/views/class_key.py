"""Strips of class colours along a confusion matrix, so each class reads in the colour it has in every view."""

import numpy as np
import pyqtgraph as pg

from nnviz.app.views.colors import class_colors

STRIP = 0.3      # a strip's thickness, in cells
GAP = 0.08       # between the strip and the matrix, in cells


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
