"""The training worker: drives the core's `train` generator and reports throttled updates.

The worker runs in the training process (`training_process`), which relays its reports (plain
callbacks: no Qt there) to the UI, where `runner.RemoteWorker` emits them as Qt signals. It never
touches a widget, and the network it trains never leaves it: it hands the UI the run's `RunData`
and a first `Snapshot` (made between two batches), then small immutable `Update`s (a weight
`Snapshot` plus the events since the previous update) at most `max_rate` times a second, however
fast batches go. Latest data wins: while the UI has not yet received the last update
(`received()`), no new one is built — the events gather for the next — so reports never queue up
behind a busy UI. Pause, Step and Stop are thread-safe calls checked between batches, and after an
epoch's end rather than just before it (a pause never splits a batch from its epoch's evaluation:
status, curves and weights then agree); a paused worker sleeps on a condition variable (no busy
loop). `runner.TrainingRunner` is its counterpart on the UI side.
"""

import math
import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np

from nnviz.app.runtime.history import keep_epoch, keep_step
from nnviz.app.runtime.snapshot import RunData, Snapshot
from nnviz.core import BatchEnd, Diverged, EpochEnd, Finished, train
from nnviz.guard import UserError

RUNNING, PAUSED, FINISHED = "running", "paused", "finished"


def failure_message(error):
    """What the UI says about an exception raised in training or a job (call it in its `except`): a
    user error's own message; anything else is a bug, said as such (its traceback goes to stderr)."""
    if isinstance(error, UserError):
        return str(error)
    traceback.print_exc()
    return f"this is a bug in nnviz; please report it: {type(error).__name__}: {error}"


@dataclass(frozen=True)
class Update:
    """What the UI learns from one report: the latest weights and the events since the last report."""

    snapshot: Snapshot
    batches: tuple          # BatchEnd events, oldest first
    epochs: tuple           # EpochEnd events, oldest first
    state: str              # RUNNING, PAUSED or FINISHED
    kept: tuple = ()        # Snapshots worth keeping for replay (history.keep_step, epoch ends), oldest first
    made_at: float = 0.0    # when the snapshot was taken, on the worker's clock (how old what is shown is)
    pace: float = 0.0       # batches a second the run is held to (0: full speed)


class Report:
    """One kind of report of a worker: the callables connected to it are called in order, in the
    training thread, with the report's arguments (a Qt signal's direct connection, without Qt: the
    training process imports no Qt at all)."""

    def __init__(self):
        self._receivers = []

    def connect(self, receiver):
        self._receivers.append(receiver)

    def emit(self, *args):
        for receiver in self._receivers:
            receiver(*args)


REPORTS = ("ready", "updated", "diverged", "failed", "finished", "done")


