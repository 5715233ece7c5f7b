"""File → Open dataset and Open image folder: the files are read in a training process, never in the UI.

While a training process reads and checks the dataset (`opened.OpenDataset`), the status bar shows
a busy bar and a Cancel button; the window stays responsive. Once it is read, it becomes the
experiment's dataset, and the process keeps it for the next Train (read once). A bad file is a
message; Cancel ends the reading at once and leaves the experiment as it was.
"""

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QProgressBar, QPushButton

from nnviz.app.runtime.opened import OpenDataset
from nnviz.app.runtime.process_job import ProcessJob


class DatasetOpener(QObject):
    """Opens one dataset at a time for a MainWindow (a new one replaces one still being read)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.job = self.config = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)                 # busy: the loaders do not say how far they are
        self.progress.setMaximumWidth(120)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop reading the dataset (the experiment stays as it is)")
        self.cancel_button.clicked.connect(self.cancel)
        for widget in (self.progress, self.cancel_button):
            window.statusBar().addPermanentWidget(widget)
            widget.hide()

    @property
    def busy(self):
        return self.job is not None

    def open(self, config):
        """Read `config`'s dataset; once read without error, `config` becomes the window's experiment."""
        self.cancel(quietly=True)
        self.config, self.job = config, ProcessJob(OpenDataset(config), self)
        self.job.result.connect(self._opened)
        self.job.failed.connect(self._failed)
        self._show(True)
        self.window.statusBar().showMessage(f"Reading the dataset {config.dataset}…")
        self.job.start()

    def cancel(self, quietly=False):
        if self.job is None:
            return
        self.job.cancel()
        self._release()
        if not quietly:
            self.window.statusBar().showMessage("Opening the dataset was cancelled", 8000)

    def shutdown(self):
        """The window closes: end any reading and its thread."""
        job = self.job
        self.cancel(quietly=True)
        if job is not None:
            job.wait()                               # moments: its process was killed

    def _opened(self, summary):
        if self.sender() is not self.job:            # a cancelled job's late answer
            return
        config = self.config
        self._release()
        w = self.window
        if w.confirm_stop("open another dataset"):
            w.set_experiment(config)
            w.statusBar().showMessage(str(summary), 10000)

    def _failed(self, message):
        if self.sender() is not self.job:
            return
        self._release()
        self.window.statusBar().clearMessage()
        self.window.show_message(f"Cannot open the dataset: {message}", box=True)

    def _release(self):
        job, self.job = self.job, None
        job.finished.connect(job.deleteLater)
        if job.isFinished():
            job.deleteLater()
        self._show(False)

    def _show(self, shown):
        self.progress.setVisible(shown)
        self.cancel_button.setVisible(shown)
