"""Race from the same start: the dialog, the race's job and its live curves, for a MainWindow.

The contestants train in a training process (`RaceJob` in a `ProcessJob`), interleaved batch by
batch, at the pace of the window's Speed box (a 2-D toy race is watchable), while the window's own
training is idle; the UI thread only appends the reported events to the curves, which the window's
redraw scheduler draws (view "race"). Each contestant that finishes becomes a run of the Runs dock,
marked as a member of its race (`RunRecord.race`), with its test accuracy and the snapshots kept for
replay.
"""

import dataclasses
import uuid

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal, Slot
from PySide6.QtGui import QAction

from nnviz.app.runs.race_dialog import RaceDialog
from nnviz.app.runs.race_worker import RaceJob
from nnviz.app.runtime.main_thread_gc import MainThreadGC
from nnviz.app.runtime.process_job import ProcessJob
from nnviz.app.runtime.redraw import on_screen
from nnviz.app.runtime.runner import STOP_GRACE_MS
from nnviz.io.runs import record_from_history

REDRAW_RATE, REDRAW_WEIGHT = 30.0, 6.0      # the race's curves are what the user watches, like the live plots
UPDATE_RATE = 20.0                          # worker reports a second, at most


class Race(QObject):
    """`ask()` opens the dialog on the form's experiment; its Start trains the ticked contestants.

    A QObject living in the UI thread, so that the job's signals reach its slots queued, in this thread.
    Signal `progressed()` after each report of the race has been taken in (`epochs`, `results`).
    """

    progressed = Signal()

    def __init__(self, window, runner, redraw):
        """`runner`: the window's TrainingRunner (a race waits for its run; it takes its pace); `redraw`:
        the window's RedrawScheduler (the race's plots share its frames)."""
        super().__init__(window)
        self.window, self.runner, self.scheduler = window, runner, redraw
        self.dialog = RaceDialog(window)
        self.dialog.race.connect(self.start)
        self.dialog.stop_requested.connect(self.stop)
        self.action = QAction("&Race optimisers…", window)
        self.action.setToolTip("Train the experiment with 2-4 optimisers or learning rates side by side, "
                               "from the same initial weights")
        self.action.triggered.connect(self.ask)
        window.diagnostics.runs.race_requested.connect(self.ask)
        redraw.add("race", self.refresh, REDRAW_RATE, REDRAW_WEIGHT,        # no ticks while closed:
                   shown=lambda: on_screen(self.dialog))                # it redraws itself on showing
        self._gc = MainThreadGC(window)
        self.update_rate = UPDATE_RATE
        self._thread = None
        self.names, self.configs, self.initial = (), (), ()    # of the current (or last) race
        self.colors = []                                         # the contestants' (r, g, b), as in the Runs dock
        self.epochs = []                 # per contestant: its EpochEnd events so far
        self.results = []                # per contestant: its Result once it ended, else None
        self.race_id = ""

    @property
    def active(self):
        return self._thread is not None

    def ask(self):
        w = self.window
        self.dialog.ask(w.panel.config() if w.panel.valid else None)

    def start(self, variants):
        """Race the form's experiment with each (optimizer, learning_rate) of `variants`."""
        w = self.window
        if self.active:
            return
        if not w.panel.valid:
            return self.dialog.say("Fix the experiment first: the race trains it.", error=True)
        if self.runner.active:
            return self.dialog.say("Stop the training run first: the race needs the processor to itself.",
                                   error=True)
        self.race_id = uuid.uuid4().hex[:16]
        self.names, self.configs, self.initial, self.epochs, self.results = (), (), (), [], []
        job = RaceJob(w.panel.config(), variants, max_rate=self.update_rate, pace=self.runner.pace)
        self._thread = ProcessJob(job, self)        # its thread reads the training process's reports
        self._thread.reported.connect(self._on_reported)
        self._thread.failed.connect(self._on_failed)
        self._thread.finished.connect(self._release)
        self.dialog.set_racing(True)
        self.dialog.say("Preparing the race…")
        self._gc.start()
        self._thread.start()

    def stop(self):
        """Stop every contestant after its current batch (each is still tested and kept)."""
        if self._thread is not None:
            self._thread.stop()
            self.dialog.say("Stopping…")

    def shutdown(self):
        """Stop the race and wait for its job (closing the window); its contestants' last reports,
        queued meanwhile, are taken in first, so that they are kept in the Runs dock as stopped runs.
        A race that has not ended within STOP_GRACE_MS is ended with its process."""
        if self.active:
            self._thread.stop()
            if not self._thread.wait(STOP_GRACE_MS):
                self._thread.cancel()
                self._thread.wait()
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
            self._release()

    # -- the job's reports, in the UI thread ------------------------------------------------------

    @Slot(str, tuple)
    def _on_reported(self, name, args):
        (self._on_ready if name == "ready" else self._on_updated)(*args)

    def _on_ready(self, names, configs, initial):
        if not self.active:              # a report queued before the window closed and stopped the race
            return
        self.names, self.configs, self.initial = names, configs, initial
        self.epochs, self.results = [[] for _ in names], [None] * len(names)
        # Each contestant keeps its colour in the Runs dock: the colours it will hand out next.
        self.colors = self.window.diagnostics.runs.free_colors(len(names))
        self.dialog.plots.begin(names, None if configs[0].time_budget else configs[0].epochs, self.colors)

    def _on_updated(self, update):
        if not self.active:
            return
        for i, (batches, epochs, result) in enumerate(zip(update.batches, update.epochs, update.results)):
            self.dialog.plots.add(i, batches, epochs)
            self.epochs[i].extend(epochs)
            if result is not None:
                self.results[i] = result
                self._add_run(i, result)
        self.dialog.say(self._progress())
        self.scheduler.mark("race")
        self.progressed.emit()

    @Slot(str)
    def _on_failed(self, message):
        if self.active:
            self.dialog.say(f"The race failed: {message}", error=True)

    @Slot()
    def _release(self):
        job = self._thread
        if job is None:
            return
        job.wait()
        self._thread = None
        job.deleteLater()
        self._gc.stop()
        self.dialog.set_racing(False)
        self.refresh()
        if self.results and all(self.results):
            self.dialog.say(self._progress() + " — done: compare them in the Runs dock")

    def _add_run(self, i, result):
        """Contestant i ended: its run goes to the Runs dock (unless it finished no epoch)."""
        if not self.epochs[i]:
            return
        config = self.configs[i]
        final = {"finish_reason": result.finished.reason}
        if result.test_accuracy is not None:
            final["test_accuracy"] = result.test_accuracy
        record = record_from_history(f"{config.dataset} · {self.names[i]}", config, self.epochs[i], final)
        self.window.diagnostics.runs.add_run(dataclasses.replace(record, race=self.race_id),
                                             snapshots=result.snapshots, color=self.colors[i])

    def _progress(self):
        """Each contestant's state: "sgd η 0.1: epoch 12 of 300 · adam η 0.01: 96.25 % test, 300 epochs, completed"."""
        parts = []
        for name, config, epochs, result in zip(self.names, self.configs, self.epochs, self.results):
            if result is None:
                parts.append(f"{name}: epoch {len(epochs)} of {config.epochs}")
            else:
                test = "" if result.test_accuracy is None else f"{100 * result.test_accuracy:.2f} % test, "
                parts.append(f"{name}: {test}{len(epochs)} epochs, {result.finished.reason}")
        return " · ".join(parts)

    def refresh(self):
        """From the redraw scheduler: draw the new data (when the dialog is on screen; else on showing)."""
        if on_screen(self.dialog):
            self.dialog.plots.refresh()
