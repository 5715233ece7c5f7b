"""The race's worker: trains every contestant in one thread, a batch each in turn, and reports throttled updates.

Like the training worker, it is a parentless QObject moved to a QThread that never touches a widget.
It prepares the race (`nnviz.prepare.prepare_race`: one initial network, copied for each
contestant), hands the UI each contestant's name, experiment and initial weights (`ready`), then
steps their training generators round-robin (`nnviz.core.race.interleave`) so they advance
together, and reports the events since the last report at most `max_rate` times a second
(`updated`). With a pace (the window's Speed box: turns a second, or a rule pace(prepared run)),
it waits between turns (a turn: a batch of each contestant), so that a race of a 2-D toy set can be
watched; a contestant's training time does not count those waits. A contestant that finishes is
tested on the test set here, in the worker; its `Result` carries the snapshots kept for replay.
`stop()` (thread-safe) ends every contestant after its current batch, each still evaluated and
reported as "stopped".
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from nnviz.app.runtime.history import MAX_BYTES, SnapshotHistory, keep_step
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.runtime.worker import failure_message
from nnviz.core import BatchEnd, EpochEnd, Finished, accuracy, train
from nnviz.core.race import interleave
from nnviz.prepare import prepare_race


@dataclass(frozen=True)
class Result:
    """How a contestant ended: its Finished event, test accuracy (None without a test set) and the
    snapshots kept for replay (RunStore arrays)."""

    finished: Finished
    test_accuracy: float | None
    snapshots: dict | None


@dataclass(frozen=True)
class RaceUpdate:
    """The events since the last report, one tuple per contestant, and the results of those that ended."""

    batches: tuple          # per contestant: BatchEnd events, oldest first
    epochs: tuple           # per contestant: EpochEnd events, oldest first
    results: tuple          # per contestant: its Result if it ended since the last report, else None


class RaceWorker(QObject):
    """Signals: ready(names, configs, initial Snapshots) once; updated(RaceUpdate) repeatedly;
    failed(str) on an error; done() last, always."""

    ready = Signal(tuple, tuple, tuple)
    updated = Signal(object)
    failed = Signal(str)
    done = Signal()

    def __init__(self, config, variants, max_rate=20.0, pace=0.0, clock=time.perf_counter):
        super().__init__()
        self.config, self.variants, self.pace = config, list(variants), pace
        self._interval = 1.0 / max_rate
        self._clock = clock
        self._stop = threading.Event()

    def stop(self):
        """End every contestant after its current batch (safe from any thread)."""
        self._stop.set()

    @Slot()
    def run(self):
        try:
            with np.errstate(all="ignore"):
                self._run()
        except Exception as error:
            self.failed.emit(failure_message(error))
        finally:
            self.done.emit()

    def _run(self):
        contestants = prepare_race(self.config, self.variants)
        n = len(contestants)
        self.ready.emit(tuple(c.name for c in contestants), tuple(c.config for c in contestants),
                        tuple(Snapshot.of(c.prepared.network) for c in contestants))
        histories = [SnapshotHistory(max_bytes=MAX_BYTES // n) for _ in contestants]
        for history, c in zip(histories, contestants):
            history.add(0.0, Snapshot.of(c.prepared.network))
        runs = [train(c.prepared.network, c.prepared.train_data, c.prepared.train_config,
                      should_stop=self._stop.is_set) for c in contestants]
        self._forget(n)
        last_batch = [None] * n
        pace = self.pace(contestants[0].prepared) if callable(self.pace) else self.pace
        last_report = started = self._clock()
        batches = 0
        for i, event in interleave(runs):
            net = contestants[i].prepared.network
            if isinstance(event, BatchEnd):
                batches += 1
                if pace:                 # turn t (batches / n) is due t / pace seconds after the start
                    self._stop.wait(max(0.0, started + batches / n / pace - self._clock()))
                self._batches[i].append(event)
                last_batch[i] = event
                if keep_step(event.step):
                    histories[i].add(event.position, Snapshot.of(net, event.epoch, event.step, event.position))
            elif isinstance(event, EpochEnd):
                self._epochs[i].append(event)
                b = last_batch[i]
                histories[i].add(b.position, Snapshot.of(net, b.epoch, b.step, b.position))
            elif isinstance(event, Finished):
                self._results[i] = Result(event, _test_accuracy(contestants[i].prepared), histories[i].arrays())
                histories[i].clear()
            if self._clock() - last_report >= self._interval:
                self._report()
                last_report = self._clock()
        self._report()

    def _forget(self, n):
        self._batches, self._epochs, self._results = [[] for _ in range(n)], [[] for _ in range(n)], [None] * n

    def _report(self):
        update = RaceUpdate(tuple(map(tuple, self._batches)), tuple(map(tuple, self._epochs)), tuple(self._results))
        self._forget(len(self._results))
        self.updated.emit(update)


def _test_accuracy(prepared):
    dataset = prepared.dataset
    if not len(dataset.X_test):
        return None
    return accuracy(dataset.y_test, prepared.network.predict(dataset.X_test))
