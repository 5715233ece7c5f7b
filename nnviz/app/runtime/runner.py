"""The UI's side of training: `TrainingRunner` starts runs in a training process and relays its reports.

A run's `RemoteWorker` stands in the UI for the `TrainingWorker` in the child process: its reports as
Qt signals (ready, updated, diverged, failed, finished, done) and the same thread-safe controls (pause,
resume, step, stop, apply_settings, set_pace, received), which it sends to the child. A
`ReportReader` thread reads the child's reports and emits them as the worker's signals, so they
reach the window's slots queued in the UI thread, in order. The UI never holds the network: only
what the reports carry (snapshots, events, the run's data).
"""

import time

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from nnviz.app.runtime.main_thread_gc import MainThreadGC
from nnviz.app.runtime.training_process import HEARTBEAT_SECONDS, TrainingProcess
from nnviz.core import Finished

STOP_GRACE_MS = 800             # a run asked to stop that has not within this is ended with its process
HEARTBEAT_TIMEOUT = 10.0        # seconds without a word from the training process: it is stuck
WATCH_MS = 500                  # how often the runner looks


class WorkerSignals(QObject):
    """What a run reports, each signal carrying the run id first so that the UI can ignore a stopped
    run's late reports, in order: ready(RunData, first Snapshot) once; updated(Update) repeatedly;
    diverged(Diverged) if the loss blew up; failed(str) on an exception; finished(Finished) — reason
    "stopped" when asked to stop, "failed" after an error — and done() last, always."""

    ready = Signal(int, object, object)
    updated = Signal(int, object)
    diverged = Signal(int, object)
    failed = Signal(int, str)
    finished = Signal(int, object)
    done = Signal()


class RemoteWorker(WorkerSignals):
    """The UI's handle on one run in the training process: its reports arrive as these signals."""

    def __init__(self, process, run_id, paused):
        super().__init__()
        self._process = process
        self.run_id = run_id
        self.paused = paused              # as the user last asked
        self.last_snapshot = None         # the latest Snapshot received (set by the reader thread)

    def _send(self, command, *args):
        try:
            self._process.send((command, self.run_id, *args))
        except OSError:                   # the process has ended: its reader reports that
            pass

    def pause(self):
        self.paused = True
        self._send("pause")

    def resume(self):
        self.paused = False
        self._send("resume")

    def step(self):
        self.paused = True
        self._send("step")

    def stop(self):
        self._send("stop")

    def apply_settings(self, train_config):
        self._send("settings", train_config)

    def set_pace(self, batches_per_second):
        self._send("pace", batches_per_second)

    def received(self):
        self._send("received")


class ReportReader(QThread):
    """Reads one run's reports from the training process and emits them as its worker's signals."""

    def __init__(self, process, worker):
        super().__init__()
        self.setObjectName("nnviz-reports")
        self.process, self.worker = process, worker
        self.ready = False                  # the run has reported "ready" (its data is prepared)

    def run(self):
        worker, process = self.worker, self.process
        try:
            while True:
                name, *message = process.channel.receive()
                process.heard = time.monotonic()
                if name == "alive":
                    continue
                run, *args = message
                if name == "done":
                    break
                if name == "ready":
                    process.channel.held = {args[0].key: args[0]}
                    worker.last_snapshot = args[1]
                    self.ready = True
                elif name == "updated":
                    worker.last_snapshot = args[0].snapshot
                getattr(worker, name).emit(run, *args)
        except Exception as error:          # it ended (EOFError), or its reports can no longer be read
            self._ended(error)
        worker.done.emit()

    def _ended(self, error):
        process, worker = self.process, self.worker
        if process.ending is None and not isinstance(error, EOFError):     # garbled: of no use any more
            process.kill("failed")
        process.close()
        process.wait(1.0)                   # its exit code, once the system has it
        if process.ending == "stopped":     # the user's Stop ended it: a stop like any other
            worker.finished.emit(worker.run_id, Finished("stopped", 0, None, 0.0, 0.0))
            return
        if process.ending == "unresponsive":
            what = "the training process stopped responding and was ended"
        elif isinstance(error, EOFError):
            what = f"the training process ended unexpectedly (exit code {process.exit_code})"
        else:
            what = f"the training process sent a report that cannot be read ({type(error).__name__}: {error})"
        worker.failed.emit(worker.run_id, f"{what}; the last weights it sent are kept")
        worker.finished.emit(worker.run_id, Finished("failed", 0, None, 0.0, 0.0))


