"""The training process: the worker's loop runs in a child Python process, beside the UI's.

Why a process and not a thread: training these small networks is mostly interpreter work (a spirals
batch of 32 is ~100 µs of Python around tiny matrix products), and so is drawing (pyqtgraph paints
in Python). In one process both share one interpreter lock: every millisecond drawn is a millisecond
not trained, and each hand-over of the lock can wait a switch interval (5 ms). As two processes they
run on two cores: the UI can redraw often without slowing training.

The UI writes commands to the child's stdin and reads reports from its stdout, each a pickle
prefixed by its length (`Channel`). Commands: ("start", run, setup, options) — `setup` a picklable
callable returning a `nnviz.prepare.Prepared` — then (control, run, *args) with control one of
`CONTROLS`; ("job", run, job) calls a picklable job(JobContext) there (`ProcessJob`): its reports
("report", run, name, args), then ("result", run, value) or ("failed", run, message), "stop" stops
it; ("exit",) or the end of stdin ends the child. Reports are the `TrainingWorker`'s reports as
(name, run, *args), "done" last for each run, and ("alive",) every HEARTBEAT_SECONDS while a run
goes: the UI ends a child that falls silent (stopped, stuck) and says so.

A run's data crosses once, and only what the window shows of it: the child keeps the last run's data
whole (`Channel.held`) and sends `RunData.for_window()` in the "ready" report; a continuation
("start" with a `Continuation`) names that data by its key instead of copying MNIST's arrays back.
The child starts isolated (`child_command`): nothing is imported from the folder the app was started
in. It imports no Qt either: the worker's reports are plain callbacks, and every job lives in a module
without Qt (tests/app/test_training_process.py checks both).
"""

import atexit
import io
import json
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

from nnviz.app.runtime.snapshot import RunData

try:
    import fcntl  # POSIX: the reports' pipe can be made larger (Linux)
except ImportError:
    fcntl = None

HEADER = struct.Struct("<Q")                 # the length of the pickle that follows
MAX_MESSAGE = 512 << 20                      # a longer announced length is a garbled stream
CHUNK = 1 << 20                              # a message is read in pieces as they come, not all at once
REPORT_PIPE_BYTES = 1 << 20                  # the default pipe-max-size of Linux
HEARTBEAT_SECONDS = 0.5                      # a running child says "alive" this often
START_SECONDS = 30.0                         # more time a new child has to say its first word
# Commands a running worker obeys: the command's name -> the TrainingWorker method it calls.
CONTROLS = {"pause": "pause", "resume": "resume", "step": "step", "stop": "stop", "settings": "apply_settings",
            "pace": "set_pace", "received": "received"}
SIGNALS = ("ready", "updated", "diverged", "failed", "finished")


class GarbledMessage(Exception):
    """The stream does not hold a message as `Channel` frames them."""


