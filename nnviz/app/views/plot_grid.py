"""A grid of plots that reflows to fewer columns, and scrolls, rather than shrink a plot below a readable size."""

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QWidget

# Smallest cell a plot gets: with its title, legend row and axes, this leaves a data area of ~160x100 px
# (the five curves of an image stage fit the docked Curves at 1280x720 without scrolling).
MIN_PLOT_SIZE = QSize(230, 170)
SPACING = 4


class PlotGrid(QScrollArea):
    """Widgets in up to `max_columns` columns, as many as fit at MIN_PLOT_SIZE; a wide widget, and one
    left alone in the last row, spans a whole row. When even one column does not fit the height, the
    grid scrolls. `show_only(widgets)` places those alone (None: all again)."""

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
        self._shown = None               # the widgets placed (None: all)
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

    def show_only(self, widgets=None):
        """Place only these widgets (the others hidden); None: every widget again."""
        self._shown = None if widgets is None else list(widgets)
        for widget, _ in self._cells:
            widget.setVisible(self._shown is None or widget in self._shown)
        self._place(self.columns or self._fitting_columns())

    def _place(self, columns):
        self.columns = columns
        for widget, _ in self._cells:
            self._grid.removeWidget(widget)
        cells = [(w, wide) for w, wide in self._cells if self._shown is None or w in self._shown]
        row = col = 0
        for i, (widget, wide) in enumerate(cells):
            alone = col == 0 and all(other for _, other in cells[i + 1:i + 2])    # no narrow one follows
            if wide or columns == 1 or alone:
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
