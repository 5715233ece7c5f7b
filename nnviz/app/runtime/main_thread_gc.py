"""Garbage collection in the UI thread only, while other threads of the window's process run Python."""

import gc

from PySide6.QtCore import QObject, QTimer, Slot

GC_INTERVAL_MS = 500


class MainThreadGC(QObject):
    """While another thread of the UI's process runs Python (the threads reading a training process's
    reports: a run's, a race's, a job's), collect garbage cycles only in the UI thread.

    Python's cyclic collector runs in whichever thread happens to allocate: in another thread it
    would destroy Qt objects left over from the UI (closed windows, pyqtgraph items) in the
    wrong thread — and deadlock against the UI thread inside ~QObject. Automatic collection is
    therefore off during a run and a timer collects in the UI thread instead (as pyqtgraph's
    GarbageCollector does), generation by generation when their thresholds are passed. Several
    guards may run at once (a training run and a race): automatic collection comes back when the
    last one stops.
    """

    _running = 0                 # guards started and not stopped, in the whole process
    _restore = False             # was automatic collection on when the first of them started?

    def __init__(self, parent=None):
        super().__init__(parent)
        self._timer = QTimer(self, interval=GC_INTERVAL_MS)
        self._timer.timeout.connect(self.check)

    def start(self):
        if not self._timer.isActive():
            if MainThreadGC._running == 0:
                MainThreadGC._restore = gc.isenabled()
                gc.disable()
            MainThreadGC._running += 1
            self._timer.start()

    def stop(self):
        if self._timer.isActive():
            self._timer.stop()
            MainThreadGC._running -= 1
            if MainThreadGC._running == 0 and MainThreadGC._restore:
                gc.enable()

    @Slot()
    def check(self):
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in range(3):
            if counts[generation] <= thresholds[generation]:
                break
            gc.collect(generation)