class TrainingWorker:
    """Runs `setup()` (→ nnviz.prepare.Prepared) then trains its network, reporting as `runner.WorkerSignals`
    does in the UI (each a `Report` here): ready(run, RunData, first Snapshot) once; updated(run, Update)
    repeatedly; diverged(run, Diverged); failed(run, message); finished(run, Finished); done() last."""

    def __init__(self, setup, *, run_id=0, max_rate=30.0, start_paused=False, steps=0, acknowledged=False,
                 clock=time.perf_counter):
        """acknowledged: the receiver calls `received()` once it has handled an update, and no other
        running update is built before (without it, updates go out at `max_rate` regardless);
        clock: monotonic seconds for the report rate and the replay's pace (tests inject a fake one)."""
        for name in REPORTS:
            setattr(self, name, Report())
        self._clock = clock
        self.run_id = run_id
        self._setup = setup
        self._interval = 1.0 / max_rate
        self._cond = threading.Condition()
        self._paused = start_paused
        self._steps = steps
        self._stop = False
        self._settings = None        # a TrainConfig to apply at the next batch (set from the UI thread)
        self._pace = 0.0             # batches a second at most; 0: as fast as it goes
        self._pace_rule = None
        self._next_batch_at = -math.inf
        self._batches, self._epochs, self._kept = [], [], []
        self._last_emit = self._last_kept = -math.inf
        self._acknowledged = acknowledged
        self._in_flight = False      # an update sent and not yet received (set here, cleared by the UI)
        self._net = None
        self._training = None        # the run's Training (its events, and its state when it ends)
        self._last_batch = None
        self.last_snapshot = None    # the latest Snapshot sent (read it once the run has ended)

    # -- controls, safe to call from any thread ------------------------------------------------

    def pause(self):
        with self._cond:
            self._paused = True

    def resume(self):
        with self._cond:
            self._paused, self._steps = False, 0
            self._cond.notify_all()

    def step(self):
        """Train exactly one more batch, then stay paused."""
        with self._cond:
            self._paused = True
            self._steps += 1
            self._cond.notify_all()

    def stop(self):
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def apply_settings(self, train_config):
        """Train on with these settings from the next batch (the latest call wins)."""
        with self._cond:
            self._settings = train_config

    def set_pace(self, batches_per_second):
        """At most this many batches a second (0: full speed), so that a run can be watched; a
        callable is a rule, pace(prepared run), applied once the run is prepared."""
        if callable(batches_per_second):
            self._pace_rule = batches_per_second
            return
        with self._cond:
            self._pace = max(float(batches_per_second), 0.0)
            self._next_batch_at = -math.inf
            self._cond.notify_all()

    def received(self):
        """The UI has handled the last update: the next one may be built (any thread)."""
        self._in_flight = False

    def _take_settings(self):
        if self._settings is None:           # between every two batches: no lock unless there is news
            return None
        with self._cond:
            settings, self._settings = self._settings, None
            return settings

    @property
    def paused(self):
        return self._paused

    # -- the loop, in the training process -----------------------------------------------------

    def run(self):
        try:
            with np.errstate(all="ignore"):
                self._run()
        except Exception as error:
            self.failed.emit(self.run_id, failure_message(error))
            self.finished.emit(self.run_id, self._stopped_event("failed"))
        finally:
            self.done.emit()

    def _run(self):
        if self._should_stop():
            self.finished.emit(self.run_id, self._stopped_event())
            return
        job = self._setup()
        if self._pace_rule is not None:
            self.set_pace(self._pace_rule(job))
        self._net = job.network
        resume = getattr(job, "resume", None)
        self.last_snapshot = Snapshot.of(self._net, *((0, resume.step, resume.position, resume) if resume else ()))
        # A continuation trains on the data it continues (the same key); a new run on new data.
        self.ready.emit(self.run_id, RunData.of(job, key=getattr(self._setup, "data_key", None)), self.last_snapshot)
        self._training = events = train(job.network, job.train_data, job.train_config,
                                        settings=self._take_settings, resume=resume)
        try:
            if not self._gate():
                self.finished.emit(self.run_id, self._stopped_event())
                return
            for event in events:
                if isinstance(event, BatchEnd):
                    self._last_batch = event
                    self._batches.append(event)
                    if keep_step(event.step):
                        self._keep()
                    # An epoch's last batch is held at the gate after its EpochEnd.
                    if event.batch < event.batches_per_epoch and not self._gate():
                        return self._end_stopped()
                elif isinstance(event, EpochEnd):
                    self._epochs.append(event)
                    if keep_epoch(event.epoch, self._clock() - self._last_kept):
                        self._keep()
                    if not self._gate():
                        return self._end_stopped()
                elif isinstance(event, Diverged):
                    self._flush(PAUSED)
                    self.diverged.emit(self.run_id, event)
                    continue
                elif isinstance(event, Finished):
                    self._flush(FINISHED, exact=event.reason != "diverged")
                    self.finished.emit(self.run_id, event)
                    return
                if not self._in_flight and self._clock() - self._last_emit >= self._interval:
                    self._flush(RUNNING)
        finally:
            events.close()

    def _end_stopped(self):
        self._flush(FINISHED, exact=True)
        self.finished.emit(self.run_id, self._stopped_event())

    def _should_stop(self):
        with self._cond:
            return self._stop

    def _gate(self):
        """Between two batches: wait while paused (a pending step lets one batch through)."""
        if not (self._paused or self._stop or self._pace):     # the common case, without the lock
            return True
        with self._cond:
            if self._stop:
                return False
            if not self._paused:
                return self._keep_pace()
            if self._steps:
                self._steps -= 1
                return True
        self._flush(PAUSED)
        with self._cond:
            while self._paused and not self._steps and not self._stop:
                self._cond.wait()
            if self._stop:
                return False
            if self._paused and self._steps:
                self._steps -= 1
            return True

    def _keep_pace(self):
        """(Holding the lock.) With a pace set, wait for the next batch's turn; stop or pause end the wait
        (a pause then holds at the next gate). True unless stopped."""
        if self._pace:
            if (self._batches or self._epochs) and not self._in_flight and (
                    1.0 / self._pace >= self._interval or self._clock() - self._last_emit >= self._interval):
                self._cond.release()               # what the user sees is never a step behind
                try:
                    self._flush(RUNNING)
                finally:
                    self._cond.acquire()
            while not self._stop and not self._paused and self._pace:
                wait = self._next_batch_at - self._clock()
                if wait <= 0:
                    break
                self._cond.wait(wait)
            self._next_batch_at = max(self._next_batch_at + 1.0 / self._pace, self._clock()) if self._pace \
                else -math.inf
        return not self._stop

    def _flush(self, state, exact=False):
        """Report; `exact`: the run has ended and its snapshot carries the TrainState to go on from
        (not after a divergence, whose weights were rolled back)."""
        last = self._last_batch
        where = (last.epoch, last.step, last.position) if last else (0, 0, 0.0)
        self.last_snapshot = Snapshot.of(self._net, *where, self._training.state() if exact else None)
        self._last_emit = self._clock()
        update = Update(self.last_snapshot, tuple(self._batches), tuple(self._epochs), state, tuple(self._kept),
                        self._last_emit, self._pace)
        self._batches, self._epochs, self._kept = [], [], []
        self._in_flight = self._acknowledged
        self.updated.emit(self.run_id, update)

    def _keep(self):
        """Copy the weights for replay (once per step: an epoch's end may also be a log-spaced step)."""
        last = self._last_batch
        if last is not None and not (self._kept and self._kept[-1].step == last.step):
            self._kept.append(Snapshot.of(self._net, last.epoch, last.step, last.position))
            self._last_kept = self._clock()

    def _stopped_event(self, reason="stopped"):
        last = self._last_batch
        if last is None:
            return Finished(reason, 0, None, 0.0, 0.0)
        return Finished(reason, last.epochs_completed, None, last.elapsed, last.samples_seen / max(last.elapsed, 1e-9))
