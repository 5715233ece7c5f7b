"""The main window's diagnostic docks: training health, the backprop inspector, the runs list and saliency.

`DiagnosticsDocks` owns the four widgets and their slots. The MainWindow adds the docks it
describes and tells it what happens to the current run through the `on_*` methods; the health
dock is fed by the window's redraw scheduler (`feed_health`), so that epochs arriving faster than
frames are diagnosed once per frame, not once per epoch.
"""

import dataclasses
import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTabWidget

from nnviz.app.diagnostics.health_dock import HealthDock
from nnviz.app.diagnostics.inspector_view import InspectorView, pick_batch
from nnviz.app.diagnostics.saliency_view import SaliencyView
from nnviz.app.runs import runs_dock
from nnviz.app.runs.run_queue import RunQueue
from nnviz.app.runtime.redraw import on_screen
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.core import run_position
from nnviz.core.health import DETECTORS
from nnviz.guard import UserError
from nnviz.io import ExperimentConfig
from nnviz.io.run_store import RunStore
from nnviz.io.runs import record_from_history
from nnviz.prepare import prepare

RIGHT, BOTTOM = Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
HEALTH_TITLE, RUNS_TITLE = "Training health", "Runs"
INSPECTOR_SIZE = (1300, 820)    # the inspector's window when it first opens (floating over the main window)


def _count(n, noun):
    return f"{n} {noun}{'s' if n > 1 else ''}"


