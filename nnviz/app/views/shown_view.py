"""A base for views fed snapshots while they may be hidden: keep the latest one, draw it when shown."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

NO_CONVOLUTIONS = "This view cannot show networks with convolutions yet."


class ShownView(QWidget):
    """Subclasses implement `_draw(snapshot)`; a hidden view (a tabbed-away dock) only stores the
    snapshot and draws it in `showEvent`, so nobody pays for pixels no one sees.

    A view that cannot draw a network with convolutions (`shows_convolutions` False) says so in a
    label over itself instead of drawing one."""

    shows_convolutions = False

    def __init__(self, parent=None):
        super().__init__(parent)
        self._snapshot = None
        self._stale = False            # a snapshot arrived while hidden
        self.unsupported = QLabel(NO_CONVOLUTIONS, self)
        self.unsupported.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unsupported.setWordWrap(True)
        self.unsupported.setAutoFillBackground(True)
        self.unsupported.hide()

    def set_snapshot(self, snapshot):
        """Draw this snapshot now if the view is visible, else when it is next shown (None clears)."""
        self._snapshot = snapshot
        self._stale = not self.isVisible()
        if not self._stale:
            self._draw_supported(snapshot)

    def showEvent(self, event):
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._draw_supported(self._snapshot)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.unsupported.setGeometry(self.rect())

    def _draw_supported(self, snapshot):
        refused = snapshot is not None and getattr(snapshot, "convolutional", False) and not self.shows_convolutions
        self.unsupported.setVisible(refused)
        if refused:
            self.unsupported.raise_()
            self.unsupported.setGeometry(self.rect())
        else:
            self._draw(snapshot)

    def _draw(self, snapshot):
        raise NotImplementedError
