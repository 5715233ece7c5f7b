"""The race dialog: pick 2–4 optimisers, each with its learning rate, to train from the same start."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout

from nnviz.core import OPTIMIZERS
from nnviz.prepare import MAX_CONTESTANTS as MAX_RUNNERS
from nnviz.prepare import MIN_CONTESTANTS as MIN_RUNNERS
from nnviz.prepare import TYPICAL_ETA


class RaceDialog(QDialog):
    """`ask(config)` shows the choices; signal `race(list of (optimizer, learning_rate))` on Start."""

    race = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Race from the same start")
        self.checks, self.rates = {}, {}
        grid = QGridLayout()
        for row, name in enumerate(OPTIMIZERS):
            self.checks[name] = QCheckBox(name)
            self.rates[name] = QLineEdit(f"{TYPICAL_ETA.get(name, 0.01):g}")
            self.rates[name].setToolTip(f"learning rate for {name}")
            self.checks[name].toggled.connect(self._check)
            self.rates[name].textChanged.connect(self._check)
            grid.addWidget(self.checks[name], row, 0)
            grid.addWidget(QLabel("η"), row, 1)
            grid.addWidget(self.rates[name], row, 2)
        self.note = QLabel(wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton("Start race", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Every runner starts from the same initial weights and sees the same batches "
                                "(the experiment's seed); they train one after another and their curves "
                                "are overlaid in the Runs dock.", wordWrap=True))
        layout.addLayout(grid)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def ask(self, config):
        """Show the dialog for `config` (None: the form is invalid); its optimiser and η come ticked."""
        if config is not None and config.optimizer in self.rates:
            self.rates[config.optimizer].setText(f"{config.learning_rate:g}")
            self.checks[config.optimizer].setChecked(True)
        self._check()
        self.show()
        self.raise_()

    def choices(self):
        """[(optimizer, η)] ticked, or a ValueError naming the first bad learning rate."""
        chosen = []
        for name, check in self.checks.items():
            if check.isChecked():
                try:
                    eta = float(self.rates[name].text())
                except ValueError:
                    eta = -1.0
                if not eta > 0 or eta != eta or eta == float("inf"):
                    raise ValueError(f"learning rate for {name}: must be a number > 0")
                chosen.append((name, eta))
        return chosen

    def _check(self):
        try:
            n = len(self.choices())
            problem = "" if MIN_RUNNERS <= n <= MAX_RUNNERS else f"Tick {MIN_RUNNERS} to {MAX_RUNNERS} optimisers."
        except ValueError as error:
            problem = str(error)
        self.note.setText(problem)
        self.start_button.setEnabled(not problem)

    def _start(self):
        self.race.emit(self.choices())
        self.accept()
