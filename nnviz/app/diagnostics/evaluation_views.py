"""Interactive evaluation views: a confusion matrix whose cells open their test images (and light up for
points selected in the projection), the mistakes ranked by confidence and per-class accuracy. All read an
`EvaluationResults`."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QImage, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.views.class_key import ClassKey, class_ticks
from nnviz.app.views.colors import class_colors
from nnviz.app.views.confusion_colors import CORRECT_MAP, MISTAKE_MAP, confusion_layers, count_ticks
from nnviz.core import confusion_matrix

MAX_CELL_TEXTS = 30       # classes up to which every confusion cell gets its count written in
MAX_SHOWN = 240           # images a gallery shows at most
_BRIGHT = 0.6             # inferno is light above this level: write dark text there
_SELECTED = (255, 80, 60)
_LIT = (0, 190, 255)      # cells of the points selected in the projection
_BAR = (90, 140, 200)
INDEX_ROLE = Qt.ItemDataRole.UserRole


def static_plot(plot):
    """A plot that does not pan, zoom or offer its menu: these views are read, not explored."""
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    return plot


def thumbnail(image, scale):
    """A (h, w) image in [0, 1] as a grey QPixmap (ink white), each pixel a scale x scale block."""
    grey = np.ascontiguousarray(np.round(np.clip(np.nan_to_num(image), 0, 1) * 255).astype(np.uint8))
    h, w = grey.shape
    qimage = QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage.scaled(w * scale, h * scale, Qt.AspectRatioMode.IgnoreAspectRatio,
                                           Qt.TransformationMode.FastTransformation))


class ImageGallery(QWidget):
    """A scrolling grid of test samples, each with the caption "true 3 → pred 5 (0.93)".

    Signal `activated(int)`: the test-set index of a double-clicked sample.
    """

    activated = Signal(int)

    def __init__(self, parent=None, thumb=56):
        super().__init__(parent)
        self.thumb = thumb
        self.title = QLabel(wordWrap=True)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setIconSize(QSize(thumb, thumb))
        self.list.setGridSize(QSize(thumb + 60, thumb + 40))
        self.list.itemDoubleClicked.connect(lambda item: self.activated.emit(item.data(INDEX_ROLE)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)

    def show_samples(self, results, indices, title):
        """Show the test samples `indices` of `results` (at most MAX_SHOWN), in that order, under `title`."""
        indices = np.asarray(indices, dtype=np.int64)
        shown = indices[:MAX_SHOWN]
        more = f" — showing the first {len(shown)}" if len(indices) > len(shown) else ""
        self.title.setText(f"{title}{more}")
        self.list.clear()
        names = results.class_names
        shape = results.image_shape
        scale = max(1, self.thumb // max(shape)) if shape else 1
        for i in shown:
            caption = (f"true {names[results.y[i]]} → pred {names[results.predicted[i]]} "
                       f"({results.confidence[i]:.2f})")
            item = QListWidgetItem(caption if shape else f"{caption}\n{_point(results.X[i])}")
            if shape:
                item.setIcon(QIcon(thumbnail(results.X[i].reshape(shape), scale)))
            item.setData(INDEX_ROLE, int(i))
            item.setToolTip(f"test sample #{i}: {caption}")
            self.list.addItem(item)

    def clear(self, title=""):
        self.list.clear()
        self.title.setText(title)

    def shown_indices(self):
        """Test-set indices of the samples shown, in display order (n,) int64."""
        return np.array([self.list.item(r).data(INDEX_ROLE) for r in range(self.list.count())], dtype=np.int64)


def _point(x):
    return "(" + ", ".join(f"{v:.2f}" for v in x) + ")"


class _CellImage(pg.ImageItem):
    """The confusion heatmap; reports left clicks in its own (cell) coordinates."""

    clicked = Signal(float, float)

    def mouseClickEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit(ev.pos().x(), ev.pos().y())
        else:
            super().mouseClickEvent(ev)


class ConfusionView(QWidget):
    """The confusion matrix, counts in the cells: the diagonal in a green scale (share of the true class),
    mistakes in their own scale up to the largest mistake count, so 3 errors and 300 look different whatever
    the diagonal holds. Clicking a cell shows its test images in `gallery`. Signal `cell_clicked(true, predicted)`."""

    cell_clicked = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results = None
        self.selected = None
        self.cell_texts = {}
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plot = static_plot(self.plot_widget.addPlot(title="confusion matrix — click a cell"))
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        self.plot.setLabel("left", "true")
        self.plot.setLabel("bottom", "predicted")
        self.diagonal = _CellImage(axisOrder="row-major", levels=(0, 1))      # correct: share of the class
        self.heatmap = _CellImage(axisOrder="row-major", levels=(0, 1))       # mistakes: count, own scale
        self.colorbars = {}
        for col, (image, cmap, label) in enumerate(((self.diagonal, CORRECT_MAP, "correct: share of the true class"),
                                                    (self.heatmap, MISTAKE_MAP, "mistakes: count (log scale)"))):
            image.setColorMap(cmap)
            image.clicked.connect(self._on_clicked)
            self.plot.addItem(image)
            bar = pg.ColorBarItem(values=(0, 1), colorMap=cmap, interactive=False, width=12, label=label)
            bar.setImageItem(image)
            self.plot_widget.addItem(bar, row=0, col=col + 1)
            self.colorbars[label.split(":")[0]] = bar
        self.class_key = ClassKey(self.plot)
        self.highlight = QGraphicsRectItem(0, 0, 1, 1)
        self.highlight.setPen(pg.mkPen(_SELECTED, width=3))
        self.highlight.setZValue(10)
        self.highlight.hide()
        self.plot.addItem(self.highlight)
        self.lit = QGraphicsPathItem()                     # outlines of the cells lit by a selection
        self.lit.setPen(pg.mkPen(_LIT, width=3))
        self.lit.setZValue(11)
        self.plot.addItem(self.lit)
        self.lit_cells = None                             # (k, k) counts of the selected samples, or None
        self.gallery = ImageGallery()
        splitter = QSplitter()
        splitter.addWidget(self.plot_widget)
        splitter.addWidget(self.gallery)
        splitter.setSizes([520, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def set_results(self, results):
        """Draw the confusion matrix of `results` and open its most frequent mistake (if any)."""
        self.results = results
        self.lit_cells = None
        self.lit.setPath(QPainterPath())
        C = results.confusion
        k = len(C)
        rows = C.sum(axis=1, keepdims=True)
        self.shares = np.divide(C, rows, out=np.zeros(C.shape), where=rows > 0)
        self.mistake_max = max(1, int(C[~np.eye(k, dtype=bool)].max())) if k > 1 else 1
        correct, mistakes, self.mistake_levels = confusion_layers(C)
        for image, values, bar, levels in ((self.diagonal, correct, self.colorbars["correct"], (0, 1)),
                                           (self.heatmap, mistakes, self.colorbars["mistakes"], self.mistake_levels)):
            image.setImage(values, levels=levels)             # NaN cells are transparent: the other scale's
            image.setRect(-0.5, -0.5, k, k)                   # cell (i, j) centred on (x=j, y=i)
            bar.setLevels(levels)
        self.colorbars["mistakes"].axis.setTicks([count_ticks(self.mistake_max)])
        ticks = [class_ticks(results.class_names)]
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setTicks(ticks)
        self.class_key.set_classes(k)
        self.plot.setRange(xRange=(ClassKey.low_end(), k - 0.5), yRange=(ClassKey.low_end(), k - 0.5), padding=0.02)
        self._write_counts(C)
        off = C - np.diag(np.diag(C))
        if off.any():
            self.select_cell(*np.unravel_index(np.argmax(off), off.shape))
        else:
            self.selected = None
            self.highlight.hide()
            self.gallery.clear("No mistakes. Click a cell to see its test images.")

    def light_samples(self, indices, what="selected"):
        """Outline the cells (true, predicted) where the test samples `indices` fall and show them in the
        gallery; `lit_cells` holds their (k, k) counts. No indices: the outlines go."""
        r = self.results
        indices = np.asarray(indices, dtype=np.int64)
        self.lit_cells = confusion_matrix(r.y[indices], r.predicted[indices], r.n_classes) if len(indices) else None
        path = QPainterPath()
        cells = np.argwhere(self.lit_cells) if self.lit_cells is not None else ()
        for i, j in cells:
            path.addRect(j - 0.5, i - 0.5, 1, 1)
        self.lit.setPath(path)
        if not len(indices):
            return
        self.selected = None
        self.highlight.hide()
        names = r.class_names
        where = ", ".join(f"{names[i]}→{names[j]} ({self.lit_cells[i, j]})" for i, j in cells[:12])
        more = f" and {len(cells) - 12} more" if len(cells) > 12 else ""
        self.gallery.show_samples(r, indices, f"<b>{len(indices)}</b> test samples {what}, in the outlined cells "
                                              f"(true→predicted): {where}{more}")

    def _write_counts(self, C):
        for text in self.cell_texts.values():
            self.plot.removeItem(text)
        self.cell_texts = {}
        k = len(C)
        if k > MAX_CELL_TEXTS:
            return
        font = QFont()
        font.setPointSize(9 if k <= 12 else 7)
        for (i, j), count in np.ndenumerate(C):
            bright = i != j and np.log10(1 + count) / self.mistake_levels[1] > _BRIGHT
            colour = (20, 20, 20) if bright else (235, 235, 235)
            text = pg.TextItem(str(count), color=colour if count else (120, 120, 130), anchor=(0.5, 0.5))
            text.setFont(font)
            text.setPos(j, i)
            self.plot.addItem(text)
            self.cell_texts[i, j] = text

    def cell_center(self, true_class, pred_class):
        """The centre of a cell in scene coordinates (for clicks in tests)."""
        return self.heatmap.mapToScene(pred_class + 0.5, true_class + 0.5)

    def select_cell(self, true_class, pred_class):
        """Highlight cell (true, predicted), show its test images and emit `cell_clicked`."""
        r = self.results
        true_class, pred_class = int(true_class), int(pred_class)
        self.selected = (true_class, pred_class)
        self.highlight.setRect(pred_class - 0.5, true_class - 0.5, 1, 1)
        self.highlight.show()
        names = r.class_names
        indices = r.cell(true_class, pred_class)
        what = "correct" if true_class == pred_class else "mistaken"
        self.gallery.show_samples(r, indices, f"<b>{len(indices)}</b> test samples of class <b>{names[true_class]}"
                                              f"</b> predicted as <b>{names[pred_class]}</b> ({what})")
        self.cell_clicked.emit(true_class, pred_class)

    def _on_clicked(self, x, y):
        k = 0 if self.results is None else self.results.n_classes
        i, j = int(np.floor(y)), int(np.floor(x))
        if 0 <= i < k and 0 <= j < k:
            self.select_cell(i, j)


class MistakesGallery(QWidget):
    """The test samples the network gets wrong, the most confidently wrong first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.gallery = ImageGallery()
        self.mistakes = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.gallery)

    def set_results(self, results):
        self.mistakes = results.mistakes()
        n, total = len(self.mistakes.indices), len(results.y)
        self.gallery.show_samples(results, self.mistakes.indices,
                                  f"<b>{n:,}</b> of {total:,} test samples misclassified, most confident mistakes "
                                  f"first (confidence: the output for the predicted class)")


