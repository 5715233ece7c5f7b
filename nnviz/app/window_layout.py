"""The main window's default layout: a size that fits the screen, dock widths that leave the plots room,
and View → Reset layout back to them."""

import weakref
from functools import partial

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication

PREFERRED_SIZE = QSize(1600, 1000)   # on screens with room to spare
SCREEN_SHARE = 0.92                  # of the available screen the first window takes, at most
# Default dock widths as shares of the window's width, within (least, most) pixels: at 1366 px the
# plots keep ~590 px, two columns of readable plots.
EXPERIMENT_WIDTH = (0.22, 300, 360)
RIGHT_WIDTH = (0.34, 380, 600)
PREDICT_SHARE = 0.5                 # of the right column's height, for Draw to predict
NETWORK_PREDICT_SHARE = 0.36        # ... while the Network tab is in front on 2-D data (16 maps a column)
USER_MOVED = 8                      # px: a split further than this from the one set was dragged by the user


def default_size(available):
    """The first window's size on a screen whose available geometry is the QRect `available`."""
    return QSize(min(PREFERRED_SIZE.width(), int(available.width() * SCREEN_SHARE)),
                 min(PREFERRED_SIZE.height(), int(available.height() * SCREEN_SHARE)))


def _share(width, rule):
    share, least, most = rule
    return int(min(max(width * share, least), most))


def _remember_split(layout_ref):
    """The Draw to predict height the layout gave (a weak reference: a closed window is freed)."""
    layout = layout_ref()
    if layout is not None:
        layout._predict_height = layout.window.docks["predict"].height()


class WindowLayout:
    """Remembers the window's default dock arrangement (call before restoring a saved one) and puts
    the window back to it."""

    def __init__(self, window, version):
        self.window, self.version = window, version
        self.default_state = window.saveState(version)
        self._predict_height = None      # the Draw to predict height last set, while the user leaves it

    def fit_to_screen(self):
        """Size the window to fit, and centre it on, the screen it is on."""
        w = self.window
        screen = w.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        w.resize(default_size(available))
        frame = w.frameGeometry()
        frame.moveCenter(available.center())
        w.move(frame.topLeft())

    def size_docks(self):
        """The default dock widths for the window's current width."""
        w = self.window
        width = w.width()
        w.resizeDocks([w.docks["experiment"], w.docks["activations"]],
                      [_share(width, EXPERIMENT_WIDTH), _share(width, RIGHT_WIDTH)], Qt.Orientation.Horizontal)
        self._split_right_column(PREDICT_SHARE)   # the prediction (bars, hidden rows) needs more height

    def network_in_front(self, in_front):
        """The Network tab came to the front (or left it) while it draws node maps of a 2-D plane: a
        column of 16 maps needs more height than the boundary below, so the split favours it; back to
        the default when it leaves. A split the user dragged is theirs: it stays."""
        w = self.window
        if self._predict_height is not None and abs(w.docks["predict"].height() - self._predict_height) > USER_MOVED:
            return
        if in_front:
            self._split_right_column(NETWORK_PREDICT_SHARE, top="network")
        else:
            self._split_right_column(PREDICT_SHARE)

    def _split_right_column(self, predict_share, top="activations"):
        w = self.window
        height = w.height()
        w.resizeDocks([w.docks[top], w.docks["predict"]],
                      [int(height * (1 - predict_share)), int(height * predict_share)], Qt.Orientation.Vertical)
        QTimer.singleShot(0, w, partial(_remember_split, weakref.ref(self)))   # once the layout moved it

    def reset(self):
        """View → Reset layout: every dock back where it starts, at its default width."""
        self.window.restoreState(self.default_state, self.version)
        self.size_docks()