class Channel:
    """Pickles framed by their length over a pair of binary streams (any thread may send).

    `held` is the run data this end keeps, by key (a uuid, never reused): in the training process,
    the last run's data whole; in the UI, what the window was sent of it. A message may carry
    references to it instead of arrays: ("data", key) for the RunData, ("dataset", key) or
    ("train_data", key) for its parts — each end resolving them to its own."""

    def __init__(self, reading, writing):
        self._reading, self._writing = reading, writing
        self._lock = threading.Lock()
        self.held = {}                       # key -> RunData

    def send(self, message, references=None):
        """Pickle `message` to the other end; `references(obj)` -> a reference sent in place of `obj`,
        or None (a hook called for every object pickled: only for the few messages that need it)."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        if references is not None:
            pickler.persistent_id = references
        pickler.dump(message)
        payload = buffer.getbuffer()
        with self._lock:
            self._writing.write(HEADER.pack(len(payload)))
            self._writing.write(payload)
            self._writing.flush()

    def receive(self):
        """The next message; EOFError when the other end has closed, GarbledMessage on a length no
        message has (the bytes after it are not read: a wrong length would otherwise wait forever)."""
        header = self._reading.read(HEADER.size)
        if len(header) < HEADER.size:
            raise EOFError("the other end closed the channel")
        size, = HEADER.unpack(header)
        if size > MAX_MESSAGE:
            raise GarbledMessage(f"a message of {size:,} bytes was announced (at most {MAX_MESSAGE:,})")
        pieces, left = [], size
        while left:
            piece = self._reading.read(min(left, CHUNK))
            if not piece:
                raise EOFError("the channel closed in the middle of a message")
            pieces.append(piece)
            left -= len(piece)
        unpickler = pickle.Unpickler(io.BytesIO(b"".join(pieces)))
        unpickler.persistent_load = self._resolve
        return unpickler.load()

    def _resolve(self, reference):
        part, key = reference
        data = self.held[key]
        return data if part == "data" else getattr(data, part)

    def held_data(self, obj):
        """`references` for a message that may hold a RunData this end and the other hold by key."""
        return ("data", obj.key) if isinstance(obj, RunData) and obj.key in self.held else None


# -- starting the child ------------------------------------------------------------------------

NNVIZ_HOME = str(Path(__file__).resolve().parents[3])     # the folder holding this nnviz package
# The child's first words: this process's import path, then the loop. `python -I -c` puts neither
# the working directory nor PYTHONPATH on the path (a `queue.py` in the folder the app was started
# from must never be imported), so the path is handed over explicitly, this nnviz first.
BOOTSTRAP = ("import json, sys; sys.path[:0] = [p for p in json.loads(sys.argv[1]) if p not in sys.path]; "
             "from nnviz.app.runtime.training_process import main; main()")


def child_command():
    """The command starting a training process: isolated (-I), importing the same nnviz as this process
    and what it can import (a setup pickles as a reference to its function), from absolute paths only."""
    path = [NNVIZ_HOME] + [entry for entry in sys.path if os.path.isabs(entry) and entry != NNVIZ_HOME]
    return [sys.executable, "-I", "-c", BOOTSTRAP, json.dumps(path)]


# -- the UI's side ------------------------------------------------------------------------------

def _grow_pipe(stream):
    """Let the reports' pipe hold REPORT_PIPE_BYTES (Linux; elsewhere, or past the system's limit, it
    keeps its size). A report of MNIST's weights is 440 KB: through a 64 KB pipe the child waited in
    `write` until the UI's reader thread, which needs the interpreter lock between pieces, had read it
    all. In the window (bench/gui_responsiveness.py, ~27 reports a second): 2.7-3.2 ms a report
    blocked in write, 1.5-2.0 ms through 1 MB (~3% of the child's time back for training)."""
    try:
        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, REPORT_PIPE_BYTES)
    except (AttributeError, OSError):        # no fcntl, no F_SETPIPE_SZ (macOS), or over the limit
        pass


