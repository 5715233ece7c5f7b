"""The runs list: finished runs kept across restarts, grouped by dataset, compared on what differs.

One row per entry: a run, or the N runs of a "repeat with N seeds" shown as one row (mean ± std
bands on the curves, mean ± std test accuracy in the table). Checked rows overlay their curves;
the table's setting columns are those that differ among the checked rows, with the experiment
form's labels. With a `RunStore`, every run is saved when added and the store's rule (pinned runs
forever, the newest unpinned ones up to a number and a size) decides what stays.
"""

import dataclasses
from itertools import count
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.dialog_folders import DialogFolders
from nnviz.app.runs.run_entries import FORM_ORDER, LABELS, RESULTS, Entry, legend_name, result_cells, setting_text
from nnviz.app.runs.runs_plots import RunsPlots
from nnviz.app.views.colors import N_RUN_COLORS, run_color
from nnviz.io.atomic import atomic_write_text
from nnviz.io.runs import KEY_SETTINGS, differing_settings, load_runs, runs_to_csv, save_runs

_ERROR_STYLE = "color: #b00020;"
EMPTY_TEXT = "No runs yet: each finished training run is added here."
TABLE_ROWS = 5            # rows of runs the table shows at least (the plots above give way)


def runs_folder():
    """Where the app keeps its runs: "runs" in the app's data folder (tests redirect it)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "runs"


class RunsDock(QWidget):
    """`add_run(record)` adds a finished run, checked; records with the same `group` form one row.

    Signals: `runs_changed()` after runs are added, removed, renamed, pinned or loaded;
    `repeat_requested(int)` when the user asks to repeat the current experiment with N seeds;
    `race_requested()` for a race of optimisers; `replay_requested(record)` to replay a saved run.
    """

    runs_changed = Signal()
    repeat_requested = Signal(int)
    race_requested = Signal()
    replay_requested = Signal(object)

    def __init__(self, store=None, parent=None, folders=None):
        super().__init__(parent)
        self.store = store
        self.folders = folders or DialogFolders()
        self.entries = []         # Entry, oldest first
        self._filling = False
        self._colors = count()

        self.plots = RunsPlots()
        self.dataset_box = QComboBox(toolTip="Runs are grouped by dataset: show this dataset's runs")
        self.dataset_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.dataset_box.currentIndexChanged.connect(lambda _: self._refresh())
        self.table = QTableWidget(0, 1)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
                                    + TABLE_ROWS * self.table.verticalHeader().defaultSectionSize())
        self.table.itemChanged.connect(self._on_item_changed)
        self.seeds = QSpinBox(minimum=2, maximum=20, value=5, toolTip="How many seeds to repeat with")
        self.repeat_button = QPushButton("Repeat with seeds", toolTip="Train the current experiment again "
                                         "with seeds seed, seed+1, …, one after another, as one row")
        self.repeat_button.clicked.connect(lambda: self.repeat_requested.emit(self.seeds.value()))
        self.race_button = QPushButton("Race…", toolTip="Train the current experiment with several "
                                       "optimisers or learning rates from the same initial weights")
        self.race_button.clicked.connect(self.race_requested)
        self.pin_button = QPushButton("Pin", toolTip="Pinned runs are kept until deleted; the others "
                                      "make room for new ones")
        self.delete_button = QPushButton("Delete", toolTip="Delete the selected runs (also from disk)")
        self.save_button = QPushButton("Save…", toolTip="Save every run of the list to a JSON file")
        self.load_button = QPushButton("Load…", toolTip="Add the runs of a saved JSON file to the list")
        self.export_button = QPushButton("Export CSV…", toolTip="One row per run: settings and final metrics")
        self.replay_button = QPushButton("Replay", toolTip="Load the selected run's network and replay its "
                                         "training with the slider at the bottom of the window")
        self.replay_button.clicked.connect(self._replay_selected)
        self.pin_button.clicked.connect(self.toggle_pin_selected)
        self.delete_button.clicked.connect(self.remove_selected)
        self.save_button.clicked.connect(lambda: self.save())
        self.load_button.clicked.connect(lambda: self.load())
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.status = QLabel(wordWrap=True)

        top = QHBoxLayout()
        for widget in (QLabel("Dataset:"), self.dataset_box, self.seeds, self.repeat_button, self.race_button):
            top.addWidget(widget)
        top.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.replay_button, self.pin_button, self.delete_button, self.save_button,
                       self.load_button, self.export_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.plots)
        splitter.addWidget(lower)
        splitter.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        if store is not None:
            records, problems = store.load()
            self._add(records, checked=False)
            for entry in self.entries[-1:]:
                entry.checked = True
            if problems:
                self._say(f"Skipped unreadable runs: {'; '.join(problems)}", error=True)
        self._refresh(self.entries[-1].dataset if self.entries else None)   # the latest run's dataset

    # -- the list ------------------------------------------------------------------------------

    @property
    def runs(self):
        """Every run record, entry by entry."""
        return [r for entry in self.entries for r in entry.records]

    @property
    def shown(self):
        """The entries of the chosen dataset, in table order."""
        dataset = self.dataset_box.currentData()
        return [e for e in self.entries if e.dataset == dataset]

    def add_run(self, record, checked=True, snapshots=None, color=None):
        """Add one finished run (saved to the store with its snapshot arrays, then pruned), in `color`
        (default: the first free one); a run already listed (the same run_id: it was continued) is
        replaced in its row."""
        saved = self.store is not None
        if saved:
            try:
                self.store.save(record, snapshots)
            except (OSError, ValueError) as error:      # a UserError is a ValueError
                saved = False
                self._say(f"Could not save the run: {error}", error=True)
        entry = next((e for e in self.entries if any(r.run_id == record.run_id for r in e.records)), None)
        if entry is None:
            self.add_runs([record], checked, color)
        else:
            entry.records = [record if r.run_id == record.run_id else r for r in entry.records]
            self.plots.remove(entry.key)
            self.plots.add(entry.key, entry.records, entry.color)
            self._refresh(entry.dataset)
            self.runs_changed.emit()
        if saved:
            self._prune()

    def add_runs(self, records, checked=True, color=None):
        self._add(records, checked, color)
        self._refresh(self.entries[-1].dataset if records else None)
        self.runs_changed.emit()

    def _add(self, records, checked, color=None):
        for record in records:
            entry = next((e for e in self.entries if record.group and e.key == record.group), None)
            if entry is not None:
                entry.records.append(record)
                self.plots.remove(entry.key)
            else:
                entry = Entry([record], color or self._free_color())
                entry.checked = bool(checked)
                self.entries.append(entry)
            self.plots.add(entry.key, entry.records, entry.color)

    def _free_color(self):
        return self.free_colors(1)[0]

    def free_colors(self, n):
        """The first `n` of the twenty run colours no entry uses (they repeat only beyond twenty)."""
        used = {e.color for e in self.entries}
        free = [run_color(i) for i in range(N_RUN_COLORS) if run_color(i) not in used]
        return (free + [run_color(next(self._colors)) for _ in range(max(0, n - len(free)))])[:n]

    def _prune(self):
        if self.store is None:
            return
        removals = self.store.prune(self.runs)
        doomed = {r.run_id for r in removals if not r.snapshots_only}
        for entry in list(self.entries):
            kept = [r for r in entry.records if r.run_id not in doomed]
            if len(kept) < len(entry.records):
                self._drop(entry)
                if kept:
                    self._add(kept, entry.checked)
        if doomed:
            self._refresh()
        if removals:
            self._say("; ".join(r.describe() for r in removals), error=False)
            self.runs_changed.emit()

    def _drop(self, entry):
        self.plots.remove(entry.key)
        self.entries.remove(entry)

    def remove_run(self, row):
        """Delete the row's runs from the list (and from the store)."""
        entry = self.shown[row]
        if self.store is not None:
            for record in entry.records:
                self.store.delete(record.run_id)
        self._drop(entry)
        self._refresh()
        self.runs_changed.emit()

    def remove_selected(self):
        for row in sorted(self._selected_rows(), reverse=True):
            self.remove_run(row)

    def toggle_pin_selected(self):
        """Pin the selected rows (or unpin them when all are pinned already)."""
        entries = [self.shown[row] for row in self._selected_rows()]
        pin = not all(e.records[0].pinned for e in entries)
        for entry in entries:
            self._update(entry, pinned=pin)
        self._refresh()
        self.runs_changed.emit()

    def _replay_selected(self):
        rows = sorted(self._selected_rows())
        if rows:
            self.replay_requested.emit(self.shown[rows[0]].records[-1])

    def _update(self, entry, **changes):
        entry.records = [dataclasses.replace(r, **changes) for r in entry.records]
        if self.store is not None:
            for record in entry.records:
                self.store.save(record)

    def _selected_rows(self):
        return {index.row() for index in self.table.selectedIndexes()}

    def checked_runs(self):
        """The runs whose curves are drawn, in list order."""
        return [r for entry in self.shown if entry.checked for r in entry.records]

    def is_checked(self, row):
        return self.shown[row].checked

    def set_checked(self, row, checked):
        self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def curves(self, row, name):
        """(train, validation, band) plot items of a row's entry on the `name` plot."""
        return self.plots.curves(self.shown[row].key, name)

    # -- the table -----------------------------------------------------------------------------

    def setting_columns(self):
        """Settings that differ among the checked rows, in the form's order (one checked row: the key settings)."""
        configs = [e.settings() for e in self.shown if e.checked]
        if len(configs) >= 2:
            return sorted(differing_settings([SimpleNamespace(config=c) for c in configs]),
                          key=lambda name: FORM_ORDER.get(name, len(FORM_ORDER)))
        return [key for key in KEY_SETTINGS if configs and key in configs[0]]

    def _fill_datasets(self, dataset):
        """The dataset chooser: every dataset with runs, `dataset` (else the current one) chosen."""
        datasets = list(dict.fromkeys(e.dataset for e in self.entries))
        dataset = dataset if dataset in datasets else self.dataset_box.currentData()
        self.dataset_box.blockSignals(True)
        self.dataset_box.clear()
        for name in datasets:
            n = sum(len(e.records) for e in self.entries if e.dataset == name)
            self.dataset_box.addItem(f"{name} ({n} run{'s' if n > 1 else ''})", name)
        self.dataset_box.setCurrentIndex(datasets.index(dataset) if dataset in datasets else len(datasets) - 1)
        self.dataset_box.blockSignals(False)

    def _refresh(self, dataset=None):
        """Rebuild the chooser and the table (of `dataset`, else the chosen one); show the checked curves."""
        self._fill_datasets(dataset)
        shown, settings = self.shown, self.setting_columns()
        headers = ["run", *RESULTS, *(LABELS.get(s, s) for s in settings)]
        self._filling = True
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(shown))
        for row, entry in enumerate(shown):
            name = QTableWidgetItem(entry.name)
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
            name.setCheckState(Qt.CheckState.Checked if entry.checked else Qt.CheckState.Unchecked)
            name.setData(Qt.ItemDataRole.DecorationRole, QColor(*entry.color))
            config = entry.settings()
            name.setToolTip(f"{entry.records[-1].timestamp}\n" + "\n".join(
                f"{LABELS.get(k, k)}: {setting_text(k, config[k])}" for k in KEY_SETTINGS if k in config))
            self.table.setItem(row, 0, name)
            results = result_cells(entry)
            cells = [results[c] for c in RESULTS] + [setting_text(key, config.get(key)) for key in settings]
            for col, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._filling = False
        self.plots.show({e.key: legend_name(e.name) for e in shown if e.checked})
        for button in (self.save_button, self.export_button, self.delete_button, self.pin_button,
                       self.replay_button):
            button.setEnabled(bool(self.entries))
        if not self.entries:
            self._say(EMPTY_TEXT)
        elif self.status.text() == EMPTY_TEXT:
            self._say("")

    def _on_item_changed(self, item):
        if self._filling or item.column() != 0:
            return
        entry = self.shown[item.row()]
        checked = item.checkState() == Qt.CheckState.Checked
        renamed = item.text() != entry.name
        if renamed:
            self._update(entry, name=item.text())
            self.runs_changed.emit()
        if renamed or checked != entry.checked:
            entry.checked = checked
            self._refresh()

    # -- files ---------------------------------------------------------------------------------

    def save(self, path=None):
        """Save every run to a JSON file (asks for the path when none is given)."""
        path = path or self.folders.save_file(self, "runs", "Save runs", "runs.json", "Runs (*.json)")
        if path:
            self._try(lambda: save_runs(path, self.runs), f"Saved {len(self.runs)} runs to {path}")

    def load(self, path=None):
        """Add the runs of a JSON file (runs already in the list are not added twice)."""
        path = path or self.folders.open_file(self, "runs", "Load runs", "Runs (*.json)")
        if not path:
            return
        try:
            loaded = load_runs(path)
        except (OSError, ValueError) as error:
            return self._say(f"Cannot load the runs: {error}", error=True)
        known = {r.run_id for r in self.runs}
        new = [run for run in loaded if run.run_id not in known]
        self.add_runs(new)
        self._say(f"Loaded {len(new)} runs from {path}")

    def export_csv(self, path=None):
        """Write the comparison (one row per run) as CSV."""
        path = path or self.folders.save_file(self, "runs", "Export runs as CSV", "runs.csv", "CSV (*.csv)")
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
