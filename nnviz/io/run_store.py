"""The app's saved runs: one JSON file per run (and its weight snapshots as .npz) in a folder, pruned.

`RunStore(folder)` keeps runs across restarts. Each save is atomic. `prune` applies what a user
expects of a history: pinned runs stay until deleted by hand; of the others only the newest
`keep_unpinned` stay, and the oldest unpinned ones go while the folder holds more than `max_bytes`.
"""

import json
from pathlib import Path

import numpy as np

from nnviz.guard import read_json

from .atomic import atomic_write, atomic_write_text
from .runs import RUN_ID, RunRecord

KEEP_UNPINNED = 12
MAX_BYTES = 300 * 2**20          # the whole folder, snapshots included
SNAPSHOT_KEYS = ("sizes", "steps", "epochs", "params")


class RunStore:
    """Runs saved in `folder` (created when first needed) as <run_id>.json plus <run_id>.npz."""

    def __init__(self, folder, keep_unpinned=KEEP_UNPINNED, max_bytes=MAX_BYTES):
        self.folder = Path(folder)
        self.keep_unpinned, self.max_bytes = keep_unpinned, max_bytes

    def _files(self, run_id):
        return self.folder / f"{run_id}.json", self.folder / f"{run_id}.npz"

    def save(self, record: RunRecord, snapshots=None):
        """Write the record (and its snapshots: arrays SNAPSHOT_KEYS, see `snapshot_arrays`)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        json_path, npz_path = self._files(record.run_id)
        if snapshots is not None:
            atomic_write(npz_path, lambda f: np.savez(f, **{k: snapshots[k] for k in SNAPSHOT_KEYS}))
        atomic_write_text(json_path, json.dumps(record.to_dict(), ensure_ascii=False) + "\n")

    def load(self):
        """(records oldest first, problems): a file that cannot be read is skipped and named in problems."""
        records, problems = [], []
        if not self.folder.is_dir():
            return records, problems
        for path in sorted(self.folder.glob("*.json")):
            try:
                record = RunRecord.from_dict(read_json(path, what="run file"))
            except (OSError, UnicodeDecodeError, ValueError) as error:
                problems.append(f"{path.name}: {error}")
                continue
            records.append(record)
        records.sort(key=lambda r: r.timestamp)
        return records, problems

    def snapshots(self, run_id):
        """The saved snapshot arrays of a run ({key: array}), or None when it has none."""
        path = self._files(run_id)[1]
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                return {k: data[k] for k in SNAPSHOT_KEYS}
        except (OSError, ValueError, KeyError):
            return None

    def delete(self, run_id):
        if not RUN_ID.fullmatch(run_id):
            raise ValueError(f"run_id: {run_id!r} is not a run id")
        for path in self._files(run_id):
            path.unlink(missing_ok=True)

    def size(self, run_id):
        return sum(p.stat().st_size for p in self._files(run_id) if p.exists())

    def prune(self, records):
        """Delete the unpinned runs beyond the newest `keep_unpinned`, then the oldest unpinned while
        the folder is over `max_bytes`; return the run_ids deleted (records: the runs in the folder)."""
        unpinned = sorted((r for r in records if not r.pinned), key=lambda r: r.timestamp)
        doomed = unpinned[:max(0, len(unpinned) - self.keep_unpinned)]
        kept = unpinned[len(doomed):]
        total = sum(self.size(r.run_id) for r in records) - sum(self.size(r.run_id) for r in doomed)
        while kept and total > self.max_bytes:
            total -= self.size(kept[0].run_id)
            doomed.append(kept.pop(0))
        for record in doomed:
            self.delete(record.run_id)
        return [r.run_id for r in doomed]


def snapshot_arrays(sizes, steps, epochs, params):
    """The arrays a RunStore saves for a run's snapshots: params (m, P) float32, one row per snapshot."""
    return {"sizes": np.asarray(sizes, dtype=np.int64), "steps": np.asarray(steps, dtype=np.int64),
            "epochs": np.asarray(epochs, dtype=np.int64), "params": np.asarray(params, dtype=np.float32)}
