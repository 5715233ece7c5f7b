"""A training-health detector's traffic light: a coloured dot, its name and its one-line hint."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from nnviz.core.health import TITLES

COLORS = {"ok": "#2ca02c", "warning": "#f0a500", "alarm": "#d62728", "n/a": "#b0b0b0"}


class Light:
    """One detector's row: a coloured dot, its name and its one-line hint."""

    def __init__(self, grid, row, detector):
        self.dot = QLabel()
        self.dot.setFixedSize(14, 14)
        self.title = QLabel(TITLES[detector])
        bold = QFont()
        bold.setBold(True)
        self.title.setFont(bold)
        self.message = QLabel(wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.dot, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.title, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.message, row, 2)
        self.level = self.color = None
        self.show(None)

    def show(self, finding):
        """Show `finding` (None: no epoch yet). A fine or not-applicable light says only "Fine" or "Not
        applicable", its reason in the tooltip: the hints that need reading, and the history below the
        lights, keep the room (a laptop's dock shows all of it without scrolling)."""
        if finding is None:
            self.level, self.text = "n/a", "Waiting for the first epoch"
        else:
            self.level, self.text = (finding.level if finding.applicable else "n/a"), finding.message
        self.color = COLORS[self.level]
        self.dot.setStyleSheet(f"background: {self.color}; border-radius: 7px;")
        self.dot.setToolTip(self.level)
        quiet = finding is not None and self.level in ("ok", "n/a") and ": " in self.text
        self.message.setText(self.text.split(": ", 1)[0] if quiet else self.text)
        self.message.setToolTip(self.text if quiet else "")
