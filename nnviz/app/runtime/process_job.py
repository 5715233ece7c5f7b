"""A job run in a training process, off the UI's process: `ProcessJob(job)` calls `job(context)` there.

For heavy work that is not a training run: File → Open dataset reads and checks a file there, a race
trains its contestants there. The job is a picklable callable taking a
`training_process.JobContext`; what it reports as it goes comes back as `reported`, its value as
`result`, an exception as `failed` (its message, as the training worker words it). `stop()` asks it
to stop. `cancel()` ends the process at once: nothing is reported, and nothing waits. A finished
job's process goes back to the idle pool, holding what the job kept there (`opened`), so that the
next run can use it.
"""

from PySide6.QtCore import QThread, Signal

from nnviz.app.runtime.training_process import TrainingProcess


class ProcessJob(QThread):
    """Sends one job to an idle training process and waits for its answer (in this thread, not the UI's)."""

    reported = Signal(str, tuple)        # what the job reported as it went: name, args
    result = Signal(object)
    failed = Signal(str)

    def __init__(self, job, parent=None):
        super().__init__(parent)
        self.setObjectName("nnviz-job")
        self.job = job
        self.process = TrainingProcess.take()
        self.cancelled = False

    def start(self):
        """Send the job (here: a stop asked for from now on reaches it), then read its reports in this thread."""
        try:
            self.process.send(("job", 0, self.job))
        except OSError:                   # the idle process died: one new process
            self.process.close()
            self.process = TrainingProcess()
            self.process.send(("job", 0, self.job))
        super().start()

    def run(self):
        process, value, message, alive = self.process, None, None, True
        try:
            while (report := process.channel.receive())[0] != "done":
                if report[0] == "report":
                    self.reported.emit(report[2], report[3])
                elif report[0] == "result":
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

    def stop(self):
        """Ask the job to stop (it reads `context.stopping`); it still reports how it ended."""
        try:
            self.process.send(("stop", 0))
        except (OSError, ValueError):     # it has ended
            pass

    def cancel(self):
        """End the job now: its process is killed, and nothing is reported."""
        self.cancelled = True
        self.process.kill("stopped")          # its reader here then sees the end, and closes it
