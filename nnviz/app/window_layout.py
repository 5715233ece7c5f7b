"""The main window's layouts: one stage per kind of data, a size that fits the screen, and each kind's
arrangement remembered.

On 2-D points the network and the decision boundary are the stage (as in TensorFlow Playground: the
network across the middle, the output large beside it, the curves small above it); on images the
curves, the drawing and the activations are. Choosing data of the other kind switches the layout; the
user's own arrangement of each kind is remembered (QSettings) and View → Reset layout restores its default.
"""

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QTabBar

PREFERRED_SIZE = QSize(1600, 1000)   # on screens with room to spare
SCREEN_SHARE = 0.92                  # of the available screen the first window takes, at most
POINTS, IMAGES = "points", "images"
# Column widths as shares of the window's width, within (least, most) pixels.
EXPERIMENT_WIDTH = (0.2, 270, 340)
# Points: the network gets what the experiment and the output leave (at 1280 px ~600 px: a layer of
# sixteen unit maps in two columns of eight ~40 px maps); the output column is about as wide as the boundary is tall.
OUTPUT_WIDTH = (0.3, 360, 640)
CURVES_SHARE = 0.38                  # of the output column's height: the curves small above the boundary
# Images: the curves in the middle (the network a tab beside them, its 784 inputs' columns need the
# height), the activations over the drawing on the right.
RIGHT_WIDTH = (0.32, 380, 620)
PREDICT_SHARE = 0.5                  # of the right column's height, for Draw to predict
LEFT, RIGHT, BOTTOM = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                       Qt.DockWidgetArea.BottomDockWidgetArea)
# (column, tabs in it (the first in front), hidden docks) of each kind; a column is split from the one before.
ARRANGEMENTS = {
    POINTS: ((("experiment",), ("network", "activations", "projection", "runs"),
              ("curves", "health"), ("predict",)), ("saliency",)),
    IMAGES: ((("experiment",), ("curves", "network", "health", "runs"),
              ("activations", "saliency", "projection"), ("predict",)), ()),
}


def data_kind(image):
    """The layout for data of images (True) or 2-D points (False)."""
    return IMAGES if image else POINTS


def default_size(available):
    """The first window's size on a screen whose available geometry is the QRect `available`."""
    return QSize(min(PREFERRED_SIZE.width(), int(available.width() * SCREEN_SHARE)),
                 min(PREFERRED_SIZE.height(), int(available.height() * SCREEN_SHARE)))


def _share(width, rule):
    share, least, most = rule
    return int(min(max(width * share, least), most))


class WindowLayout:
    """Arranges the window's docks for a kind of data, remembers each kind's arrangement in `settings`
    and puts the window back to the default (View → Reset layout)."""

    def __init__(self, window, version, settings):
        self.window, self.version, self.settings = window, version, settings
        self.kind = None
        self.default = False            # the kind's default arrangement (not the user's, from the settings)

    def fit_to_screen(self):
        """Size the window to fit, and centre it on, the screen it is on."""
        w = self.window
        screen = w.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        w.resize(default_size(available))
        frame = w.frameGeometry()
        frame.moveCenter(available.center())
        w.move(frame.topLeft())

    def use_kind(self, kind):
        """Show the layout of `kind`: the user's own if remembered, else the default. The layout being
        left is remembered first."""
        if kind == self.kind:
            return
        self.window.presenter.leave()
        self.remember()
        self.kind = kind
        state = self.settings.value(self._key())
        self.default = state is None or not self.window.restoreState(state, self.version)
        if self.default:
            self.arrange()
        self._whole_tabs()

    def remember(self):
        """Keep the current kind's arrangement (for this kind's next time and the next launch)."""
        if self.kind is not None and not self.window.presenter.on:
            self.settings.setValue(self._key(), self.window.saveState(self.version))

    def reset(self):
        """View → Reset layout: the current kind's default arrangement, at the default sizes."""
        self.window.presenter.leave()
        self.settings.remove(self._key())
        self.arrange()
        self._whole_tabs()

    def _key(self):
        return f"layout/{self.kind}"

    def arrange(self):
        """Place every dock where the kind's default puts it, then size the columns."""
        w, docks = self.window, self.window.docks
        columns, hidden = ARRANGEMENTS[self.kind]
        for dock in docks.values():
            dock.setFloating(False)
            w.removeDockWidget(dock)
        previous = None
        for column in columns:           # the columns' heads first: a tabbed dock cannot be split
            first = docks[column[0]]
            if previous is None:
                w.addDockWidget(LEFT, first)
            elif column[0] == "predict":          # the last column's lower half
                w.splitDockWidget(previous, first, Qt.Orientation.Vertical)
            elif previous is docks["experiment"]:
                w.splitDockWidget(previous, first, Qt.Orientation.Horizontal)
            else:
                w.addDockWidget(RIGHT, first)
            previous = first
        for column in columns:
            for name in column[1:]:
                w.tabifyDockWidget(docks[column[0]], docks[name])
            for name in column:
                docks[name].show()
        for name in hidden:
            w.tabifyDockWidget(docks[columns[1][0]], docks[name])
            docks[name].hide()
        w.addDockWidget(BOTTOM, docks["inspector"])
        docks["inspector"].hide()
        for column in columns:
            docks[column[0]].raise_()
        lessons = w.findChild(QDockWidget, "lessons_dock")
        if lessons is not None and not lessons.isHidden():
            self.place_lessons(lessons)
        self.default = True
        self.size_docks()

    def place_lessons(self, dock):
        """The Lessons dock above the experiment form, in its column: never across the stage, whose
        views a lesson asks the student to watch."""
        experiment = self.window.docks["experiment"]
        self.window.splitDockWidget(experiment, dock, Qt.Orientation.Vertical)
        self.window.splitDockWidget(dock, experiment, Qt.Orientation.Vertical)

    def size_docks(self):
        """The default column widths (and splits) for the window's current size."""
        w, docks = self.window, self.window.docks
        width, height = w.width(), w.height()
        experiment = _share(width, EXPERIMENT_WIDTH)
        if self.kind == POINTS:
            output = _share(width, OUTPUT_WIDTH)
            w.resizeDocks([docks["experiment"], docks["network"], docks["curves"]],
                          [experiment, max(width - experiment - output, 1), output], Qt.Orientation.Horizontal)
            w.resizeDocks([docks["curves"], docks["predict"]],
                          [int(height * CURVES_SHARE), int(height * (1 - CURVES_SHARE))], Qt.Orientation.Vertical)
        else:
            right = _share(width, RIGHT_WIDTH)
            w.resizeDocks([docks["experiment"], docks["curves"], docks["activations"]],
                          [experiment, max(width - experiment - right, 1), right], Qt.Orientation.Horizontal)
            w.resizeDocks([docks["activations"], docks["predict"]],
                          [int(height * (1 - PREDICT_SHARE)), int(height * PREDICT_SHARE)], Qt.Orientation.Vertical)

    def _whole_tabs(self):
        """Dock tabs keep their whole titles ("Network", not "N…"); a row too long scrolls."""
        for bar in self.window.findChildren(QTabBar):
            bar.setElideMode(Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)
