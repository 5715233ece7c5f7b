"""The training worker: throttled updates, pause/step/stop between batches, divergence and errors.

Runs go through the training process as in the app; the worker's reporting rules are also tested
on a `TrainingWorker` driven synchronously in this process, with a fake clock."""

import os
import signal
from functools import partial

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from nnviz.app.runtime.runner import TrainingRunner
from nnviz.app.runtime.worker import PAUSED
from nnviz.core import TrainData
from tests.app.training_jobs import (
    XOR_X,
    XOR_Y,
    buggy_setup,
    chatty_xor_job,
    diverging_xor_job,
    invalid_setup,
    xor_job,
)


class Recorder(QObject):
    """Lives in the UI thread, so the worker's signals reach it queued, as they reach the window."""

    def __init__(self, worker):
        super().__init__()
        self.updates, self.diverged, self.failed, self.finished, self.ready = [], [], [], [], []
        worker.updated.connect(self.on_updated)
        worker.diverged.connect(self.on_diverged)
        worker.failed.connect(self.on_failed)
        worker.finished.connect(self.on_finished)
        worker.ready.connect(self.on_ready)

    @Slot(int, object)
    def on_updated(self, run, update):
        self.updates.append(update)

    @Slot(int, object)
    def on_diverged(self, run, event):
        self.diverged.append(event)

    @Slot(int, str)
    def on_failed(self, run, message):
        self.failed.append(message)

    @Slot(int, object)
    def on_finished(self, run, event):
        self.finished.append(event)

    @Slot(int, object, object)
    def on_ready(self, run, job, snapshot):
        self.ready.append((job, snapshot))

    @property
    def batches(self):
        return [b for u in self.updates for b in u.batches]


def start(runner, setup, **options):
    recorders = []
    runner.start(setup, connect=lambda worker: recorders.append(Recorder(worker)), **options)
    return recorders[0]


@pytest.fixture
def runner(qtbot):
    runner = TrainingRunner()
    yield runner
    runner.shutdown()


def test_a_run_reports_every_batch_in_order_in_fewer_updates_than_batches(qtbot, runner):
    rec = start(runner, partial(xor_job, epochs=300))
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    [(run_data, first)] = rec.ready
    np.testing.assert_array_equal(run_data.train_data.X_train, XOR_X)
    np.testing.assert_array_equal(run_data.train_data.y_train, XOR_Y)
    assert run_data.train_config == xor_job(epochs=300).train_config
    assert first.step == 0 and not any(W.flags.writeable for W in first.weights)
    assert rec.finished[-1].reason == "completed"
    steps = [b.step for b in rec.batches]
    assert steps == list(range(1, 300 * 8 + 1))
    assert len(rec.updates) < len(steps)
    assert sum(len(u.epochs) for u in rec.updates) == 300
    assert rec.updates[-1].snapshot.step == steps[-1]
    assert not runner.active


def test_step_advances_exactly_one_batch_while_paused(qtbot, runner):
    rec = start(runner, partial(xor_job, epochs=5), start_paused=True)
    qtbot.waitUntil(lambda: bool(rec.updates) and rec.updates[-1].state == PAUSED)
    assert rec.batches == []
    for expected in (1, 2, 3, 4, 5):
        n = len(rec.updates)
        runner.step()
        qtbot.waitUntil(lambda: len(rec.updates) > n and rec.updates[-1].state == PAUSED)
        assert [b.step for b in rec.batches] == list(range(1, expected + 1))
    runner.stop()
    qtbot.waitUntil(lambda: bool(rec.finished))
    assert rec.finished[-1].reason == "stopped"


def test_step_across_an_epoch_end_still_trains_one_batch(qtbot, runner):
    rec = start(runner, partial(xor_job, epochs=3, batch_size=8), start_paused=True, steps=2)
    qtbot.waitUntil(lambda: bool(rec.updates) and rec.updates[-1].state == PAUSED and len(rec.batches) == 2)
    runner.step()   # batch 1 of epoch 2, after the end of epoch 1
    qtbot.waitUntil(lambda: len(rec.batches) == 3 and rec.updates[-1].state == PAUSED)
    assert [(b.epoch, b.batch) for b in rec.batches] == [(1, 1), (1, 2), (2, 1)]
    assert sum(len(u.epochs) for u in rec.updates) == 1


