"""Image tiles in a grid: first-layer weights, feature maps and filters shown as one image per plot."""

import math

import numpy as np
import pyqtgraph as pg

TILE_PAD = 1       # NaN (transparent) pixels between tiles
BAR_LABEL_WIDTH = 40  # px for a colour bar's labels ("-0.35")


def grid_shape(n_tiles, cols=None):
    """(rows, cols) of a grid of n_tiles: `cols` columns (default ceil(sqrt(n))), as many rows as needed."""
    cols = cols or math.ceil(math.sqrt(n_tiles))
    return math.ceil(n_tiles / cols), cols


def tile_grid(W, image_shape, n_tiles, cols=None):
    """First n_tiles columns of W (d_in, units), each reshaped to image_shape (h, w), in a grid.

    Tiles go row by row in `cols` columns (default ceil(sqrt(n_tiles))), tile j with its top-left
    pixel at ((j // cols) * (h + TILE_PAD), (j % cols) * (w + TILE_PAD)); the gaps are NaN.
    Returns a float array of shape (rows * (h + pad) - pad, cols * (w + pad) - pad).
    """
    h, w = image_shape
    rows, cols = grid_shape(n_tiles, cols)
    grid = np.full((rows * (h + TILE_PAD) - TILE_PAD, cols * (w + TILE_PAD) - TILE_PAD), np.nan,
                   dtype=np.float32)
    tiles = W[:, :n_tiles].T.reshape(n_tiles, h, w)
    for j, tile in enumerate(tiles):
        top, left = (j // cols) * (h + TILE_PAD), (j % cols) * (w + TILE_PAD)
        grid[top:top + h, left:left + w] = tile
    return grid


def tile_separators(image_shape, n_tiles, cols=None):
    """Lines through the gaps between tile_grid's tiles: 1 pixel on screen, so tiles stay apart however
    small they are drawn."""
    h, w = image_shape
    rows, cols = grid_shape(n_tiles, cols)
    height, width = rows * (h + TILE_PAD) - TILE_PAD, cols * (w + TILE_PAD) - TILE_PAD
    x, y = [], []
    for c in range(1, cols):
        gap = c * (w + TILE_PAD) - TILE_PAD / 2
        x += [gap, gap]
        y += [0, height]
    for r in range(1, rows):
        gap = r * (h + TILE_PAD) - TILE_PAD / 2
        x += [0, width]
        y += [gap, gap]
    return pg.PlotCurveItem(np.array(x, float), np.array(y, float), connect="pairs", pen=pg.mkPen("k"))


def image_plot(layout, row, col, title, colormap, title_size="8pt"):
    """A plot at (row, col) of the pyqtgraph layout `layout` that shows one ImageItem as a picture (no
    axes, mouse or menu, y down, square pixels, the range the caller sets): (plot, image)."""
    plot = layout.addPlot(row=row, col=col)
    plot.setTitle(title, size=title_size)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.invertY(True)
    plot.setAspectLocked(True)
    plot.vb.disableAutoRange()
    image = pg.ImageItem(axisOrder="row-major")
    image.setColorMap(colormap)
    plot.addItem(image)
    return plot, image
