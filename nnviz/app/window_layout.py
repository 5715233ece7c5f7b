"""The main window's default layout: a size that fits the screen, dock widths that leave the plots room,
and View → Reset layout back to them."""

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication

PREFERRED_SIZE = QSize(1600, 1000)   # on screens with room to spare
SCREEN_SHARE = 0.92                  # of the available screen the first window takes, at most
# Default dock widths as shares of the window's width, within (least, most) pixels: at 1366 px the
# plots keep ~590 px, two columns of readable plots.
EXPERIMENT_WIDTH = (0.22, 300, 360)
RIGHT_WIDTH = (0.34, 380, 600)
PREDICT_SHARE = 0.5                 # of the right column's height, for Draw to predict


def default_size(available):
    """The first window's size on a screen whose available geometry is the QRect `available`."""
    return QSize(min(PREFERRED_SIZE.width(), int(available.width() * SCREEN_SHARE)),
                 min(PREFERRED_SIZE.height(), int(available.height() * SCREEN_SHARE)))


def _share(width, rule):
    share, least, most = rule
    return int(min(max(width * share, least), most))


class WindowLayout:
    """Remembers the window's default dock arrangement (call before restoring a saved one) and puts
    the window back to it."""

    def __init__(self, window, version):
        self.window, self.version = window, version
        self.default_state = window.saveState(version)

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
        height = w.height()          # the prediction (bars, hidden rows) needs more height than the heatmaps
        w.resizeDocks([w.docks["activations"], w.docks["predict"]],
                      [int(height * (1 - PREDICT_SHARE)), int(height * PREDICT_SHARE)], Qt.Orientation.Vertical)

    def reset(self):
        """View → Reset layout: every dock back where it starts, at its default width."""
        self.window.restoreState(self.default_state, self.version)
        self.size_docks()