def test_pause_then_resume_runs_to_completion(qtbot, runner):
    rec = start(runner, partial(xor_job, epochs=20))
    runner.pause()
    qtbot.waitUntil(lambda: bool(rec.updates) and rec.updates[-1].state == PAUSED)
    runner.resume()
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    assert rec.finished[-1].reason == "completed"
    assert [b.step for b in rec.batches] == list(range(1, 20 * 8 + 1))


def test_stop_while_training_joins_the_thread_and_keeps_usable_weights(qtbot, runner):
    rec = start(runner, partial(xor_job, epochs=100000))
    qtbot.waitUntil(lambda: len(rec.batches) > 10)
    runner.stop()
    assert not runner.active
    run, final = runner.final
    assert final.step >= rec.batches[-1].step and all(np.all(np.isfinite(W)) for W in final.weights)
    qtbot.waitUntil(lambda: bool(rec.finished))
    assert rec.finished[-1].reason == "stopped"
    assert rec.updates[-1].snapshot is final


def test_a_second_run_cannot_start_while_one_is_going(qtbot, runner):
    runner.start(partial(xor_job, epochs=100000))
    with pytest.raises(RuntimeError):
        runner.start(xor_job)


def test_divergence_is_reported_and_the_last_good_weights_are_kept(qtbot, runner):
    rec = start(runner, diverging_xor_job)
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    assert rec.diverged and "restored" in rec.diverged[0].message
    assert rec.finished[-1].reason == "diverged"
    assert all(np.all(np.isfinite(W)) for W in rec.updates[-1].snapshot.weights)


def test_an_error_in_setup_becomes_a_message(qtbot, runner):
    rec = start(runner, invalid_setup)
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    assert rec.failed == ["dataset: 'nope' is not allowed"]


def test_a_bug_in_setup_is_called_a_bug(qtbot, runner):
    rec = start(runner, buggy_setup)
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    assert rec.failed == ["this is a bug in nnviz; please report it: KeyError: 'x'"]
    assert rec.finished[-1].reason == "failed"


class RunIds(QObject):
    """The run id carried by each report of one worker, as the UI thread receives it."""

    def __init__(self):
        super().__init__()
        self.ids = []

    def connect(self, worker):
        worker.updated.connect(self.on_report)
        worker.finished.connect(self.on_report)

    @Slot(int, object)
    def on_report(self, run, _):
        self.ids.append(run)


def test_late_reports_carry_the_old_run_id(qtbot, runner):
    first, second = RunIds(), RunIds()
    runner.start(partial(xor_job, epochs=100000), connect=first.connect)
    qtbot.waitUntil(lambda: len(first.ids) > 0, timeout=20000)
    runner.stop()                     # its last reports are read; the UI thread takes them in only later
    before = len(first.ids)
    runner.start(partial(xor_job, epochs=1), connect=second.connect)
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    late = first.ids[before:]         # taken in after the next run started
    assert late and set(first.ids) == {1}
    assert second.ids and set(second.ids) == {2} and runner.run_id == 2


def test_a_stopped_threads_late_end_does_not_release_the_next_run(qtbot, runner):
    runner.start(partial(xor_job, epochs=100000))
    runner.stop()                          # read to its end and released; its "reader finished" is still queued
    rec = start(runner, partial(xor_job, epochs=1))
    runner._reader.wait()                  # the short run ends before any of its reports is handled
    released = []
    runner.stopped.connect(lambda: released.append(len(rec.finished)))
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    assert released == [1]                 # released after its own reports, not by the old thread's end


def test_garbage_is_collected_only_in_the_ui_thread_while_a_run_goes(qtbot, runner):
    import gc

    assert gc.isenabled()
    start(runner, partial(xor_job, epochs=100000))
    assert not gc.isenabled()          # the worker thread must never run the cyclic collector
    runner.stop()
    assert gc.isenabled()


def test_collection_comes_back_only_when_the_last_of_two_guards_stops(qtbot):
    import gc

    from nnviz.app.runtime.main_thread_gc import MainThreadGC

    training, race = MainThreadGC(), MainThreadGC()
    training.start()
    race.start()
    training.stop()                    # the race's thread still runs Python
    assert not gc.isenabled()
    race.stop()
    assert gc.isenabled()


