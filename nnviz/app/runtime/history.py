"""Weight snapshots kept while training, for replay: every epoch and log-spaced early steps, in bounded memory.

The worker keeps a snapshot after the log-spaced steps 1, 2, 3, 4, 6, 8, 11, 16, … (⌊√2ᵏ⌉, so a
fast run that lasts a few epochs still has its first moments) and after every epoch — of a fast run
beyond its first `EVERY_EPOCH_UP_TO` epochs only one every `KEEP_INTERVAL` seconds (a replay cannot
show more; copying ~1,300 epochs a second of a toy net cost training ~2% for nothing). A
`SnapshotHistory` holds them for the window at most `max_bytes` (200 MB) and `max_count` (1,000) at
a time: when either is exceeded it thins evenly, dropping every other snapshot (the first stays),
and from then on keeps only every other snapshot offered, so the whole run stays covered at one
density — old and new alike.
"""

import numpy as np

from nnviz.io.run_store import snapshot_arrays

MAX_BYTES = 200 * 2**20
MAX_COUNT = 1000
LOG_STEPS = frozenset(int(round(2 ** (k / 2))) for k in range(80))
EVERY_EPOCH_UP_TO = 1000       # epochs of a run always kept (the history's count bound)
KEEP_INTERVAL = 0.05           # seconds between two kept epochs of a faster run


def keep_step(step):
    """True for the log-spaced steps whose weights are worth keeping (1, 2, 3, 4, 6, 8, 11, 16, …)."""
    return step in LOG_STEPS


def keep_epoch(epoch, seconds_since_kept):
    """True when the weights at the end of `epoch` (of a run, from 1) are worth keeping, `seconds_since_kept`
    after the last snapshot kept: all of the first epochs, then one every KEEP_INTERVAL seconds at most."""
    return epoch <= EVERY_EPOCH_UP_TO or seconds_since_kept >= KEEP_INTERVAL


def snapshot_bytes(snapshot):
    return sum(a.nbytes for a in (*snapshot.weights, *snapshot.biases))


class SnapshotHistory:
    """Snapshots in training order, each at a position on the curves' x axis (epochs since the network
    was created, fractional within an epoch)."""

    def __init__(self, max_bytes=MAX_BYTES, max_count=MAX_COUNT):
        self.max_bytes, self.max_count = max_bytes, max_count
        self.clear()

    def __len__(self):
        return len(self.snapshots)

    def clear(self):
        self.positions, self.snapshots, self.nbytes = [], [], 0
        self.stride, self._offered = 1, 0          # keep every stride-th snapshot offered

    def add(self, position, snapshot):
        """Keep `snapshot` at `position` (later than the last one; an earlier or equal one is ignored)."""
        if self.positions and position <= self.positions[-1]:
            return
        self._offered += 1
        if (self._offered - 1) % self.stride:
            return
        self.positions.append(float(position))
        self.snapshots.append(snapshot)
        self.nbytes += snapshot_bytes(snapshot)
        while len(self) > 2 and (self.nbytes > self.max_bytes or len(self) > self.max_count):
            self._thin()

    def _thin(self):
        """Drop every other snapshot (the first stays) and keep half as many of those to come."""
        self.positions, self.snapshots = self.positions[::2], self.snapshots[::2]
        self.nbytes = sum(snapshot_bytes(s) for s in self.snapshots)
        self.stride *= 2

    def arrays(self):
        """The kept snapshots as RunStore arrays (None when there are none)."""
        if not self.snapshots:
            return None
        params = [np.concatenate([a.ravel() for pair in zip(s.weights, s.biases) for a in pair])
                  for s in self.snapshots]
        last = self.snapshots[-1]
        return snapshot_arrays(last.sizes, [s.step for s in self.snapshots], [s.epoch for s in self.snapshots],
                               np.array(params, dtype=np.float32),
                               len(params[-1]) if last.convolutional else None)

    def nearest(self, position):
        """Index of the snapshot closest to `position` (None when empty)."""
        if not self.positions:
            return None
        return int(np.argmin(np.abs(np.asarray(self.positions) - position)))
