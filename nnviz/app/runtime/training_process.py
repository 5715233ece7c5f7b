"""The training process: the worker's loop runs in a child Python process, beside the UI's.

Why a process and not a thread: training these small networks is mostly interpreter work (a spirals
batch of 32 is ~100 µs of Python around tiny matrix products), and so is drawing (pyqtgraph paints
in Python). In one process both share one interpreter lock: every millisecond drawn is a
millisecond not trained, and each hand-over of the lock can wait a switch interval (5 ms). As two
processes they run on two cores: the UI can redraw often without slowing training.

The UI writes commands to the child's stdin and reads reports from its stdout, each a pickle
prefixed by its length (`Channel`). Commands: ("start", run, setup, options) — `setup` a picklable
callable returning a `nnviz.prepare.Prepared` — then (control, run, *args) with control one of
`CONTROLS`; ("exit",) or the end of stdin ends the child. Reports are the `TrainingWorker`'s
signals as (name, run, *args), "done" last for each run.

A run's dataset and training data cross once. Both ends keep the last run's (`Channel.shared`,
filled in when the "ready" report passes) and pickle them afterwards as a short reference in the
"start" command and the "ready" report, so continuing a run, or reporting a continued one, never
copies MNIST's arrays again.
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
from pathlib import Path

from PySide6.QtCore import Qt

HEADER = struct.Struct("<Q")                 # the length of the pickle that follows
# Commands a running worker obeys: the command's name -> the TrainingWorker method it calls.
CONTROLS = {"pause": "pause", "resume": "resume", "step": "step", "stop": "stop", "settings": "apply_settings",
            "pace": "set_pace", "received": "received"}
SIGNALS = ("ready", "updated", "diverged", "failed", "finished")


class Channel:
    """Pickles framed by their length over a pair of binary streams; `shared` objects go as references."""

    def __init__(self, reading, writing):
        self._reading, self._writing = reading, writing
        self.shared = {}                     # reference -> object, the same on both ends

    def send(self, message, by_reference=False):
        """Pickle `message` to the other end; with by_reference, `shared` objects in it go as references
        (a hook called for every object pickled: only for the few messages that may hold them)."""
        if by_reference and self.shared:
            shared = {id(obj): ref for ref, obj in self.shared.items()}
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.persistent_id = lambda obj: shared.get(id(obj))
            pickler.dump(message)
            payload = buffer.getbuffer()
        else:
            payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self._writing.write(HEADER.pack(len(payload)))
        self._writing.write(payload)
        self._writing.flush()

    def receive(self):
        """The next message; EOFError when the other end has closed."""
        header = self._reading.read(HEADER.size)
        if len(header) < HEADER.size:
            raise EOFError("the other end closed the channel")
        size, = HEADER.unpack(header)
        payload = self._reading.read(size)
        if len(payload) < size:
            raise EOFError("the channel closed in the middle of a message")
        unpickler = pickle.Unpickler(io.BytesIO(payload))
        unpickler.persistent_load = self.shared.__getitem__
        return unpickler.load()

    def share(self, run_data):
        """From now on, this run's dataset and training data are sent as references."""
        shared = {"dataset": run_data.dataset, "train_data": run_data.train_data}
        self.shared = {ref: obj for ref, obj in shared.items() if obj is not None}     # None is no data


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

class TrainingProcess:
    """A child Python process that trains one run at a time (UI side). Idle ones wait in a pool:
    the next run starts without a new interpreter, and with the last run's data already there."""

    _idle = []
    IDLE_KEPT = 1

    def __init__(self):
        self._popen = subprocess.Popen(child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       cwd=NNVIZ_HOME)
        self.channel = Channel(self._popen.stdout, self._popen.stdin)

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
        """This process has finished its run: keep it for the next one (or end it)."""
        if self.alive and len(TrainingProcess._idle) < self.IDLE_KEPT:
            TrainingProcess._idle.append(self)
        else:
            self.close()

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

    def send(self, message, by_reference=False):
        self.channel.send(message, by_reference)

    def kill(self):
        self._popen.kill()

    def close(self, timeout=2.0):
        """Ask the child to exit, and kill it if it has not within `timeout` seconds."""
        try:
            if self.alive:
                self.send(("exit",))
            self._popen.stdin.close()
        except OSError:
            pass
        try:
            self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self._popen.kill()
            self._popen.wait()
        self._popen.stdout.close()


atexit.register(TrainingProcess.close_idle)


# -- the child's side ---------------------------------------------------------------------------

def serve(channel):
    """The child's loop: runs start in this thread, one at a time; a listener thread obeys the controls."""
    from nnviz.app.runtime.worker import TrainingWorker

    runs = queue.Queue()
    current = []                             # the worker being run (at most one)

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
                    runs.put(worker)
                elif current and current[0].run_id == args[0]:
                    getattr(current[0], CONTROLS[command])(*args[1:])
        except EOFError:
            pass
        finally:
            if current:
                current[0].stop()
            runs.put(None)

    def report(name):
        def send(*args):
            channel.send((name, *args), by_reference=name == "ready")
            if name == "ready":
                channel.share(args[1])
        return send

    threading.Thread(target=listen, name="nnviz-controls", daemon=True).start()
    while (worker := runs.get()) is not None:
        for name in SIGNALS:
            getattr(worker, name).connect(report(name), Qt.ConnectionType.DirectConnection)
        worker.run()
        channel.send(("done", worker.run_id))


def main():
    commands = os.fdopen(os.dup(0), "rb")
    reports = os.fdopen(os.dup(1), "wb")
    # From here a stray print goes to stderr (or nowhere, under pythonw), never into the reports.
    os.dup2(sys.stderr.fileno() if sys.stderr else os.open(os.devnull, os.O_WRONLY), 1)
    sys.stdout = sys.stderr                  # line by line, as the user's terminal shows it
    serve(Channel(commands, reports))

