"""The live network never reaches the UI (it trains in the training process): its slots receive
snapshots (read-only copies) and events only, in the UI thread."""

import dataclasses
import threading

import numpy as np

from nnviz.app.main_window import MainWindow
from nnviz.app.run_controls import IDLE
from nnviz.app.runtime.snapshot import RunData, Snapshot
from nnviz.app.runtime.worker import Update
from nnviz.core import BatchEnd, EpochEnd, Finished, Network

from .conftest import add_window, tiny_digits
from .test_main_window import click, train_until_epochs


class SpyWindow(MainWindow):
    """Records what each of the worker's slots receives, and in which thread."""

    def __init__(self, *args, **kwargs):
        self.received = []
        super().__init__(*args, **kwargs)

    def _record(self, slot, args):
        self.received.append((slot, threading.current_thread() is threading.main_thread(), args))

    def _on_ready(self, *args):
        self._record("ready", args)
        super()._on_ready(*args)

    def _on_updated(self, *args):
        self._record("updated", args)
        super()._on_updated(*args)

    def _on_diverged(self, *args):
        self._record("diverged", args)
        super()._on_diverged(*args)

    def _on_finished(self, *args):
        self._record("finished", args)
        super()._on_finished(*args)


def parts(value):
    """`value` and everything inside it: dataclass fields, tuples and lists, recursively."""
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from parts(getattr(value, field.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from parts(item)


def assert_read_only_snapshot(snapshot):
    assert isinstance(snapshot, Snapshot)
    assert all(isinstance(a, np.ndarray) and not a.flags.writeable for a in snapshot.weights + snapshot.biases)


def test_ui_slots_receive_snapshots_and_events_never_the_live_network(qtbot, settings, request):
    window = SpyWindow(settings=settings, restore=False)
    add_window(request, window)
    window.ask = lambda title, question: True
    window.set_experiment(tiny_digits(epochs=100000))          # still running when stopped
    window.show()
    try:
        train_until_epochs(qtbot, window, 2)
        click(qtbot, window, window.controls.stop)
        qtbot.waitUntil(lambda: window.controls.state == IDLE)
        first_stop = window.session.snapshot                  # the weights the first run stopped with
        train_until_epochs(qtbot, window, window.session.epochs_done + 1)      # continued
        click(qtbot, window, window.controls.stop)
        qtbot.waitUntil(lambda: window.controls.state == IDLE)
    finally:
        window.close()

    slots = [slot for slot, _, _ in window.received]
    assert slots.count("ready") == 2 and "updated" in slots and "finished" in slots
    assert all(in_ui_thread for _, in_ui_thread, _ in window.received)
    for slot, _, args in window.received:
        assert isinstance(args[0], int)                       # the run id
        for part in parts(args[1:]):
            assert not isinstance(part, Network)
        if slot == "ready":
            job, snapshot = args[1:]
            assert isinstance(job, RunData)
            assert_read_only_snapshot(snapshot)
        elif slot == "updated":
            update = args[1]
            assert isinstance(update, Update)
            assert_read_only_snapshot(update.snapshot)
            assert all(isinstance(e, BatchEnd) for e in update.batches)
            assert all(isinstance(e, EpochEnd) for e in update.epochs)
        elif slot == "finished":
            assert isinstance(args[1], Finished)
    readies = [args for slot, _, args in window.received if slot == "ready"]
    first_job, (second_job, second_start) = readies[0][1], readies[1][1:]
    # The continued run's data was not copied again from the training process: the very same objects.
    assert second_job.dataset is first_job.dataset and second_job.train_data is first_job.train_data
    assert second_job.train_config is not first_job.train_config
    for W_start, W_end in zip(second_start.weights, first_stop.weights):
        np.testing.assert_array_equal(W_start, W_end)        # ...starting from where the first ended
    assert window.session.snapshot is window._runner.final[1]   # the stop's final weights, not a late report
