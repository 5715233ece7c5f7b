"""A base for views fed snapshots while they may be hidden: keep the latest one, draw it when shown."""

from PySide6.QtWidgets import QWidget


class ShownView(QWidget):
    """Subclasses implement `_draw(snapshot)`; a hidden view (a tabbed-away dock) only stores the
    snapshot and draws it in `showEvent`, so nobody pays for pixels no one sees."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._snapshot = None
        self._stale = False            # a snapshot arrived while hidden

    def set_snapshot(self, snapshot):
        """Draw this snapshot now if the view is visible, else when it is next shown (None clears)."""
        self._snapshot = snapshot
        self._stale = not self.isVisible()
        if not self._stale:
            self._draw(snapshot)

    def showEvent(self, event):
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._draw(self._snapshot)

    def _draw(self, snapshot):
        raise NotImplementedError
