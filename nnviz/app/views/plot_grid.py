"""A grid of plots that reflows to fewer columns, and scrolls, rather than shrink a plot below a readable size."""

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QWidget

# Smallest cell a plot gets: with its title and axes, this leaves a data area of ~160x110 px.
MIN_PLOT_SIZE = QSize(230, 180)
SPACING = 4


class PlotGrid(QScrollArea):
    """Widgets in up to `max_columns` columns, as many as fit at MIN_PLOT_SIZE; a wide widget spans a
    whole row. When even one column does not fit the height, the grid scrolls."""

    def __init__(self, max_columns=2, min_size=MIN_PLOT_SIZE, parent=None):
        super().__init__(parent)
        self.max_columns, self.min_size = max_columns, min_size
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        inner = QWidget()
        self._grid = QGridLayout(inner)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(SPACING)
        self.setWidget(inner)
        self._cells = []                 # (widget, wide)
        self.columns = 0

    def add(self, widget, wide=False):
        widget.setMinimumSize(self.min_size)
        self._cells.append((widget, wide))
        self._place(self._fitting_columns())

    def _fitting_columns(self):
        """Columns that fit the width left beside a vertical scroll bar (so a bar's coming and going
        never flips the choice back and forth)."""
        width = self.width() - self.verticalScrollBar().sizeHint().width()
        fit = (width + SPACING) // (self.min_size.width() + SPACING)
        return max(1, min(self.max_columns, fit))

    def _place(self, columns):
        self.columns = columns
        for widget, _ in self._cells:
            self._grid.removeWidget(widget)
        row = col = 0
        for widget, wide in self._cells:
            if wide or columns == 1:
                row += col > 0
                self._grid.addWidget(widget, row, 0, 1, columns)
                row, col = row + 1, 0
            else:
                self._grid.addWidget(widget, row, col)
                col += 1
                if col == columns:
                    row, col = row + 1, 0
        rows = row + (col > 0)
        for r in range(self._grid.rowCount()):
            self._grid.setRowStretch(r, 1 if r < rows else 0)
        for c in range(self._grid.columnCount()):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        columns = self._fitting_columns()
        if columns != self.columns:
            self._place(columns)
