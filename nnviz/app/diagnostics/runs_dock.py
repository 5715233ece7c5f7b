"""The session's finished runs: checked runs overlay their loss and accuracy curves, a table compares
their settings and results, and the list can be saved, loaded and exported as CSV."""

import dataclasses

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.views.colors import class_colors
from nnviz.io.atomic import atomic_write_text
from nnviz.io.runs import KEY_SETTINGS, differing_settings, format_value, load_runs, runs_to_csv, save_runs

RESULT_COLUMNS = (("epochs", "epochs"), ("val_accuracy", "val accuracy"), ("test_accuracy", "test accuracy"),
                  ("seconds", "time"))
_PALETTE = class_colors(10)
_ERROR_STYLE = "color: #b00020;"
EMPTY_TEXT = "No runs yet: each finished training run is added here."


class _Sample(ItemSample):
    """A legend sample that does not hide its curve when clicked (the table's checkboxes do that)."""

    def mouseClickEvent(self, event):
        event.accept()


def _result_text(key, value):
    if value is None:
        return ""
    if key.endswith("accuracy"):
        return f"{100 * value:.2f} %"
    if key == "seconds":
        if value < 10:
            return f"{value:.2f} s"
        return f"{value:.1f} s" if value < 120 else f"{int(value // 60)} min {value % 60:02.0f} s"
    return format_value(value)