class BatchClock:
    """A fake clock on which every training batch takes `batch_seconds` (the augmenter moves it)."""

    def __init__(self, start, batch_seconds):
        self.now, self.batch_seconds = start, batch_seconds

    def __call__(self):
        return self.now

    def augment(self, X, rng):
        self.now += self.batch_seconds
        return X


@pytest.mark.parametrize("batch_seconds", [1e-5, 1e-3, 0.1])
@pytest.mark.parametrize("origin", [0.0, 1e9])
def test_the_worker_reports_at_most_max_rate_times_a_second_whatever_the_batch_rate(batch_seconds, origin):
    from nnviz.app.runtime.worker import RUNNING, TrainingWorker

    clock = BatchClock(origin, batch_seconds)
    job = xor_job(epochs=500)
    job.train_data = TrainData(job.train_data.X_train, job.train_data.y_train, augment=clock.augment)
    worker = TrainingWorker(lambda: job, max_rate=30.0, clock=clock)
    reports = []                                   # (clock reading, update), in this thread: direct calls
    worker.updated.connect(lambda run, update: reports.append((clock.now, update)))
    worker.run()                                   # synchronously, without a thread
    batches = 500 * 8
    running = [t for t, update in reports if update.state == RUNNING]
    assert all(b - a >= 1 / 30 - 1e-9 for a, b in zip(running, running[1:]))
    expected = batches * batch_seconds * 30        # one report per 1/30 s of (fake) time...
    assert len(running) <= max(expected, 0) + 1
    if batch_seconds >= 1 / 30:                    # ...or one per batch when batches are slower
        assert len(running) == batches
    assert sum(len(update.batches) for _, update in reports) == batches


@pytest.mark.parametrize("receiver_keeps_up", [False, True])
def test_no_update_is_built_while_the_last_one_is_unreceived(receiver_keeps_up):
    from nnviz.app.runtime.worker import FINISHED, RUNNING, TrainingWorker

    clock = BatchClock(0.0, 0.01)                  # 100 batches a second: 3 per report at 30 a second
    job = xor_job(epochs=50)
    job.train_data = TrainData(job.train_data.X_train, job.train_data.y_train, augment=clock.augment)
    worker = TrainingWorker(lambda: job, max_rate=30.0, acknowledged=True, clock=clock)
    reports = []

    def receive(run, update):
        reports.append(update)
        if receiver_keeps_up:
            worker.received()

    worker.updated.connect(receive)
    worker.run()
    states = [u.state for u in reports]
    # A UI that never gets to the first update is sent no second one (the end of the run is sent anyway).
    assert states == [RUNNING] * (len(states) - 1 if receiver_keeps_up else 1) + [FINISHED]
    if receiver_keeps_up:
        assert len(states) > 50 * 8 / 4
    assert [b.step for u in reports for b in u.batches] == list(range(1, 50 * 8 + 1))
    assert sum(len(u.epochs) for u in reports) == 50


def test_a_training_process_that_dies_is_reported_and_the_next_run_gets_a_new_one(qtbot, runner):
    rec = start(runner, partial(xor_job, epochs=100000))
    qtbot.waitUntil(lambda: len(rec.batches) > 10)
    dead = runner._reader.process
    os.kill(dead.pid, signal.SIGKILL)                  # as the system would (out of memory, say)
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    assert rec.failed == ["the training process ended unexpectedly (exit code -9); the last weights it sent are kept"]
    assert rec.finished[-1].reason == "failed" and not dead.alive
    again = start(runner, partial(xor_job, epochs=3))
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    assert again.finished[-1].reason == "completed" and runner._reader is None
    assert [b.step for b in again.batches] == list(range(1, 3 * 8 + 1))


def test_a_print_in_the_training_process_does_not_garble_its_reports(qtbot, runner, capfd):
    rec = start(runner, chatty_xor_job)
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    assert rec.finished[-1].reason == "completed" and not rec.failed
    assert [b.step for b in rec.batches] == list(range(1, 3 * 8 + 1))
    assert "preparing the XOR run" in capfd.readouterr().err           # it went to stderr
