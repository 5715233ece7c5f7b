"""The app's saved runs: one JSON file per run (and its weight snapshots as .npz) in a folder, pruned.

`RunStore(folder)` keeps runs across restarts. Each save is atomic. `prune` applies what a user
expects of a history: pinned runs stay until deleted by hand; of the others only the newest
`keep_unpinned` stay, and the oldest unpinned ones go while the folder holds more than `max_bytes`.
Files are read through nnviz.guard: a run file is strict UTF-8 JSON of at most MAX_JSON_BYTES, a
snapshot archive at most `max_bytes` with every array's header checked; a corrupt, truncated or
huge file is named with its problem and the other runs load as usual.
"""

import json
from pathlib import Path

import numpy as np

from nnviz.guard import UserError, read_json, read_npz, shorten

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
                if record.run_id != path.stem:
                    raise ValueError(f"it holds run {record.run_id}, not {path.stem}")
            except (OSError, ValueError) as error:          # a UserError from read_json is a ValueError
                problems.append(f"{path.name}: {str(error).removeprefix(f'{path}: ')}")
                continue
            records.append(record)
        records.sort(key=lambda r: r.timestamp)
        return records, problems

    def snapshots(self, run_id):
        """The saved snapshot arrays of a run ({key: array}, see `snapshot_arrays`), or None when it has none.

        A file that is not a regular file, is larger than `max_bytes`, damaged, truncated or not what
        `save` writes raises UserError naming it.
        """
        path = self._files(run_id)[1]
        if not path.exists():
            return None
        arrays = read_npz(path, "run snapshot file", limit=self.max_bytes)
        check_snapshot_arrays(path, arrays)
        return {k: arrays[k] for k in SNAPSHOT_KEYS}

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


def check_snapshot_arrays(path, arrays):
    """UserError naming `path` unless `arrays` are what `snapshot_arrays` makes: m snapshots of P parameters."""
    missing = [k for k in SNAPSHOT_KEYS if k not in arrays]
    if missing:
        raise UserError(f"{path}: not a run snapshot file (no {', '.join(missing)})")
    params, steps, epochs, sizes = (arrays[k] for k in ("params", "steps", "epochs", "sizes"))
    m = len(steps)
    n_params = int(sum(int(a) * int(b) + int(b) for a, b in zip(sizes[:-1], sizes[1:]))) \
        if sizes.ndim == 1 and sizes.dtype.kind == "i" else -1
    if params.ndim != 2 or params.dtype != np.float32 or params.shape != (m, n_params) or not m \
            or steps.ndim != 1 or epochs.shape != (m,):
        raise UserError(f"{path}: damaged run snapshot file (params {params.dtype} {params.shape} for "
                        f"layer sizes {shorten(sizes.tolist())}, steps {steps.shape}, epochs {epochs.shape})")


def snapshot_arrays(sizes, steps, epochs, params):
    """The arrays a RunStore saves for a run's snapshots: params (m, P) float32, one row per snapshot."""
    return {"sizes": np.asarray(sizes, dtype=np.int64), "steps": np.asarray(steps, dtype=np.int64),
            "epochs": np.asarray(epochs, dtype=np.int64), "params": np.asarray(params, dtype=np.float32)}
