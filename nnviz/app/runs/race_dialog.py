"""The race dialog: tick 2–4 optimisers (or give one several η), start, and watch their curves side by side."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from nnviz.app.runs.race_plots import RacePlots
from nnviz.core import OPTIMIZERS
from nnviz.prepare import MAX_CONTESTANTS, MIN_CONTESTANTS, TYPICAL_ETA

_ERROR_STYLE = "color: #b00020;"
INTRO = ("Every contestant starts from the same initial weights and sees the same batches (the "
         "experiment's seed); they train side by side, a batch each in turn, so their curves grow "
         "together. Several η for one optimiser, separated by commas, race each other too. When "
         "they finish, each is a run of the Runs dock.")


class RaceDialog(QDialog):
    """`ask(config)` shows the choices; signal `race(list of (optimizer, learning_rate))` on Start,
    `stop_requested()` on Stop. The live curves are `plots`."""

    race = Signal(list)
    stop_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Race from the same start")
        self.resize(900, 640)
        self.checks, self.rates = {}, {}
        grid = QGridLayout()
        for row, name in enumerate(OPTIMIZERS):
            self.checks[name] = QCheckBox(name)
            self.rates[name] = QLineEdit(f"{TYPICAL_ETA.get(name, 0.01):g}")
            self.rates[name].setToolTip(f"learning rate for {name} (several, comma-separated, race each other)")
            self.checks[name].toggled.connect(self._check)
            self.rates[name].textChanged.connect(self._check)
            grid.addWidget(self.checks[name], row // 3, 3 * (row % 3))
            grid.addWidget(QLabel("η"), row // 3, 3 * (row % 3) + 1)
            grid.addWidget(self.rates[name], row // 3, 3 * (row % 3) + 2)
        self.plots = RacePlots()
        self.note = QLabel(wordWrap=True)
        self.status = QLabel(wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button = self.buttons.addButton("Start race", QDialogButtonBox.ButtonRole.ActionRole)
        self.stop_button = QPushButton("Stop", enabled=False, toolTip="Stop every contestant after its "
                                       "current batch (each is still evaluated and kept as a stopped run)")
        self.buttons.addButton(self.stop_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button.clicked.connect(self._start)
        self.stop_button.clicked.connect(self.stop_requested)
        self.buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(INTRO, wordWrap=True))
        layout.addLayout(grid)
        layout.addWidget(self.note)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._racing = False

    def ask(self, config):
        """Show the dialog for `config` (None: the form is invalid); its optimiser and η come ticked
        (unless that optimiser is ticked already, with the η the user gave it)."""
        name = None if config is None else config.optimizer
        if name in self.rates and not self._racing and not self.checks[name].isChecked():
            self.rates[name].setText(f"{config.learning_rate:g}")
            self.checks[name].setChecked(True)
        self._check()
        self.show()
        self.raise_()

    def tick(self, variants):
        """Tick exactly the optimisers of `variants` [(optimizer, η)], each with its η (comma-separated)."""
        for name, check in self.checks.items():
            etas = [eta for optimizer, eta in variants if optimizer == name]
            check.setChecked(bool(etas))
            if etas:
                self.rates[name].setText(", ".join(f"{eta:g}" for eta in etas))

    def choices(self):
        """[(optimizer, η)] ticked, or a ValueError naming the first bad learning rate."""
        chosen = []
        for name, check in self.checks.items():
            if check.isChecked():
                for text in self.rates[name].text().split(","):
                    try:
                        eta = float(text)
                    except ValueError:
                        eta = -1.0
                    if not 0 < eta < float("inf"):
                        raise ValueError(f"learning rate for {name}: {text.strip()!r} is not a number > 0")
                    if (name, eta) in chosen:
                        raise ValueError(f"learning rate for {name}: {eta:g} is there twice")
                    chosen.append((name, eta))
        return chosen

    def set_racing(self, racing):
        """While a race goes, its choices stay as they are and Stop replaces Start."""
        self._racing = racing
        for widget in (*self.checks.values(), *self.rates.values()):
            widget.setEnabled(not racing)
        self.stop_button.setEnabled(racing)
        self._check()

    def say(self, text, error=False):
        """A line under the curves: the race's progress, its end, or what went wrong."""
        self.status.setStyleSheet(_ERROR_STYLE if error else "")
        self.status.setText(text)

    def showEvent(self, event):
        super().showEvent(event)
        self.plots.refresh()             # what arrived while the dialog was closed

    def _check(self):
        try:
            n = len(self.choices())
            problem = "" if MIN_CONTESTANTS <= n <= MAX_CONTESTANTS else \
                f"Tick {MIN_CONTESTANTS} to {MAX_CONTESTANTS} contestants (optimisers, or η of one optimiser)."
        except ValueError as error:
            problem = str(error)
        self.note.setText(problem)
        self.start_button.setEnabled(not problem and not self._racing)

    def _start(self):
        self.race.emit(self.choices())
