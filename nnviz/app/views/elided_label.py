"""A one-line label that never widens its dock and never cuts its text off silently: what does not fit
ends in "…", and the whole text is the tooltip."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy


class ElidedLabel(QLabel):
    """`text()` is the whole text; what is drawn is as much of it as the label's width holds."""

    def __init__(self, text="", parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""
        self.setText(text)

    def text(self):
        return self._full

    def setText(self, text):
        self._full = text
        self._elide()

    def shown_text(self):
        """What the label draws: the text, or its start and "…" when the width does not hold it."""
        return super().text()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event):             # a new font (presenter mode) changes what fits
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._elide()

    def _elide(self):
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width) if width > 0 \
            else self._full
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