class TrainingRunner(QObject):
    """Owns at most one run at a time; the UI talks to training only through this.

    `start` takes a `connect(worker)` callback to hook up signals before the run starts and returns
    the worker; `stopped` is emitted (in the UI thread) once the run's reports have all been read
    and the run released. `final` is then (run id, the last Snapshot the run sent or None): the
    weights the run ended with, even when its last reports are still queued (a stop waits for them).
    """

    stopped = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._reader = None
        self._worker = None
        self._runs = 0
        self.pace = 0.0              # batches a second for every run (0: full speed)
        self.final = None
        self._gc = MainThreadGC(self)     # the reader thread unpickles: collect only in the UI thread
        self.heartbeat_timeout = HEARTBEAT_TIMEOUT
        self._watchdog = QTimer(self, interval=WATCH_MS)
        self._watchdog.timeout.connect(self._watch)

    @property
    def active(self):
        return self._reader is not None

    @property
    def run_id(self):
        """Id of the current (or last) run; reports carrying another id are stale."""
        return self._runs

    @property
    def worker(self):
        return self._worker

    def start(self, setup, *, connect=None, start_paused=False, steps=0, max_rate=30.0):
        """Start a run of `setup` (picklable: it is called in the training process); `connect(worker)`
        is called before it starts."""
        if self.active:
            raise RuntimeError("a training run is already going; stop it first")
        self._runs += 1
        options = {"max_rate": max_rate, "start_paused": start_paused, "steps": steps, "pace": self.pace}
        process = TrainingProcess.take()
        try:
            process.send(("start", self._runs, setup, options), process.channel.held_data)
        except OSError:                   # it died while idle: one new process
            process.close()
            process = TrainingProcess()
            process.send(("start", self._runs, setup, options))
        worker = RemoteWorker(process, self._runs, start_paused)
        if connect is not None:
            connect(worker)
        worker.updated.connect(self._received)     # after the window's slots: queued in this order
        reader = ReportReader(process, worker)
        reader.finished.connect(self._on_reader_finished)
        self._reader, self._worker = reader, worker
        self._gc.start()
        self._watchdog.start()
        reader.start()
        return worker

    def pause(self):
        if self._worker:
            self._worker.pause()

    def resume(self):
        if self._worker:
            self._worker.resume()

    def step(self):
        if self._worker:
            self._worker.step()

    def set_pace(self, pace, now=None):
        """Batches a second (0: full speed), or a rule pace(prepared run), for the next runs; the
        running one goes at `now` (default: `pace`)."""
        self.pace = pace
        if self._worker:
            self._worker.set_pace(pace if now is None else now)

    def apply_settings(self, train_config):
        """New training settings for the running worker, from its next batch."""
        if self._worker:
            self._worker.apply_settings(train_config)

    def stop(self, wait=True):
        """Ask the run to stop between two batches; with wait, read its last reports and release it.
        The UI never waits long: a run still preparing its data, silent, or not stopped within
        STOP_GRACE_MS is ended with its process (and reported as stopped, as asked)."""
        if not self.active:
            return
        self._worker.stop()
        if wait:
            reader = self._reader
            if not reader.ready or reader.process.silent_for() > 4 * HEARTBEAT_SECONDS or \
                    not reader.wait(STOP_GRACE_MS):
                reader.process.kill("stopped")
                reader.wait()             # moments: its reports end where the process did
            self._release()

    def shutdown(self):
        """Stop any run and end the idle training processes (the window closes)."""
        self.stop()
        TrainingProcess.close_idle()

    @Slot()
    def _watch(self):
        """A run whose process has said nothing for `heartbeat_timeout` seconds is ended: its reader
        reports that it stopped responding."""
        reader = self._reader
        process = reader.process if reader is not None else None
        if process is not None and process.ending is None and process.silent_for() > self.heartbeat_timeout:
            process.kill("unresponsive")

    @Slot(int, object)
    def _received(self, run, update):
        if self._worker is not None and self._worker.run_id == run:
            self._worker.received()

    @Slot()
    def _on_reader_finished(self):
        # A run that `stop` already waited for and released reports its end late, maybe while the
        # next run's reader has just finished too (with its reports still queued): ignore it.
        if self.sender() is self._reader:
            self._release()

    def _release(self):
        reader, worker = self._reader, self._worker
        if reader is None or reader.isRunning():
            return
        self._reader = self._worker = None
        self.final = (worker.run_id, worker.last_snapshot)
        reader.process.give_back()
        worker.deleteLater()
        reader.deleteLater()
        self._gc.stop()
        self._watchdog.stop()
        self.stopped.emit()

