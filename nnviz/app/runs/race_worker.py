"""The race's job: trains every contestant in a training process, a batch each in turn, and reports throttled updates.

`RaceJob` runs in a training process (`nnviz.app.runtime.process_job`), off the window's process, as
training runs do: the race is training. It prepares the race (`nnviz.prepare.prepare_race`: one
initial network, copied for each contestant), hands the UI each contestant's name, experiment and
initial weights (`ready`), then steps their training generators round-robin
(`nnviz.core.race.interleave`) so they advance together, and reports the events since the last
report at most `max_rate` times a second (`updated`). With a pace (the window's Speed box: turns a
second, or a rule pace(prepared run)), it waits between turns (a turn: a batch of each contestant),
so that a race of a 2-D toy set can be watched; a contestant's training time does not count those
waits. A contestant that finishes is tested on the test set here, in the training process; its
`Result` carries the snapshots kept for replay. The context's `stopping` ends every contestant after
its current batch, each still evaluated and reported as "stopped".
"""

import time
from dataclasses import dataclass

import numpy as np

from nnviz.app.runtime.history import MAX_BYTES, SnapshotHistory, keep_step
from nnviz.app.runtime.snapshot import Snapshot
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


class RaceJob:
    """Reports (through the JobContext): ready(names, configs, initial Snapshots) once;
    updated(RaceUpdate) repeatedly. An error ends the job (the ProcessJob's `failed`)."""

    def __init__(self, config, variants, max_rate=20.0, pace=0.0, clock=time.perf_counter):
        self.config, self.variants, self.pace = config, list(variants), pace
        self._interval = 1.0 / max_rate
        self._clock = clock

    def __call__(self, context):
        self._context, self._stop = context, context.stopping
        with np.errstate(all="ignore"):
            self._run()

    def _run(self):
        contestants = prepare_race(self.config, self.variants)
        n = len(contestants)
        self._context.report("ready", tuple(c.name for c in contestants), tuple(c.config for c in contestants),
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
        self._context.report("updated", update)


def _test_accuracy(prepared):
    dataset = prepared.dataset
    if not len(dataset.X_test):
        return None
    return accuracy(dataset.y_test, prepared.network.predict(dataset.X_test))