class DiagnosticsDocks:
    """Training health, Backprop inspector, Runs and Saliency for a MainWindow (`window`); finished runs
    are kept in `runs_folder` (default: the user's, `runs_dock.runs_folder()`)."""

    def __init__(self, window, runner, runs_folder=None):
        self.window, self.runner = window, runner       # runner: the window's TrainingRunner
        self.docks = {}
        self.health = HealthDock()
        self.inspector = InspectorView()
        self.runs = runs_dock.RunsDock(store=RunStore(runs_folder or runs_dock.runs_folder()), folders=window.folders)
        self.saliency = SaliencyView()
        self.health.continue_with_half_lr.connect(self.continue_with_half_lr)
        self.inspector.batch_requested.connect(self.inspect_batch)
        self.runs.runs_changed.connect(self._title_runs)
        self.queue = RunQueue(window, runner)
        self.runs.repeat_requested.connect(self.queue.repeat_with_seeds)
        self.runs.replay_requested.connect(self.replay_saved)
        window.draw_panel.predicted.connect(self._on_predicted)
        window.draw_panel.canvas.cleared.connect(self.clear_saliency)
        self.inspect_action = QAction("&Inspect a batch…", window)
        self.inspect_action.setShortcut(QKeySequence("Ctrl+I"))
        self.inspect_action.setToolTip("Backpropagation of one random mini-batch through the current "
                                       "weights: z, a, δ and the gradients per layer (BP1–BP4)")
        self.inspect_action.triggered.connect(self.inspect_batch)
        window.addAction(self.inspect_action)
        self._epochs = []               # EpochEnds of the current run (it finished one: it goes in the list)
        self._record = None             # the network's record in the runs list (a continuation extends it)
        self._unshown = []              # EpochEnds the health dock has not diagnosed yet
        self.health_history = []        # every EpochEnd of the current run
        self.network_epochs = []        # EpochEnds since the network came (replay diagnoses a prefix) ...
        self.epochs_untracked = 0       # ... after this many epochs it had done (a loaded model's)
        self._was_replaying = False
        self._moment = None             # (snapshot, epochs completed) the health dock shows while replaying
        self._runs_done = len(self.runs.runs)      # runs kept from earlier sessions: numbering goes on
        self._diverged_run = None       # id of the run whose divergence the health banner offers to continue
        self._saliency_stale = False    # a prediction arrived while the saliency view was off-screen
        self._saliency_put_away = False  # we closed the saliency dock for a 2-D dataset
        self._inspector_opened = False

    def dock_specs(self):
        """(name, title, widget, area) of the docks, for the window to create."""
        return (("health", HEALTH_TITLE, self.health, RIGHT), ("runs", RUNS_TITLE, self.runs, RIGHT),
                ("saliency", "Saliency", self.saliency, RIGHT),
                ("inspector", "Backprop inspector", self.inspector, BOTTOM))

    def arrange(self, docks):
        """The default layout: health, runs and saliency are tabs beside the activations (saliency stays
        visible while drawing below it); the inspector opens when asked for."""
        self.docks = docks
        self.window.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        for name in ("health", "runs", "saliency"):
            self.window.tabifyDockWidget(docks["activations"], docks[name])
        docks["activations"].raise_()
        docks["inspector"].hide()
        self._title_runs()
        docks["saliency"].visibilityChanged.connect(lambda shown: shown and self._refresh_saliency())
        docks["health"].visibilityChanged.connect(lambda shown: shown and QTimer.singleShot(
            0, self.health.draw_if_shown))

    # -- what happens to the window's network and runs --------------------------------------------

    def on_dataset(self, session, probe_rows):
        """A new network (trained or loaded) on its dataset."""
        ds = session.run_data.dataset
        self.health.set_probe(ds.X_test[:probe_rows], ds.y_test[:probe_rows])
        self.network_epochs, self.epochs_untracked = [], session.epochs_done
        self._record = None
        self.on_ready(session)
        self.saliency.set_class_names(ds.class_names)
        self.clear_saliency()

    def show_saliency(self, image):
        """The saliency dock is for images: put away for other data, back when images return."""
        dock = self.docks["saliency"]
        if not image and not dock.isHidden():
            dock.hide()                        # nothing to draw on 2-D points
            self._saliency_put_away = True
        elif image and self._saliency_put_away:
            dock.show()
            self._saliency_put_away = False

    def on_ready(self, session):
        """A run starts (on a new or the same network): a fresh health history and run record."""
        self.health.reset(n_classes=session.run_data.dataset.n_classes, activation=session.snapshot.hidden,
                          init=session.config.init)
        self._title_health()
        self._epochs, self._unshown, self.health_history = [], [], []

    def on_epochs(self, epochs):
        self._epochs.extend(epochs)
        self._unshown.extend(epochs)
        self.health_history.extend(epochs)
        self.network_epochs.extend(epochs)

    def feed_health(self):
        """From the redraw scheduler: diagnose the epochs since the last frame, or, while replaying, the
        replayed moment (its weights, and the epochs completed by then); the shown snapshot's histograms."""
        replay = self.window.replay
        if replay.scrubbing:
            done = max(0, replay.completed_epochs() - self.epochs_untracked)
            moment = (replay.shown(None), done)
            if self._moment is None or moment[0] is not self._moment[0] or done != self._moment[1]:
                self.health.show_moment(moment[0], self.network_epochs[:done], replay.position())
            self._moment = moment
        elif self._unshown and self.health_history:
            self.health.update_epoch(self.health_history[-1], self.health_history)
        elif self._was_replaying:
            self.health.show_live()
        self._title_health()
        self._unshown, self._was_replaying = [], replay.scrubbing
        self._moment = self._moment if replay.scrubbing else None
        session = self.window.session
        self.health.set_snapshot(replay.shown(session.snapshot) if session is not None else None)

    def on_diverged(self, event):
        """The core rolled the weights back and ends the run: red light, banner, health dock in front."""
        self.feed_health()
        self._diverged_run = self.runner.run_id
        self.health.diverged(event)
        self._title_health()
        self.docks["health"].show()
        self.docks["health"].raise_()

    def on_finished(self, event, config, test_accuracy=None):
        """The current run (of the experiment `config`) ended: add it to the runs list (with its
        `test_accuracy`, None without a test set) unless it failed or finished no epoch."""
        w = self.window
        session = w.session
        self.queue.on_finished(event.reason)
        if event.reason == "failed" or not self._epochs or session is None or config is None:
            return
        final = {"finish_reason": event.reason}
        if test_accuracy is not None:
            final["test_accuracy"] = test_accuracy
        record = record_from_history("", config, self.network_epochs, final)
        if self._record is None:
            self._runs_done += 1
            name, group = self.queue.record_label(f"{config.title or config.dataset} #{self._runs_done}")
            record = dataclasses.replace(record, name=name, group=group)
        else:                              # continued: the same run, longer (one row, its curves go on)
            old = self._record
            record = dataclasses.replace(record, name=old.name, group=old.group, race=old.race, pinned=old.pinned,
                                         run_id=old.run_id)
        self.runs.add_run(record, snapshots=self.window.replay.arrays())
        self._record, self._epochs = record, []

    def reset(self):
        """The window forgot its network."""
        self.health.reset()
        self.health.set_snapshot(None)
        self._title_health()
        self._epochs, self._unshown, self.health_history, self.network_epochs = [], [], [], []
        self._record = None
        self.clear_saliency()

    def replay_saved(self, record):
        """Load a saved run's experiment with its final weights, and its snapshots into the replay."""
        w = self.window
        try:
            arrays = self.runs.store.snapshots(record.run_id) if self.runs.store is not None else None
        except UserError as error:
            return w.show_message(f"Cannot replay “{record.name}”: {error}")
        if arrays is None:
            return w.show_message(f"The run “{record.name}” has no saved snapshots to replay.", "info")
        if not w.confirm_stop(f"replay “{record.name}”"):
            return
        try:
            config = ExperimentConfig.from_dict(record.config)
            prepared = prepare(config)
        except (ValueError, OSError) as error:
            return w.show_message(f"Cannot replay “{record.name}”: {error}")
        net = prepared.network
        if len(arrays["params"][0]) != net.flat_params().size:
            return w.show_message(f"Cannot replay “{record.name}”: its snapshots do not fit its network")
        n = len(prepared.train_data.X_train)
        batches = math.ceil(n / max(1, min(config.batch_size, n)))     # saved runs keep one batch size
        snapshots = []
        for params, step, epoch in zip(arrays["params"], arrays["steps"], arrays["epochs"]):
            net.flat_params()[:] = params
            position = run_position(int(epoch), int(step) - (int(epoch) - 1) * batches, batches)
            snapshots.append(Snapshot.of(net, int(epoch), int(step), position))
        w.adopt(config, prepared, record.final_metrics)        # the network holds the final weights
        events = record.epoch_events()
        self.network_epochs, self.epochs_untracked = events, 0
        self.health_history, self._record = events, record      # Continue extends this run
        self.health.show_history(events)
        self._title_health()
        w.plots.show_saved_run(events, int(record.final_metrics.get("epochs") or record.n_epochs))
        w.replay.load(snapshots)
        w.controls.show_status("")
        w.controls.show_finished(f"Replaying the saved run “{record.name}”: drag the slider back to see it learn",
                                 complete=record.final_metrics.get("finish_reason") in ("completed", "time_budget"))

    # -- slots ----------------------------------------------------------------------------------

    def continue_with_half_lr(self):
        """The health banner's offer after a divergence: the same (rolled-back) network, η / 2."""
        w = self.window
        if w.session is None or (self.runner.active and self.runner.run_id != self._diverged_run):
            return
        self.runner.stop()                       # the diverged run is ending anyway: join its thread
        editor = w.panel.editors["learning_rate"]
        editor.setText(f"{w.panel.config().learning_rate / 2:g}")
        w.start_training()                     # same model key: continues the rolled-back network

    def inspect_batch(self):
        """Open the inspector on a random training mini-batch through the latest weights."""
        w = self.window
        session = w.session
        if session is None or session.snapshot is None:
            return w.show_message("Nothing to inspect yet: train or load a network first.", "info")
        data = session.run_data.train_data
        X, y = pick_batch(data.X_train, data.y_train)
        self.inspector.set_network(session.snapshot, X, y, l2=session.config.l2,
                                   learning_rate=session.config.learning_rate)
        dock = self.docks["inspector"]
        if dock.isHidden() and not self._inspector_opened:
            # Five heatmaps a layer need room: docked, they would squeeze every other view, so it
            # first opens as a window of its own (double-click its title to dock it under the plots).
            self._inspector_opened = True
            dock.setFloating(True)
            frame = w.frameGeometry()
            dock.resize(min(INSPECTOR_SIZE[0], frame.width() - 80), min(INSPECTOR_SIZE[1], frame.height() - 80))
            dock.move(frame.center() - dock.rect().center())
        dock.show()
        dock.raise_()

    def clear_saliency(self):
        """The drawing was cleared or the network replaced: explain the first test image (when shown)."""
        self.saliency.set_input(None, None)
        self._on_predicted(None)

    def _on_predicted(self, _probabilities):
        """A new prediction of the drawing: explain it now if the saliency view is on screen, else later."""
        self._saliency_stale = True
        if on_screen(self.saliency):
            self._refresh_saliency()

    def feed_saliency(self):
        """New weights: without a drawing, the first test image is explained again (the drawing's
        explanation follows its prediction)."""
        if self.window.draw_panel.canvas.is_empty():
            self._on_predicted(None)

    def _refresh_saliency(self):
        """Explain the drawing or, without one, the first test image, with the weights shown."""
        if not self._saliency_stale:
            return
        self._saliency_stale = False
        panel, session = self.window.draw_panel, self.window.session
        if not panel.canvas.is_empty():
            self.saliency.set_input(panel.network_input(), panel.snapshot)
        elif session is not None and session.run_data.dataset.image_shape is not None:
            ds = session.run_data.dataset
            self.saliency.set_input(ds.X_test[0].reshape(ds.image_shape), self.window.replay.shown(session.snapshot),
                                    f"test sample #0 (a {ds.class_names[ds.y_test[0]]}; draw to explain yours)")

    # -- dock titles: what a tab says while it is behind another ----------------------------------

    def _title_health(self):
        levels = [self.health.level(d) for d in DETECTORS]
        alarms, warnings = levels.count("alarm"), levels.count("warning")
        extra = _count(alarms, "alarm") if alarms else _count(warnings, "warning") if warnings else ""
        if "health" in self.docks:
            self.docks["health"].setWindowTitle(f"{HEALTH_TITLE} ({extra})" if extra else HEALTH_TITLE)

    def _title_runs(self):
        n = len(self.runs.runs)
        if "runs" in self.docks:
            self.docks["runs"].setWindowTitle(f"{RUNS_TITLE} ({n})" if n else RUNS_TITLE)
