"""The main window's slots for the training worker's reports: ready, updated, diverged, failed, finished.

`RunReports` is a part of `MainWindow` (a mixin): its methods are the slots `_connect` hooks to a
new worker's signals; they run in the UI thread and receive snapshots and events, never the network.
"""

import numpy as np

from nnviz.app.run_controls import IDLE, PAUSED, PREPARING, RUNNING
from nnviz.app.runtime.session import Session
from nnviz.core import accuracy

PROBE_ROWS = 100                                 # test images shown in the activation heatmaps


class RunReports:
    """The worker's slots of MainWindow (uses its session, runner, views and controls)."""

    def _connect(self, worker):
        worker.ready.connect(self._on_ready)
        worker.updated.connect(self._on_updated)
        worker.diverged.connect(self._on_diverged)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_finished)

    def _current(self, run):
        return run == self._runner.run_id and self._runner.active

    def _on_ready(self, run, run_data, snapshot):
        if not self._current(run):
            return
        config, new = self._pending
        if new:
            self.session = Session(config, run_data, snapshot, run)
            self._show_dataset()
            self._mark_pending()
        else:
            self.session.run_data, self.session.config, self.session.snapshot = run_data, config, snapshot
            self.diagnostics.on_ready(self.session)
        self.replay.begin_run(self.session, new, self._epochs_before)
        self.plots.begin_run(None if config.time_budget else config.epochs, self._epochs_before)
        if self.controls.state == PREPARING:
            self._set_state(PAUSED if self._runner.worker.paused else RUNNING)

    def _show_dataset(self):
        """A new network on (maybe) a new dataset: per-layer plots, probe, canvas or boundary."""
        job = self.session.run_data
        ds = job.dataset
        self.plots.set_layers(self.session.snapshot.n_layers)
        self._last_batch = None
        image = ds.image_shape is not None
        self.views.drop_snapshots()              # the old network's weights never meet the new data
        self.views.follow(image)
        self.draw_panel.set_dataset(ds.image_shape, ds.class_names)
        order = ds.y_test[:PROBE_ROWS].argsort(kind="stable")
        self.activations.set_probe(ds.X_test[:PROBE_ROWS][order], ds.y_test[:PROBE_ROWS][order],
                                   ds.image_shape, ds.class_names)
        if not image:
            self.data_preview.show_run(job)
        self.network_view.set_dataset(ds, None if image else job.train_data.X_train)
        self.projection.set_points(ds.X_test, ds.y_test, ds.image_shape, ds.class_names)
        self.diagnostics.on_dataset(self.session, PROBE_ROWS)
        self._redraw.mark()
        self.redraw()

    def _on_updated(self, run, update):
        if not self._current(run) or self.session is None:
            return
        self.plots.add_batches(update.batches)
        self.plots.add_epochs(update.epochs)
        if update.batches:             # the status costs little: it shows every report, ahead of the curves
            self._last_batch = update.batches[-1]
            self.controls.show_progress(self._last_batch, self._run_config, self._epochs_before,
                                        pace=update.pace)
            self.session.epochs_done = self._epochs_before + self._last_batch.epochs_completed
        if update.epochs:
            self.session.last_epoch = update.epochs[-1]
            self.diagnostics.on_epochs(update.epochs)
        self.session.snapshot = update.snapshot
        self.replay.add(update.kept)
        self.worker_state = update.state
        self._redraw.mark()

    def _on_diverged(self, run, event):
        if run == self._runner.run_id:
            self.plots.mark_divergence(event)
            self.show_message(f"Training diverged: {event.message}. Continue with half the learning rate "
                              f"from Training health, or clip the gradients.", "warning")
            self.diagnostics.on_diverged(event)

    def _on_failed(self, run, message):
        if run == self._runner.run_id:
            self.show_message(f"Training failed: {message}", box=True)

    def test_accuracy(self):
        """Accuracy of the latest weights on the dataset's test set (None without one), as every
        preset's "Expect" line speaks of it."""
        ds = self.session.run_data.dataset
        if ds is None or not len(ds.X_test):
            return None
        with np.errstate(all="ignore"):
            return accuracy(ds.y_test, self.session.snapshot.network().predict(ds.X_test))

    def _on_finished(self, run, event):
        if run != self._runner.run_id:
            return
        text = {"completed": "Finished", "early_stopping": "Stopped early", "time_budget": "Time is up",
                "diverged": "Diverged — last good weights kept", "stopped": "Stopped",
                "failed": "Failed"}.get(event.reason, event.reason)
        last = self.session.last_epoch if self.session else None
        test = self.test_accuracy() if self.session is not None and event.reason != "failed" else None
        if test is not None:
            text += f" · test accuracy {test:.1%}"
        elif last is not None and event.reason != "failed":
            acc = last.val_accuracy if last.val_accuracy is not None else last.train_accuracy
            text += f" · {'validation' if last.val_accuracy is not None else 'train'} accuracy {acc:.1%}"
        self.redraw()
        self.diagnostics.on_finished(event, self._run_config, test)
        self._finished_text = text
        self._complete = event.reason in ("completed", "time_budget")
        if not self._runner.active:
            self.controls.show_finished(text, self._complete)

    def _on_run_stopped(self):
        run, snapshot = self._runner.final
        if self.session is not None and self.session.run == run and snapshot is not None:
            self.session.snapshot = snapshot      # the weights it ended with, if its last report is queued
        self._set_state(IDLE)
        if self._finished_text:
            self.controls.show_finished(self._finished_text, self._complete)
