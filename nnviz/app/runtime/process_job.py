"""A job run in a training process, off the UI's process: `ProcessJob(job)` calls `job()` there.

For heavy work that is not a training run (File → Open dataset reads and checks a file there). The
job is a picklable callable; its value comes back as `result`, an exception as `failed` (its
message, as the training worker words it). `cancel()` ends the process at once: nothing is reported,
and nothing waits. A finished job's process goes back to the idle pool, holding what the job kept
there (`opened`), so that the next run can use it.
"""

from PySide6.QtCore import QThread, Signal

from nnviz.app.runtime.training_process import TrainingProcess


class ProcessJob(QThread):
    """Sends one job to an idle training process and waits for its answer (in this thread, not the UI's)."""

    result = Signal(object)
    failed = Signal(str)

    def __init__(self, job, parent=None):
        super().__init__(parent)
        self.setObjectName("nnviz-job")
        self.job = job
        self.process = TrainingProcess.take()
        self.cancelled = False

    def run(self):
        process, value, message, alive = self.process, None, None, True
        try:
            process.send(("job", 0, self.job))
            while (report := process.channel.receive())[0] != "done":
                if report[0] == "result":
                    value = report[2]
                elif report[0] == "failed":
                    message = report[2]
        except (OSError, EOFError) as error:
            alive, message = False, f"the training process ended unexpectedly ({error})"
        if self.cancelled:
            return process.close()
        process.give_back() if alive else process.close()
        if message is None:
            self.result.emit(value)
        else:
            self.failed.emit(message)

    def cancel(self):
        """End the job now: its process is killed, and nothing is reported."""
        self.cancelled = True
        self.process.kill("stopped")          # its reader here then sees the end, and closes it