class RunsDock(QWidget):
    """`add_run(record)` adds a finished run (nnviz.io.runs.RunRecord), checked.

    The table's first column holds each run's checkbox and (editable) name; the curves of checked
    runs are drawn — solid train, dashed validation — with one legend entry per run. Signal
    `runs_changed()` after runs are added, removed, renamed or loaded.
    """

    runs_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs = []            # RunRecord, in table order
        self.curves = []          # per run: {"loss": (train, val), "accuracy": (train, val)} PlotDataItems
        self._colors = []
        self._checked = []        # per run: are its curves drawn
        self._next_color = 0
        self._filling = False

        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plots, self.legends = {}, {}
        for col, (name, y_label) in enumerate((("loss", "loss"), ("accuracy", "accuracy (%)"))):
            plot = self.plot_widget.addPlot(row=0, col=col, title=name)
            plot.setLabel("bottom", "epoch")
            plot.setLabel("left", y_label)
            plot.showGrid(x=True, y=True, alpha=0.2)
            self.legends[name] = plot.addLegend(offset=(-10, 10) if name == "loss" else (-10, -10),
                                                sampleType=_Sample)
            self.plots[name] = plot
        # Legend keys for the line styles (items never added to a plot, only shown in the legend).
        self._style_keys = [(pg.PlotDataItem([], [], pen=pg.mkPen((200, 200, 200), style=style)), text)
                            for style, text in ((Qt.PenStyle.SolidLine, "train"),
                                                (Qt.PenStyle.DashLine, "validation"))]

        self.table = QTableWidget(0, 1)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.itemChanged.connect(self._on_item_changed)
        self.save_button = QPushButton("Save…", toolTip="Save every run of the list to a JSON file")
        self.load_button = QPushButton("Load…", toolTip="Add the runs of a saved JSON file to the list")
        self.export_button = QPushButton("Export CSV…", toolTip="One row per run: settings and final metrics")
        self.remove_button = QPushButton("Remove", toolTip="Remove the selected rows from the list")
        self.save_button.clicked.connect(lambda: self.save())
        self.load_button.clicked.connect(lambda: self.load())
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = QLabel(wordWrap=True)

        buttons = QHBoxLayout()
        for button in (self.save_button, self.load_button, self.export_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.plot_widget)
        splitter.addWidget(lower)
        splitter.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._refresh()

    # -- the list ------------------------------------------------------------------------------

    def add_run(self, record, checked=True):
        """Add one finished run to the list (its curves drawn if `checked`)."""
        self.add_runs([record], checked)

    def add_runs(self, records, checked=True):
        for record in records:
            color = tuple(int(v) for v in _PALETTE[self._next_color % len(_PALETTE)])
            self._next_color += 1
            self.runs.append(record)
            self._colors.append(color)
            self._checked.append(bool(checked))
            self.curves.append(self._make_curves(record, color, checked))
        self._refresh()
        self.runs_changed.emit()

    def remove_run(self, row):
        for name, pair in self.curves[row].items():
            for item in pair:
                self.plots[name].removeItem(item)
        del self.runs[row], self.curves[row], self._colors[row], self._checked[row]
        self._refresh()
        self.runs_changed.emit()

    def remove_selected(self):
        for row in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.remove_run(row)

    def checked_runs(self):
        """The runs whose curves are drawn, in list order."""
        return [run for row, run in enumerate(self.runs) if self.is_checked(row)]

    def is_checked(self, row):
        return self._checked[row]

    def set_checked(self, row, checked):
        self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    # -- curves --------------------------------------------------------------------------------

    def _make_curves(self, record, color, visible):
        """The run's four curves, created once; checking the run only toggles their visibility."""
        epochs = record.curve("epoch")
        curves = {}
        for name, scale in (("loss", 1.0), ("accuracy", 100.0)):
            pair = []
            for part, style in (("train", Qt.PenStyle.SolidLine), ("val", Qt.PenStyle.DashLine)):
                values = record.curve(f"{part}_{name}") * scale
                item = pg.PlotDataItem(epochs, values, pen=pg.mkPen(color, style=style), connect="finite",
                                       symbol="o" if len(epochs) == 1 else None, symbolSize=5, symbolBrush=color,
                                       symbolPen=None)
                item.setVisible(visible)
                self.plots[name].addItem(item)
                pair.append(item)
            curves[name] = tuple(pair)
        return curves

    def _show_checked(self):
        """Curves and legend entries of the checked runs (the legend is rebuilt: toggles are rare)."""
        for legend in self.legends.values():
            legend.clear()
        if any(self._checked):
            for item, text in self._style_keys:
                self.legends["loss"].addItem(item, f"<i>{text}</i>")
        for row, (run, curves) in enumerate(zip(self.runs, self.curves)):
            checked = self.is_checked(row)
            for name, (train, val) in curves.items():
                train.setVisible(checked)
                val.setVisible(checked)
                if checked:
                    self.legends[name].addItem(train, run.name)

    # -- the table -----------------------------------------------------------------------------

    def setting_columns(self):
        """Settings the table shows: those that differ between the runs (a single run: the key settings)."""
        if len(self.runs) >= 2:
            return differing_settings(self.runs)
        return [key for key in KEY_SETTINGS if self.runs and key in self.runs[0].config]

    def _refresh(self):
        """Rebuild the table and show the checked runs' curves (after runs are added or removed)."""
        settings = self.setting_columns()
        headers = ["run", *settings, *(title for _, title in RESULT_COLUMNS)]
        self._filling = True
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(self.runs))
        for row, (run, color) in enumerate(zip(self.runs, self._colors)):
            name = QTableWidgetItem(run.name)
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
            name.setCheckState(Qt.CheckState.Checked if self._checked[row] else Qt.CheckState.Unchecked)
            name.setData(Qt.ItemDataRole.DecorationRole, QColor(*color))
            name.setToolTip(f"{run.timestamp}\n" + "\n".join(f"{k}: {format_value(run.config[k])}"
                                                            for k in KEY_SETTINGS if k in run.config))
            self.table.setItem(row, 0, name)
            cells = [format_value(run.config.get(key)) for key in settings]
            cells += [_result_text(key, run.final_metrics.get(key)) for key, _ in RESULT_COLUMNS]
            for col, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._filling = False
        self._show_checked()
        for button in (self.save_button, self.export_button, self.remove_button):
            button.setEnabled(bool(self.runs))
        if not self.runs:
            self._say(EMPTY_TEXT)
        elif self.status.text() == EMPTY_TEXT:
            self._say("")

    def _on_item_changed(self, item):
        if self._filling or item.column() != 0:
            return
        row = item.row()
        self._checked[row] = item.checkState() == Qt.CheckState.Checked
        if item.text() != self.runs[row].name:
            self.runs[row] = dataclasses.replace(self.runs[row], name=item.text())
            self.runs_changed.emit()
        self._show_checked()

    # -- files ---------------------------------------------------------------------------------

    def save(self, path=None):
        """Save every run to a JSON file (asks for the path when none is given)."""
        path = path or QFileDialog.getSaveFileName(self, "Save runs", "runs.json", "Runs (*.json)")[0]
        if path:
            self._try(lambda: save_runs(path, self.runs), f"Saved {len(self.runs)} runs to {path}")

    def load(self, path=None):
        """Add the runs of a JSON file (runs already in the list are not added twice)."""
        path = path or QFileDialog.getOpenFileName(self, "Load runs", "", "Runs (*.json)")[0]
        if not path:
            return
        try:
            loaded = load_runs(path)
        except (OSError, ValueError) as error:
            return self._say(f"Cannot load the runs: {error}", error=True)
        new = [run for run in loaded if run not in self.runs]
        self.add_runs(new)
        self._say(f"Loaded {len(new)} runs from {path}")

    def export_csv(self, path=None):
        """Write the comparison (one row per run) as CSV."""
        path = path or QFileDialog.getSaveFileName(self, "Export runs as CSV", "runs.csv", "CSV (*.csv)")[0]
        if path:
            self._try(lambda: atomic_write_text(path, runs_to_csv(self.runs)),
                      f"Exported {len(self.runs)} runs to {path}")

    def _try(self, action, done):
        try:
            action()
        except (OSError, ValueError) as error:
            return self._say(f"Failed: {error}", error=True)
        self._say(done)

    def _say(self, text, error=False):
        self.status.setStyleSheet(_ERROR_STYLE if error else "")
        self.status.setText(text)


def curve_data(item):
    """(x, y) of a PlotDataItem as float arrays (for tests and exports)."""
    x, y = item.getData()
    return (np.array([]), np.array([])) if x is None else (np.asarray(x, float), np.asarray(y, float))
