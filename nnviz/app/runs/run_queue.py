"""Runs trained one after another: “Repeat with N seeds”.

Each run starts from fresh weights (the window forgets its network first). A seed repetition trains
seed s, s+1, …; its records share a group id, so the Runs dock shows them as one row with
mean ± std. Stopping a run by hand, or a failed run, ends the queue. (A race of optimisers trains
its contestants side by side instead: race.py.)
"""

import uuid
from dataclasses import replace

from PySide6.QtCore import QTimer


class RunQueue:
    """Drives a MainWindow (`window`) through a queue of experiments."""

    def __init__(self, window, runner):
        self.window, self.runner = window, runner       # runner: the window's TrainingRunner
        self.base = None             # the form's experiment, given back at the end
        self.queue = []              # (config, record name, group) still to train
        self.current = None
        self.total = 0
        self._last_reason = None
        runner.stopped.connect(self._on_run_stopped)

    @property
    def active(self):
        return self.base is not None

    def _ready(self):
        w = self.window
        if self.runner.active or not w.panel.valid:
            w.show_message("Stop the current run (and fix the form) first.", "info")
            return None
        return w.panel.config()

    def repeat_with_seeds(self, n):
        """Train the form's experiment with n seeds, as one group."""
        base = self._ready()
        if base is not None:
            group = uuid.uuid4().hex[:16]
            name = f"{base.dataset} × {n} seeds ({base.seed}–{base.seed + n - 1})"
            self._start(base, [(replace(base, seed=base.seed + i), name, group) for i in range(n)])

    def _start(self, base, queue):
        self.base, self.queue, self.total = base, queue, len(queue)
        self._next()

    def record_label(self, name):
        """(name, group) for the record of a run that just finished."""
        return (self.current[1], self.current[2]) if self.active else (name, "")

    def on_finished(self, reason):
        self._last_reason = reason

    def _next(self):
        w = self.window
        self.current = self.queue.pop(0)
        w.reset()
        w.set_experiment(self.current[0])
        w.show_message(f"Run {self.total - len(self.queue)} of {self.total}: {self.current[1]} "
                       f"(seed {self.current[0].seed})", "info")
        w.start_training()

    def _on_run_stopped(self):
        if not self.active:
            return
        completed = self._last_reason not in ("stopped", "failed")
        if self.queue and completed:
            QTimer.singleShot(0, self._next)
            return
        w, base = self.window, self.base
        self.base, self.queue, self.current = None, [], None
        w.set_experiment(base)
        w.show_message(f"All {self.total} runs done: compare them in the Runs dock" if completed
                       else "The queue of runs was stopped", "info")
