"""A frame around the selected unit in any plot or view box: the network view's selection, shown everywhere."""

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsRectItem

FRAME_PEN = pg.mkPen((220, 30, 30), width=2, cosmetic=True)


class UnitMarker:
    """A frame shown in one container at a time: `show(container, x, y, w, h)`, `hide()`, and `forget()`
    when the container was rebuilt (its items went with it)."""

    def __init__(self):
        self.item = self.container = None

    def show(self, container, x, y, width, height):
        """Frame the rectangle (x, y, width, height) of `container`'s data coordinates."""
        if container is not self.container:
            self.hide()
            self.item = QGraphicsRectItem()
            self.item.setPen(FRAME_PEN)
            self.item.setZValue(100)
            container.addItem(self.item, ignoreBounds=True)
            self.container = container
        self.item.setRect(x, y, width, height)

    def hide(self):
        if self.container is not None:
            self.container.removeItem(self.item)
        self.forget()

    def forget(self):
        self.item = self.container = None

    @property
    def rect(self):
        """(x, y, width, height) framed, or None when nothing is."""
        if self.item is None:
            return None
        r = self.item.rect()
        return r.x(), r.y(), r.width(), r.height()


class SelectsUnit:
    """For a view that frames the network view's selected unit: `select_unit(layer, unit)` keeps it in
    `selected` and calls the view's own `frame_unit(layer, unit)` (layer 0 when nothing is selected);
    the view calls `reframe()` after rebuilding its items."""

    selected = None     # (hidden layer from 1, unit)

    def select_unit(self, layer, unit):
        """Frame hidden `layer`'s (from 1) `unit` in this view."""
        self.selected = (layer, unit)
        self.reframe()

    def reframe(self):
        self.frame_unit(*(self.selected or (0, 0)))

    def frame_unit(self, layer, unit):
        raise NotImplementedError
