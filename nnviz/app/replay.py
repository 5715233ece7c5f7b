"""Replay: a slider (and Play) that shows every view as it was at an earlier point of training.

The worker hands over the snapshots worth keeping (every epoch, log-spaced early steps); a
`SnapshotHistory` holds them in bounded memory. While the slider sits at its right end the views
follow training live; anywhere else they all draw the chosen snapshot (`shown`), training going
on meanwhile, and the curves show a cursor at its position.
"""

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QSlider, QStyle, QToolBar, QToolButton

from nnviz.app.runtime.history import SnapshotHistory

PLAY_INTERVAL_MS = 120          # one snapshot further per tick while playing


class ReplayBar(QToolBar):
    """Play/Pause, the slider over the kept snapshots and what it shows. Signal `moved(index)`."""

    moved = Signal(int)

    def __init__(self, parent=None):
        super().__init__("Replay", parent)
        self.setObjectName("replay_toolbar")
        self.play_button = QToolButton(toolTip="Replay training from the slider's position")
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.play_button.setCheckable(True)
        self.show_playing(False)
        self.slider = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=0)
        self.slider.setToolTip("Drag back to see every view as it was earlier in training; "
                               "at the right end the views follow training live")
        self.slider.setMinimumWidth(240)
        self.label = QLabel("Replay: nothing trained yet")
        self.label.setMinimumWidth(230)
        self.addWidget(QLabel(" Replay "))
        self.addWidget(self.play_button)
        self.addWidget(self.slider)
        self.addWidget(self.label)
        self.slider.valueChanged.connect(self.moved)

    def show_playing(self, playing):
        """Pause while playing, else Play: the style's icons (a "⏸" glyph rendered as a box in the bundled fonts)."""
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")


class Replay:
    """The history of the window's network and the bar that scrubs through it (for a MainWindow)."""

    def __init__(self, window, runner, history=None):
        self.window, self.runner = window, runner      # runner: whether training goes on
        self.history = history if history is not None else SnapshotHistory()
        self.bar = ReplayBar(window)
        self.bar.moved.connect(self._on_moved)
        self.bar.play_button.toggled.connect(self._on_play)
        self._timer = QTimer(window, interval=PLAY_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._offset = 0                            # epochs before this run
        self._index = None                          # the snapshot shown, or None: live
        self._saved = False                         # the history is a saved run's (not trained here since)

    # -- what the views draw -------------------------------------------------------------------

    @property
    def scrubbing(self):
        return self._index is not None

    def shown(self, live):
        """The snapshot the views should draw: the chosen one while scrubbing, else `live`."""
        return self.history.snapshots[self._index] if self.scrubbing else live

    # -- fed by the window ---------------------------------------------------------------------

    def begin_run(self, session, new, offset):
        """A run starts: `session` (a new network when `new`) and its first snapshot; its positions
        count from `offset` epochs (0 unless it counts its epochs from 1 after earlier ones)."""
        if new:
            self.clear()
        self._offset, self._saved = offset, False
        self.add([session.snapshot])

    def add(self, snapshots):
        """Keep the snapshots the worker sent (oldest first), each at its run's position after the
        epochs before this run."""
        if not snapshots:
            return
        shown = self.history.positions[self._index] if self.scrubbing else None
        for snapshot in snapshots:
            self.history.add(self._offset + snapshot.position, snapshot)
        if shown is not None:               # thinning may have moved it: stay at the same point
            self._index = self.history.nearest(shown)
        self._sync_slider()

    def clear(self):
        self.history.clear()
        self._index, self._saved = None, False
        self.bar.play_button.setChecked(False)
        self._sync_slider()

    def arrays(self):
        """The kept snapshots as RunStore arrays (None when there are none)."""
        return self.history.arrays()

    def load(self, snapshots):
        """Replace the history with a saved run's snapshots (positions from its start), the slider at
        its end: the final weights (the window's network), as when the run ended."""
        self.clear()
        self._offset, self._saved = 0, True
        self.add(snapshots)

    def completed_epochs(self):
        """Epochs completed since the network was created, at the snapshot shown (replay only)."""
        return math.floor(self.position() + 1e-9)

    def position(self, index=None):
        """x on the curves (epochs) of snapshot `index` (default: the one shown)."""
        index = self._index if index is None else index
        return None if index is None else self.history.positions[index]

    # -- the bar -------------------------------------------------------------------------------

    def _sync_slider(self):
        slider, last = self.bar.slider, max(len(self.history) - 1, 0)
        slider.blockSignals(True)
        slider.setMaximum(last)
        slider.setValue(last if self._index is None else self._index)
        slider.blockSignals(False)
        self._describe()

    def _on_moved(self, value):
        last = len(self.history) - 1
        self._index = None if value >= last else value
        self._describe()
        self.window.plots.set_cursor(self.position())
        self.window.replay_moved()

    def _describe(self):
        if not len(self.history):
            text = "Replay: nothing trained yet"
        elif self._index is None:
            text = f"{'end of the saved run' if self._saved else 'live'} · {len(self.history)} snapshots kept"
        else:
            s = self.history.snapshots[self._index]
            going = " (training goes on)" if self.runner.active else ""
            text = f"replaying epoch {self.history.positions[self._index]:.2f} · step {s.step:,}{going}"
        self.bar.label.setText(text)

    def _on_play(self, playing):
        if playing:
            if not self.scrubbing and len(self.history):
                self.bar.slider.setValue(0)          # from the start
            self._timer.start()
        else:
            self._timer.stop()
        self.bar.show_playing(playing)

    def _tick(self):
        slider = self.bar.slider
        slider.setValue(slider.value() + 1)
        if not self.scrubbing:
            self.bar.play_button.setChecked(False)
