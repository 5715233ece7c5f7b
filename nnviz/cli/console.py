"""The CLI's human-readable training output: a \\r progress line, epoch lines and the summary."""

import math
import time

from nnviz.core import BatchEnd, EpochEnd

PROGRESS_INTERVAL = 0.1         # seconds between two redraws of the \r progress line


class TrainingConsole:
    """Human-readable training output on `out`: a \\r progress line (terminals only) and epoch lines.

    Every epoch gets a line in runs of up to 100 epochs; longer or time-budgeted runs print about
    one a second (and always the last). `quiet` prints nothing here.
    """

    def __init__(self, out, quiet, epochs, deadline):
        self.out, self.quiet, self.epochs, self.deadline = out, quiet, epochs, deadline
        self.live = not quiet and out.isatty()
        self.every_epoch = epochs <= 100 and not math.isfinite(deadline)
        self.started = time.perf_counter()
        self.last_draw = self.last_line = -math.inf
        self.width = 0
        self.accuracy = None    # of the last finished epoch (batches carry no accuracy)
        self.pending = None     # the latest epoch line, until printed

    def batch(self, e: BatchEnd):
        now = time.perf_counter()
        if not self.live or now - self.last_draw < PROGRESS_INTERVAL:
            return
        self.last_draw = now
        if math.isfinite(self.deadline):
            done = (now - self.started) / max(self.deadline - self.started, 1e-9)
            where, eta = f"epoch {e.epoch}", self.deadline - now
        else:
            done, where = e.position / self.epochs, f"epoch {e.epoch}/{self.epochs}"
            eta = e.elapsed / e.position * (self.epochs - e.position)       # the run's position, in epochs
        filled = min(20, round(20 * done))
        acc = "" if self.accuracy is None else f"  acc {self.accuracy:.2%}"
        self._draw(f"[{'#' * filled}{'.' * (20 - filled)}] {where}  batch {e.batch}/{e.batches_per_epoch}"
                   f"  loss {e.loss:.4f}{acc}  ETA {format_duration(eta)}")

    def epoch(self, e: EpochEnd):
        self.accuracy = e.val_accuracy if e.val_accuracy is not None else e.train_accuracy
        val = "" if e.val_loss is None else f"  val loss {e.val_loss:.4f} acc {e.val_accuracy:6.2%}"
        of = f"/{e.epochs}" if math.isinf(self.deadline) else ""
        self.pending = (f"epoch {e.epoch:>4}{of}  train loss {e.train_loss:.4f} acc {e.train_accuracy:6.2%}"
                        f"{val}  lr {e.learning_rate:.4g}  {e.epoch_seconds:.2f} s")
        now = time.perf_counter()
        if self.every_epoch or now - self.last_line >= 1.0:
            self.last_line = now
            self.flush()

    def flush(self):
        """Print the pending epoch line (if any) over the progress line."""
        if self.pending and not self.quiet:
            self._draw("")
            print(self.pending, file=self.out, flush=True)
        self.pending = None

    def _draw(self, text):
        if self.live:
            self.out.write("\r" + text.ljust(self.width) + ("" if text else "\r"))
            self.out.flush()
            self.width = len(text)


def format_duration(seconds):
    """Seconds as m:ss, or h:mm:ss from an hour on."""
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def print_train_summary(s, dataset_name):
    """The `nnviz train` summary dict `s` as a few lines of text on stdout."""
    weights = (f"best-validation weights from epoch {s['best_epoch']}" if s["weights"] == "best_validation"
               else "final weights")
    print(f"test accuracy {s['test_accuracy']:.2%} on {s['test_samples']:,} {dataset_name} test samples "
          f"({weights})")
    print(f"{s['epochs']} epoch{'' if s['epochs'] == 1 else 's'} in {s['wall_seconds']:.1f} s wall time "
          f"({s['samples_per_second']:,.0f} samples/s while training); finished: {s['reason']}")
    for finding in s["health"]:
        print(f"health {finding['level']}: {finding['message']}")
    for key, what in (("saved", "model saved to"), ("log", "metrics log written to")):
        if key in s:
            print(f"{what} {s[key]}")