class TrainingProcess:
    """A child Python process that trains one run at a time (UI side). Idle ones wait in a pool:
    the next run starts without a new interpreter, and with the last run's data already there."""

    _idle = []
    IDLE_KEPT = 1
    EXIT_SECONDS = 2.0                       # an ended process that has not exited within this is killed

    def __init__(self):
        self._popen = subprocess.Popen(child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       cwd=NNVIZ_HOME)
        _grow_pipe(self._popen.stdout)
        self.channel = Channel(self._popen.stdout, self._popen.stdin)
        self.ending = None                   # why this side ended it: None, "stopped" or "unresponsive"
        # When it last said something (its reader sets it); a new interpreter is given time to start.
        self.heard = time.monotonic() + START_SECONDS

    @classmethod
    def take(cls):
        """An idle live process, or a new one."""
        while cls._idle:
            process = cls._idle.pop()
            if process.alive:
                return process
            process.close()
        return cls()

    @classmethod
    def warm_up(cls):
        """Start a process now, so that the first run does not wait for an interpreter to start."""
        if not cls._idle:
            cls._idle.append(cls())

    def give_back(self):
        """This process has finished its run: keep it for the next one (it holds the latest data: the
        longest idle one is ended if there are more than IDLE_KEPT), or end it."""
        if not (self.alive and self.ending is None):
            return self.close()
        TrainingProcess._idle.append(self)
        while len(TrainingProcess._idle) > self.IDLE_KEPT:
            TrainingProcess._idle.pop(0).close()

    @classmethod
    def close_idle(cls):
        while cls._idle:
            cls._idle.pop().close()

    @property
    def alive(self):
        return self._popen.poll() is None

    @property
    def exit_code(self):
        return self._popen.poll()

    def silent_for(self):
        """Seconds since it last said something (negative while it starts)."""
        return time.monotonic() - self.heard

    @property
    def pid(self):
        return self._popen.pid

    def send(self, message, references=None):
        self.channel.send(message, references)

    def kill(self, reason):
        """End it now (SIGKILL: a stopped process too); `reason` is what its reader reports."""
        self.ending = reason
        self._popen.kill()

    def wait(self, seconds):
        """Wait at most `seconds` for it to exit (not in the UI thread)."""
        try:
            self._popen.wait(seconds)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        """Ask the child to exit, without waiting: a thread waits EXIT_SECONDS and kills it if it has not
        (not a daemon: the interpreter does not exit before it has made sure)."""
        try:
            if self.alive:
                self.send(("exit",))
            self._popen.stdin.close()
        except OSError:
            pass
        threading.Thread(target=self._reap, name="nnviz-reaper").start()

    def _reap(self):
        try:
            self._popen.wait(self.EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            self._popen.kill()
            self._popen.wait()
        self._popen.stdout.close()


atexit.register(TrainingProcess.close_idle)


# -- the child's side ---------------------------------------------------------------------------

class JobContext:
    """What a job run in the training process gets: `report(name, *args)` sends ("report", run, name,
    args) to the UI as it goes; `stopping` is set when the UI asks it to stop."""

    def __init__(self, channel, run_id):
        self._channel, self.run_id = channel, run_id
        self.stopping = threading.Event()

    def report(self, name, *args):
        self._channel.send(("report", self.run_id, name, args))

    def stop(self):
        self.stopping.set()


def serve(channel):
    """The child's loop: runs start in this thread, one at a time; a listener thread obeys the controls;
    while a run goes, a heartbeat thread says "alive" every HEARTBEAT_SECONDS (a silent child is stuck)."""
    from nnviz.app.runtime.worker import TrainingWorker, failure_message

    runs = queue.Queue()
    current = []                             # the worker being run (at most one)
    running = threading.Event()

    def listen():
        try:
            while True:
                command, *args = channel.receive()
                if command == "exit":
                    break
                if command == "start":
                    run, setup, options = args
                    pace = options.pop("pace")
                    worker = TrainingWorker(setup, run_id=run, acknowledged=True, **options)
                    worker.set_pace(pace)
                    current[:] = [worker]    # before any control for it is read
                    running.set()
                    runs.put(partial(train, worker))
                elif command == "job":
                    run, job = args
                    current[:] = [JobContext(channel, run)]
                    running.set()
                    runs.put(partial(do, current[0], job))
                elif current and current[0].run_id == args[0]:
                    getattr(current[0], CONTROLS[command])(*args[1:])
        except EOFError:
            pass
        finally:
            if current:
                current[0].stop()
            runs.put(None)

    def heartbeat():
        while True:
            running.wait()
            channel.send(("alive",))
            time.sleep(HEARTBEAT_SECONDS)

    sent = {}                                # key -> what the window was sent of that run data

    def ready(run, data, snapshot):
        """The window gets what it shows of the run's data, once: a continuation's parts go as references."""
        shown = sent.get(data.key)
        channel.held = {data.key: data}      # whole, for the next continuation
        if shown is None:
            shown = data.for_window()
            references = None
        else:
            shown = shown.with_config(data.train_config)
            def references(obj, key=data.key, dataset=shown.dataset, train_data=shown.train_data):
                return ("dataset", key) if obj is dataset else ("train_data", key) if obj is train_data else None
        sent.clear()
        sent[data.key] = shown
        channel.send(("ready", run, shown, snapshot), references)

    def report(name):
        if name == "ready":
            return ready
        return lambda *args: channel.send((name, *args))

    def train(worker):
        for name in SIGNALS:
            getattr(worker, name).connect(report(name))
        worker.run()
        return worker.run_id

    def do(context, job):
        """A job (`ProcessJob`): its value as ("result", run, value), or ("failed", run, message)."""
        try:
            channel.send(("result", context.run_id, job(context)))
        except Exception as error:
            channel.send(("failed", context.run_id, failure_message(error)))
        return context.run_id

    threading.Thread(target=listen, name="nnviz-controls", daemon=True).start()
    threading.Thread(target=heartbeat, name="nnviz-heartbeat", daemon=True).start()
    while (task := runs.get()) is not None:
        run = task()
        running.clear()
        channel.send(("done", run))


def main():
    commands = os.fdopen(os.dup(0), "rb")
    reports = os.fdopen(os.dup(1), "wb")
    # From here a stray print goes to stderr (or nowhere, under pythonw), never into the reports.
    os.dup2(sys.stderr.fileno() if sys.stderr else os.open(os.devnull, os.O_WRONLY), 1)
    sys.stdout = sys.stderr                  # line by line, as the user's terminal shows it
    serve(Channel(commands, reports))