def accuracy_range(percents):
    """The y range (low, high) of a per-class accuracy chart: zoomed to the data so 96.2 % and 99.1 % look
    different. low = min − 30 % of the gap to 100 − 1 (at least 0); high leaves room above 100 for labels."""
    if len(percents) == 0:
        return 0.0, 105.0
    low = max(0.0, float(np.min(percents)) - 0.3 * (100 - float(np.min(percents))) - 1)
    return low, 100 + 0.08 * (100 - low)


class PerClassView(QWidget):
    """Accuracy per true class: a bar chart (each bar in its class colour) and a table (samples, correct,
    accuracy)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plot = static_plot(self.plot_widget.addPlot(title="accuracy per true class"))
        self.plot.setLabel("left", "accuracy (%) — axis zoomed to the data")
        self.plot.setLabel("bottom", "class")
        self.plot.setYRange(0, 105, padding=0)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=_BAR)
        self.plot.addItem(self.bars)
        self.bar_texts = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["class", "samples", "correct", "accuracy"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.table)

    def set_results(self, results):
        C, share = results.confusion, results.per_class
        k = len(C)
        heights = np.nan_to_num(share) * 100
        self.bars.setOpts(x=np.arange(k), height=heights, brushes=[pg.mkBrush(*c) for c in class_colors(k)])
        self.plot.setXRange(-0.6, k - 0.4, padding=0)
        self.plot.setYRange(*accuracy_range(heights[~np.isnan(share)]), padding=0)
        self.plot.getAxis("bottom").setTicks([class_ticks(results.class_names)])
        for text in self.bar_texts:
            self.plot.removeItem(text)
        self.bar_texts = []
        if k <= MAX_CELL_TEXTS:
            for c in range(k):
                text = pg.TextItem("–" if np.isnan(share[c]) else f"{heights[c]:.1f}", color=(210, 210, 210),
                                   anchor=(0.5, 1))
                text.setPos(c, heights[c])
                self.plot.addItem(text)
                self.bar_texts.append(text)
        self._fill_table(C, share, results.class_names)

    def _fill_table(self, C, share, names):
        table = self.table
        table.setRowCount(len(C))
        for c, name in enumerate(names):
            cells = [name, f"{int(C[c].sum()):,}", f"{int(C[c, c]):,}",
                     "–" if np.isnan(share[c]) else f"{100 * share[c]:.1f} %"]
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
