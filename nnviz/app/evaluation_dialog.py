"""Test-set evaluation: accuracy, per-class accuracy and the confusion matrix with counts in its cells."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from nnviz.app.colors import heatmap_colormap
from nnviz.core import accuracy, confusion_matrix, per_class_accuracy

MAX_CELL_TEXTS = 30       # classes up to which every cell gets its count written in
_BRIGHT = 0.6             # viridis is light above this level: write dark text there


class EvaluationDialog(QDialog):
    """Evaluates `network` on `dataset`'s test set once, in the constructor, and shows the results.

    Attributes: predictions (n,), confusion (k, k) with C[true, predicted], accuracy (float),
    per_class (k,) accuracy per true class (NaN for a class without test samples).
    """

    def __init__(self, network, dataset, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Evaluation on the {dataset.name} test set")
        self._names = list(dataset.class_names)
        y = dataset.y_test
        self.predictions = network.predict(dataset.X_test)
        self.confusion = confusion_matrix(y, self.predictions, dataset.n_classes)
        self.accuracy = accuracy(y, self.predictions)
        self.per_class = per_class_accuracy(self.confusion)

        correct, total = int(np.trace(self.confusion)), int(self.confusion.sum())
        self.summary_label = QLabel(f"Test accuracy: <b>{100 * self.accuracy:.2f} %</b> "
                                    f"({correct:,} of {total:,} {dataset.name} test samples correct)")
        font = QFont(self.summary_label.font())
        font.setPointSize(font.pointSize() + 3)
        self.summary_label.setFont(font)

        self.plot_widget = pg.GraphicsLayoutWidget()
        self._build_heatmap()
        self.table = self._build_table()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        body = QHBoxLayout()
        body.addWidget(self.plot_widget, 1)
        body.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(940, 560)

    def _build_heatmap(self):
        """Cells coloured by the share of the true class (row) predicted as each class; counts as text."""
        C = self.confusion
        k = len(C)
        rows = C.sum(axis=1, keepdims=True)
        self.shares = np.divide(C, rows, out=np.zeros(C.shape), where=rows > 0)
        plot = self.plot_widget.addPlot(title="confusion matrix (colour: share of the true class)")
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.invertY(True)
        plot.setAspectLocked(True)
        plot.setLabel("left", "true")
        plot.setLabel("bottom", "predicted")
        ticks = [list(enumerate(self._names))]
        for side in ("left", "bottom"):
            plot.getAxis(side).setTicks(ticks)
        self.heatmap = pg.ImageItem(self.shares, axisOrder="row-major", levels=(0, 1))
        self.heatmap.setColorMap(heatmap_colormap())
        self.heatmap.setRect(-0.5, -0.5, k, k)        # cell (i, j) centred on (x=j, y=i)
        plot.addItem(self.heatmap)
        plot.setRange(xRange=(-0.5, k - 0.5), yRange=(-0.5, k - 0.5), padding=0.02)
        self.cell_texts = {}
        if k <= MAX_CELL_TEXTS:
            font = QFont()
            font.setPointSize(9 if k <= 12 else 7)
            for i in range(k):
                for j in range(k):
                    self.cell_texts[i, j] = self._cell_text(plot, i, j, font)
        self.heatmap_plot = plot

    def _cell_text(self, plot, i, j, font):
        count = int(self.confusion[i, j])
        colour = (20, 20, 20) if self.shares[i, j] > _BRIGHT else (235, 235, 235)
        if count == 0:
            colour = (120, 120, 130)
        text = pg.TextItem(str(count), color=colour, anchor=(0.5, 0.5))
        text.setFont(font)
        text.setPos(j, i)
        plot.addItem(text)
        return text

    def _build_table(self):
        """One row per class: test samples, correct, accuracy."""
        C = self.confusion
        table = QTableWidget(len(C), 4)
        table.setHorizontalHeaderLabels(["class", "samples", "correct", "accuracy"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for c, name in enumerate(self._names):
            share = self.per_class[c]
            cells = [name, f"{int(C[c].sum()):,}", f"{int(C[c, c]):,}",
                     "–" if np.isnan(share) else f"{100 * share:.1f} %"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(c, col, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.resizeColumnsToContents()
        # wide enough for every column plus a vertical scroll bar: nothing clipped, no horizontal scrolling
        table.setFixedWidth(header.length() + 2 * table.frameWidth()
                              + table.verticalScrollBar().sizeHint().width() + 4)
        return table
