"""Presenter mode (View → Presenter, F11): for a projector, the current stage alone, in large type and
thick lines, readable from the back of a room; toggled off, the window is as it was."""

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QWidget

from nnviz.app.window_layout import POINTS

SCALE = 1.6                           # type and lines, over the window's own
LINE_WIDTH = 3                        # px: the curves' lines (a projector washes out 1 px lines)
STAGE = {POINTS: ("network", "predict"), "images": ("curves", "predict")}
STAGE_SHARE = 0.5                     # of the width, for the first of the stage's two views
STAGE_PLOTS = ("loss", "accuracy")    # the curves a room reads (the others need a close look)


def _scaled(font, factor):
    font = QFont(font)
    font.setPointSizeF(font.pointSizeF() * factor)
    return font


class Presenter:
    """The View menu's checkable Presenter action (F11) and what it does to `window`."""

    def __init__(self, window):
        self.window = window
        self.on = False
        self.action = QAction("&Presenter", window, checkable=True)
        self.action.setShortcut(QKeySequence("F11"))
        self.action.setToolTip("The current stage alone in large type, for a projector (F11 again: back)")
        self.action.toggled.connect(self._set)
        window.addAction(self.action)
        self._state = self._font = None
        self._labels = {}             # LabelItem -> its own size option (None: the default), while on
        self._own_fonts = {}          # widget with a font of its own ("99.1 % sure") -> that font, while on
        self._legend_sizes = {}       # LegendItem -> its own entries' size, while on

    def leave(self):
        """Back to the normal window (before the layout changes under presenter mode)."""
        self.action.setChecked(False)

    def _set(self, on):
        if on == self.on:
            return
        w = self.window
        if on:
            self._state, self._font = w.saveState(), w.font()
            stage = STAGE[w.layout_defaults.kind]
            for name, dock in w.docks.items():
                if name in stage:
                    dock.setFloating(False)
                dock.setVisible(name in stage)
            w.docks[stage[0]].raise_()
            w.docks[stage[1]].raise_()
            w.setFont(_scaled(self._font, SCALE))
            self._scale_own_fonts(True)
            self._scale_plots(True)
            w.plots.set_line_width(LINE_WIDTH)
            w.plots.show_only(STAGE_PLOTS)
            self.on = True
            width = w.width()
            w.resizeDocks([w.docks[name] for name in stage],
                          [int(width * STAGE_SHARE), int(width * (1 - STAGE_SHARE))], Qt.Orientation.Horizontal)
        else:
            self.on = False
            w.setFont(self._font)
            self._scale_own_fonts(False)
            self._scale_plots(False)
            w.plots.set_line_width(1)
            w.plots.show_only(None)
            w.restoreState(self._state)
            self._labels, self._legend_sizes = {}, {}
        w.redraw()

    def _scale_own_fonts(self, on):
        """Widgets whose font was set for them keep it when the window's changes: scale those too (or back)."""
        if on:
            for widget in self.window.findChildren(QWidget):
                if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
                    self._own_fonts[widget] = widget.font()
                    widget.setFont(_scaled(widget.font(), SCALE))
            return
        for widget, font in self._own_fonts.items():
            if shiboken6.isValid(widget):
                widget.setFont(font)
        self._own_fonts = {}

    def _scale_plots(self, on):
        """Axis numbers, axis names, titles and legends of every plot in the window, larger (or back)."""
        big = _scaled(self._font, SCALE)
        for view in self.window.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, pg.AxisItem):
                    item.setStyle(tickFont=big if on else None)
                    item.label.setFont(big if on else self._font)
                    item.resizeEvent()           # room for the larger numbers
                elif isinstance(item, pg.LabelItem):
                    self._scale_label(item, on)
                elif isinstance(item, pg.LegendItem):        # entries added later take this size too
                    item.opts["labelTextSize"] = self._legend_size(item, on)
        self.window.network_view.labels.set_font(big if on else None)   # the layer captions

    def _legend_size(self, legend, on):
        if on:
            self._legend_sizes[legend] = legend.opts["labelTextSize"]
            return f"{float(legend.opts['labelTextSize'][:-2]) * SCALE:.0f}pt"
        return self._legend_sizes.pop(legend, legend.opts["labelTextSize"])

    def _scale_label(self, label, on):
        if on:
            size = label.opts.get("size")
            self._labels[label] = size
            points = float(size[:-2]) if size and size.endswith("pt") else self._font.pointSizeF()
            label.setText(label.text, size=f"{points * SCALE:.0f}pt")
        elif label in self._labels and shiboken6.isValid(label):
            size = self._labels.pop(label)
            if size is None:
                label.opts.pop("size", None)
                label.setText(label.text)
            else:
                label.setText(label.text, size=size)

