"""Run controls: Train, Pause/Resume, Step, Stop and Reset actions with shortcuts, and the status bar.

`RunControls.set_state` is the one place that decides which buttons are enabled, so that a second
run can never start while one is going.
"""

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QProgressBar, QStyle, QToolBar

from nnviz.app.runtime.pace import CHOICES, WATCHABLE, auto_label

IDLE, PREPARING, RUNNING, PAUSED = "idle", "preparing", "running", "paused"
TRAIN_TIP = "Train a new network with these settings"
CONTINUE_TIP = ("Continue training this network for the epochs set, as the same run (Reset, Ctrl+R, "
                "starts a new network)")


def _duration(seconds):
    seconds = int(round(max(seconds, 0)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _batch_rate(batch, pace):
    """Batches a second a run goes at: its training speed (steps over training time), or its pace
    when that holds it back (the pace counts wall-clock time, which drawing and waiting take too)."""
    speed = batch.step / max(batch.elapsed, 1e-9)
    return min(speed, pace) if pace else speed


def _rate(x):
    return f"{x / 1e6:.2f}M" if x >= 1e6 else f"{x / 1e3:.1f}k" if x >= 1e4 else f"{x:.0f}"


class RunControls:
    """The run actions (for the toolbar and the Run menu) and the status-bar widgets."""

    def __init__(self, window):
        style = window.style()

        def action(text, icon, shortcut, tip, slot, checkable=False):
            a = QAction(style.standardIcon(icon), text, window)
            a.setShortcut(QKeySequence(shortcut))
            a.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})")
            a.setCheckable(checkable)
            a.triggered.connect(slot)
            window.addAction(a)
            return a

        icons = QStyle.StandardPixmap
        self.train = action("Train", icons.SP_MediaPlay, "F5", TRAIN_TIP, window.start_training)
        self.pause = action("Pause", icons.SP_MediaPause, "F6", "Pause or resume training",
                            window.toggle_pause, checkable=True)
        self.step = action("Step", icons.SP_MediaSkipForward, "F10", "Train exactly one batch, then pause",
                           window.step_batch)
        self.stop = action("Stop", icons.SP_MediaStop, "Shift+F5", "Stop training (the weights are kept)",
                           window.stop_training)
        self.reset = action("Reset", icons.SP_BrowserReload, "Ctrl+R",
                            "Forget the trained network and start afresh", window.reset)
        self.actions = (self.train, self.pause, self.step, self.stop, self.reset)
        self.toolbar = QToolBar("Run")
        self.toolbar.setObjectName("run_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in self.actions:
            self.toolbar.addAction(a)
        self.pace_box = QComboBox()
        self.pace_box.setToolTip("How fast training goes. Auto spreads a run on 2-D points or a table over "
                                 "~20 s, so the boundary can be seen bending, and one on images over ~1 "
                                 "minute, so the accuracy can be watched climbing; or a fixed number of "
                                 "batches a second. Step (F10) trains one batch. Applies at once, also "
                                 "while training runs.")
        for label, value in CHOICES:
            self.pace_box.addItem(label or "", value)       # Auto: see describe_pace
        self.pace_box.currentIndexChanged.connect(lambda _: window.set_pace(self.pace_box.currentData()))
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(" Speed "))
        self.toolbar.addWidget(self.pace_box)
        self.full_speed = QAction("Full speed", window, toolTip="Train as fast as this machine can "
                                  "(Speed: Full speed), also while a run goes")
        self.full_speed.triggered.connect(lambda: self.pace_box.setCurrentIndex(self.pace_box.findData(0.0)))
        self.toolbar.addAction(self.full_speed)
        self.state_label = QLabel("Ready")
        self.position_label = QLabel()
        self.speed_label = QLabel()
        self.eta_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p%")
        for label, width in ((self.position_label, 220), (self.speed_label, 130), (self.eta_label, 90)):
            label.setMinimumWidth(width)
        bar = window.statusBar()
        bar.addWidget(self.state_label)
        for widget in (self.position_label, self.speed_label, self.eta_label):
            bar.addPermanentWidget(widget)
        bar.addPermanentWidget(self.progress)
        self.state = IDLE
        self._since = None            # (wall-clock time, step) where the ETA's rate is measured from
        self.set_state(IDLE, can_train=False, has_network=False)

    def describe_pace(self, dataset):
        """Label the Auto pace with what it does for `dataset`, the experiment's (see `auto_label`)."""
        self.pace_box.setItemText(self.pace_box.findData(WATCHABLE), auto_label(dataset))

    def set_state(self, state, *, can_train, has_network, continues=False):
        """Enable exactly the actions that make sense in `state`; `continues`: Train would continue the
        network shown (it then says "Continue")."""
        self.state = state
        busy = state != IDLE
        self.train.setEnabled(not busy and can_train)
        self.train.setText("Continue" if continues else "Train")
        self.train.setToolTip(f"{CONTINUE_TIP if continues else TRAIN_TIP} ({self.train.shortcut().toString()})")
        self.pause.setEnabled(state in (RUNNING, PAUSED))
        self.pause.setChecked(state == PAUSED)
        self.pause.setText("Resume" if state == PAUSED else "Pause")
        self.step.setEnabled(state == PAUSED or (not busy and can_train))
        self.stop.setEnabled(busy)
        self.reset.setEnabled(busy or has_network)
        self.state_label.setText({IDLE: "Ready", PREPARING: "Loading data…", RUNNING: "Training",
                                  PAUSED: "Paused"}[state])
        if state != RUNNING:
            self.eta_label.clear()                 # no estimate while nothing runs

    def show_progress(self, batch, config, epochs_before=0, clock=time.monotonic, pace=0.0):
        """Status from the latest BatchEnd and the run's TrainConfig; `epochs_before`: epochs the network
        had trained before this run (a continued run counts on from there); `pace`: the batches a second
        the run is held to (0: full speed)."""
        if batch is None:
            for label in (self.position_label, self.speed_label, self.eta_label):
                label.clear()
            self.progress.setValue(0)
            self._since = None
            return
        batches_per_second = _batch_rate(batch, pace)
        self.speed_label.setText(f"{_rate(batches_per_second * batch.samples_seen / max(batch.step, 1))} samples/s")
        epoch = f"epoch {epochs_before + batch.epoch}"
        if config.time_budget:
            fraction = batch.elapsed / config.time_budget
            self.position_label.setText(f"{epoch} · {_duration(min(batch.elapsed, config.time_budget))} / "
                                        f"{_duration(config.time_budget)}")
        else:
            fraction = batch.position / max(config.epochs, 1)
            total = epochs_before + max(config.epochs, batch.epoch)      # Epochs lowered below the epoch it is in
            self.position_label.setText(f"{epoch}/{total} · batch {batch.batch}/{batch.batches_per_epoch}")
        fraction = min(fraction, 1.0)
        self.eta_label.setText(f"ETA {_duration(self._remaining(batch, config, fraction, clock(), batches_per_second))}"
                               if self.state == RUNNING else "")
        self.progress.setValue(round(1000 * fraction))

    def begin_run(self):
        """A run starts (maybe continuing a network): its ETA is measured from its own batches only, not
        from the time the window sat idle since the previous run."""
        self._since = None

    def _remaining(self, batch, config, fraction, now, batches_per_second):
        """Seconds left on the wall clock (a pace and pauses make it longer than training time): a time
        budget's rest, or the epochs left (from the run's position) at the rate seen since the run
        began, which at first is assumed to be `batches_per_second` (`_batch_rate`)."""
        if self._since is None or batch.position < self._since[1]:
            self._since = (now - batch.step / max(batches_per_second, 1e-9), 0.0)
        if config.time_budget:
            return config.time_budget * (1 - fraction)
        t0, position0 = self._since
        rate = (batch.position - position0) / max(now - t0, 1e-9)          # epochs a second
        return (config.epochs - batch.position) / max(rate, 1e-9)

    def show_finished(self, text, complete=False):
        """The run ended (`complete`: it did all it was asked, e.g. its time is up: the bar shows 100%)."""
        self.state_label.setText(text)
        self.eta_label.clear()
        if complete:
            self.progress.setValue(self.progress.maximum())

    def show_status(self, text):
        """A message in place of the run's status (e.g. a loaded model); progress cleared."""
        self.show_progress(None, None)
        self.state_label.setText(text)
