"""Redraw scheduling: feed each view the latest data as often as the UI can afford, one view at a time.

Training runs in its own process (`training_process`), so drawing no longer takes time from it
on a machine with a core to spare; but the UI thread has more to do than draw (the mouse, the
reports, the status), and on a busy machine its CPU is what the training process and the rest
share. So instead of redrawing everything 30 times a second, the scheduler updates one stale view
per tick, measures the UI thread's CPU time for that update including its paint (two hops of a
zero-delay timer: the scene's queued change notice, then the posted paint request, are handled
before it fires) and leaves the thread idle for `cost × (1 − share) / share` before the next tick.
The UI then spends at most about `share` of its CPU time drawing, never stalls for more than one
view's update, and never draws a view more than its `max_rate` times a second. The idle time is
capped at `max_wait`, and a frame is charged to its view's share as if it had cost at most that
wait's worth: one slow frame (the first paint of the whole window) holds no view back for long.

When the budget is short, views share it by CPU time, not by frames (weighted fair queuing): the
ready view that has used the least CPU time per unit of `weight` goes next. A view twice as cheap
gets twice the frames, so a cheap view in front (the network view at a few ms) is not starved by
an expensive one (the plots). A view that had nothing to draw for a while banks no time: when it
becomes stale again it starts level with the view last drawn.

A view off screen (`shown()` false: a dock behind another's tab) gets no ticks at all; it stays
stale until it is marked again once shown.

Times are read from `clock` (monotonic seconds) and `cpu_clock` (the thread's CPU seconds); tests
inject fake ones. Readings are only ever compared with other readings: a view never drawn is ready
at once, whatever the clock's origin.
"""

import math
import time

from PySide6.QtCore import QObject, QTimer


def on_screen(widget):
    """Is any of the widget on screen? A dock behind another dock's tab is moved off-screen, not hidden."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class RedrawScheduler(QObject):
    def __init__(self, parent=None, share=0.1, max_rate=30.0, max_wait=1.0, clock=time.perf_counter,
                 cpu_clock=time.thread_time):
        super().__init__(parent)
        self.clock, self.cpu_clock = clock, cpu_clock
        self.share, self.max_wait = share, max_wait
        self.min_interval = 1.0 / max_rate
        self._views = {}                 # name -> update callable
        self._intervals = {}             # name -> shortest time between two of its updates
        self._weights = {}               # name -> share of the CPU time when the budget is short
        self._used = {}                  # name -> CPU seconds drawn / weight (the fair-queuing tag)
        self._level = 0.0                # the tag of the view drawn last: where a view coming back starts
        self._stale = {}                 # name -> time it became stale
        self._last = {}                  # name -> time of its last update
        self._next_tick = -math.inf      # no tick before this (the budget)
        self._measuring = None           # (name, CPU start, hops left) of the update being measured
        self.costs = {}                  # name -> CPU seconds its last update took, paint included
        self._shown = {}                 # name -> is the view on screen?
        self.frames = {}                 # name -> number of updates so far
        self._tick_timer = QTimer(self, singleShot=True)
        self._tick_timer.timeout.connect(self._tick)
        self._probe = QTimer(self, singleShot=True, interval=0)
        self._probe.timeout.connect(self._measured)

    def add(self, name, update, max_rate=None, weight=1.0, shown=None):
        """`update()` pushes the latest data into a view; called only when the view is stale and
        `shown()` (default: always), at most `max_rate` times a second (default: the scheduler's).
        When the budget is short, views get CPU time in proportion to their `weight`."""
        self._views[name] = update
        self._shown[name] = shown or (lambda: True)
        self._weights[name] = weight
        self._intervals[name] = 1.0 / max_rate if max_rate else self.min_interval

    def mark(self, *names):
        """These views (all when none given) have new data to show."""
        now = self.clock()
        for name in names or self._views:
            if name not in self._stale:
                self._stale[name] = now
                self._used[name] = max(self._used.get(name, 0.0), self._level)
        self._schedule()

    def flush(self):
        """Update every stale view now (a screenshot, the end of a run)."""
        for name in list(self._stale):
            del self._stale[name]
            self._last[name] = self.clock()
            self._views[name]()

    def clear(self):
        """Forget pending updates and the CPU time counted so far (a new network)."""
        self._stale.clear()
        self._used.clear()
        self._level = 0.0

    @property
    def pending(self):
        """The views on screen with news still to draw (one off screen waits to be shown and marked)."""
        return {n for n in self._stale if self._shown[n]()}

    def _schedule(self):
        shown = [n for n in self._stale if self._shown[n]()] if self._measuring is None else []
        if not shown:
            return
        now = self.clock()
        at = max(self._next_tick, min(self._ready_at(n) for n in shown))
        wait_ms = int(max(0.0, at - now) * 1000)
        if not self._tick_timer.isActive() or self._tick_timer.remainingTime() > wait_ms:
            self._tick_timer.start(wait_ms)

    def _ready_at(self, name):
        return self._last.get(name, -math.inf) + self._intervals[name]

    def _tick(self):
        now = self.clock()
        ready = [n for n in self._stale if now >= self._ready_at(n) and self._shown[n]()]
        if not ready:
            return self._schedule()
        name = min(ready, key=lambda n: (self._used[n], self._last.get(n, -math.inf)))
        self._level = self._used[name]
        del self._stale[name]
        self._last[name] = now
        self._measuring = (name, self.cpu_clock(), 2)
        self._views[name]()
        self._probe.start()

    def _measured(self):
        name, start, hops = self._measuring
        if hops > 1:
            self._measuring = (name, start, hops - 1)
            return self._probe.start()
        self._measuring = None
        cost = self.costs[name] = self.cpu_clock() - start
        charged = min(cost, self.max_wait * self.share / (1 - self.share)) if self.share < 1 else cost
        self._used[name] = self._used.get(name, self._level) + charged / self._weights[name]
        self.frames[name] = self.frames.get(name, 0) + 1
        self._next_tick = self.clock() + min(cost * (1 - self.share) / self.share, self.max_wait)
        self._schedule()
