"""“Repeat with N seeds”: train the current experiment again with N seeds, one after another.

Each run starts from fresh weights (the window forgets its network first) with seed s, s+1, …;
their records share a group id, so the Runs dock shows them as one row with mean ± std. Stopping
a run by hand, or a failed run, ends the repetition.
"""

import uuid
from dataclasses import replace

from PySide6.QtCore import QTimer


class SeedRepeat:
    """Drives a MainWindow (`window`) through the runs of one repetition."""

    def __init__(self, window):
        self.window = window
        self.base = None             # the experiment being repeated
        self.seeds = []              # seeds still to train
        self.group, self.total = "", 0
        self._last_reason = None
        window._runner.stopped.connect(self._on_thread_stopped)

    @property
    def active(self):
        return self.base is not None

    def start(self, n):
        """Train the form's experiment with n seeds (nothing while a run is going or the form is invalid)."""
        w = self.window
        if w._runner.active or not w.panel.valid:
            return w.show_message("Stop the current run (and fix the form) before repeating with seeds.", "info")
        self.base = w.panel.config()
        self.seeds = [self.base.seed + i for i in range(n)]
        self.group, self.total = uuid.uuid4().hex[:16], n
        self._next()

    def record_label(self, name):
        """(name, group) for the record of a run that just finished: a repetition's runs share both."""
        if not self.active:
            return name, ""
        title = self.base.title or self.base.dataset
        return f"{title} × {self.total} seeds", self.group

    def on_finished(self, reason):
        self._last_reason = reason

    def _next(self):
        w = self.window
        seed = self.seeds.pop(0)
        w.reset()
        w.set_experiment(replace(self.base, seed=seed))
        w.show_message(f"Repeating with seeds: seed {seed}, run {self.total - len(self.seeds)} of "
                       f"{self.total}", "info")
        w.start_training()

    def _on_thread_stopped(self):
        if not self.active:
            return
        if self.seeds and self._last_reason not in ("stopped", "failed"):
            QTimer.singleShot(0, self._next)
            return
        w, base = self.window, self.base
        self.base, self.seeds = None, []
        w.set_experiment(base)
        w.show_message(f"Repeated with {self.total} seeds: see the Runs dock" if self._last_reason not in
                       ("stopped", "failed") else "Repetition with seeds stopped", "info")
