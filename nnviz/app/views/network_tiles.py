"""All the network view's node tiles as one graphics item: a few atlas images, one drawImage per tile.

Thirty-four pooled ImageItems cost 34 `setImage` conversions and 34 items to paint at every frame;
here the tiles of one shape are stacked into one RGBA array shown as one QImage (no copy, no
conversion), and `paint` draws each tile from its atlas row into its rectangle.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPen

FRAME = QPen(QColor(190, 190, 190), 0)     # width 0: one pixel (cosmetic), however the view is zoomed


class TileAtlas(pg.GraphicsObject):
    """set_tiles(groups): groups is a list of (rgba (k, h, w, 4) uint8, rects (k, 4) x, y, width,
    height in view coordinates); tile i of a group is drawn into rects[i], its row 0 at y (the view's
    y points up, as pyqtgraph's ImageItem draws). `count` is the number of tiles drawn."""

    def __init__(self):
        super().__init__()
        self._groups = []            # (rgba kept alive, QImage over it, [(target, source)])
        self._bounds = QRectF()
        self.count = 0

    def set_tiles(self, groups):
        self.prepareGeometryChange()
        self._groups, self.count = [], 0
        bounds = None
        for rgba, rects in groups:
            if not len(rgba):
                continue
            k, h, w, _ = rgba.shape
            data = np.ascontiguousarray(rgba, dtype=np.uint8).reshape(k * h, w, 4)
            image = QImage(data.data, w, k * h, 4 * w, QImage.Format.Format_RGBA8888)
            pairs = [(QRectF(*map(float, r)), QRectF(0.0, float(i * h), float(w), float(h)))
                     for i, r in enumerate(rects)]
            self._groups.append((data, image, pairs))
            self.count += k
            rects = np.asarray(rects, float)
            low, high = rects[:, :2].min(axis=0), (rects[:, :2] + rects[:, 2:]).max(axis=0)
            box = QRectF(low[0], low[1], high[0] - low[0], high[1] - low[1])
            bounds = box if bounds is None else bounds.united(box)
        self._bounds = bounds if bounds is not None else QRectF()
        self.update()

    def boundingRect(self):
        return self._bounds

    def paint(self, painter, *args):
        painter.setPen(FRAME)
        for _, image, pairs in self._groups:
            for target, source in pairs:
                painter.drawImage(target, image, source)
                painter.drawRect(target)          # a map that is mostly 0 is white: the frame shows its edge
