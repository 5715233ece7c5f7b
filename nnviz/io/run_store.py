"""The app's saved runs: one JSON file per run (and its weight snapshots as .npz) in a folder, pruned.

`RunStore(folder)` keeps runs across restarts. Each save is atomic and never writes what the store
would refuse to read back: a record's curves are bounded (runs.MAX_CURVE_ROWS) and its snapshots
are thinned to the run's budget (`snapshot_budget`: it grows with the run's epochs, up to
MAX_RUN_SNAPSHOT_BYTES). `prune` applies what a user expects of a history and says what it removed
and why: pinned runs stay until deleted by hand; of the unpinned runs of each dataset the newest
`keep_unpinned` stay (a dataset's runs never push out another's); while the folder holds more than
`max_bytes`, the largest unpinned runs lose their snapshots (replay), never their records.
Files are read through nnviz.guard: a run file is strict UTF-8 JSON of at most MAX_JSON_BYTES, a
snapshot archive at most `max_bytes` with every array's header checked; a corrupt, truncated or
huge file is named with its problem and the other runs load as usual.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnviz.guard import UserError, read_json, read_npz, shorten

from .atomic import atomic_write, atomic_write_text
from .runs import RUN_ID, RunRecord, run_file_text, thin_rows

KEEP_UNPINNED = 12               # per dataset
MAX_BYTES = 300 * 2**20          # the whole folder, snapshots included
SNAPSHOT_KEYS = ("sizes", "steps", "epochs", "params")
OPTIONAL_KEYS = ("n_params",)          # a network with convolutions' parameter count
# A run's snapshots: 4 MB and 2 MB an epoch, at most 24 MB (12 runs of a dataset then fit in
# MAX_BYTES). An MNIST MLP's snapshot is 0.44 MB: a run of 10 epochs keeps 54 of its ~200 (replay
# needs no more to show it learn), a toy network's runs keep all of theirs.
SNAPSHOT_BASE_BYTES, SNAPSHOT_EPOCH_BYTES, MAX_RUN_SNAPSHOT_BYTES = 4 * 2**20, 2 * 2**20, 24 * 2**20


def snapshot_budget(epochs):
    """Bytes of snapshots a run of `epochs` epochs may keep: SNAPSHOT_BASE_BYTES + SNAPSHOT_EPOCH_BYTES
    per epoch, at most MAX_RUN_SNAPSHOT_BYTES."""
    return min(MAX_RUN_SNAPSHOT_BYTES, SNAPSHOT_BASE_BYTES + SNAPSHOT_EPOCH_BYTES * max(0, int(epochs)))


def thin_snapshots(arrays, budget):
    """`arrays` (see `snapshot_arrays`) with at most `budget` bytes of parameters: evenly spaced
    snapshots from the first to the last (the final weights always stay)."""
    params = arrays["params"]
    most = max(1, budget // max(1, params[0].nbytes))
    if len(params) <= most:
        return arrays
    kept = [len(params) - 1] if most == 1 else thin_rows(len(params), most)
    return {**arrays, **{k: arrays[k][kept] for k in ("steps", "epochs", "params")}}


@dataclass(frozen=True)
class Removal:
    """What `prune` removed: a whole run (`snapshots_only` False) or its snapshots, and why."""

    run_id: str
    name: str
    snapshots_only: bool
    reason: str

    def describe(self):
        what = f"the replay snapshots of “{self.name}”" if self.snapshots_only else f"the run “{self.name}”"
        return f"Removed {what}: {self.reason}"


class RunStore:
    """Runs saved in `folder` (created when first needed) as <run_id>.json plus <run_id>.npz."""

    def __init__(self, folder, keep_unpinned=KEEP_UNPINNED, max_bytes=MAX_BYTES):
        self.folder = Path(folder)
        self.keep_unpinned, self.max_bytes = keep_unpinned, max_bytes

    def _files(self, run_id):
        return self.folder / f"{run_id}.json", self.folder / f"{run_id}.npz"

    def save(self, record: RunRecord, snapshots=None):
        """Write the record (and its snapshots: arrays SNAPSHOT_KEYS, see `snapshot_arrays`, thinned to
        the run's `snapshot_budget`). UserError, before anything is written, for a record too large
        to read back; OSError when the disk refuses."""
        json_path, npz_path = self._files(record.run_id)
        text = run_file_text(record.to_dict(), json_path)
        self.folder.mkdir(parents=True, exist_ok=True)
        if snapshots is not None:
            budget = min(snapshot_budget(record.final_metrics.get("epochs") or record.n_epochs), self.max_bytes // 2)
            kept = thin_snapshots(snapshots, budget)
            atomic_write(npz_path, lambda f: np.savez(f, **{k: kept[k] for k in SNAPSHOT_KEYS + OPTIONAL_KEYS
                                                            if k in kept}))
        atomic_write_text(json_path, text)

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
        return {k: arrays[k] for k in SNAPSHOT_KEYS + OPTIONAL_KEYS if k in arrays}

    def delete(self, run_id):
        if not RUN_ID.fullmatch(run_id):
            raise ValueError(f"run_id: {run_id!r} is not a run id")
        for path in self._files(run_id):
            path.unlink(missing_ok=True)

    def size(self, run_id):
        return sum(p.stat().st_size for p in self._files(run_id) if p.exists())

    def has_snapshots(self, run_id):
        return self._files(run_id)[1].exists()

    def prune(self, records):
        """Apply the keeping rule to `records` (the runs in the folder); return the `Removal`s, oldest
        run first: unpinned runs of a dataset beyond its newest `keep_unpinned` are deleted; then,
        while the folder is over `max_bytes`, the largest unpinned runs lose their snapshots."""
        removals, by_dataset = [], {}
        for record in sorted((r for r in records if not r.pinned), key=lambda r: r.timestamp):
            by_dataset.setdefault(str(record.config.get("dataset")), []).append(record)
        doomed = {r.run_id for runs in by_dataset.values() for r in runs[:max(0, len(runs) - self.keep_unpinned)]}
        for record in (r for r in records if r.run_id in doomed):
            removals.append(Removal(record.run_id, record.name, False, f"only the newest {self.keep_unpinned} "
                                    f"unpinned runs of a dataset are kept (pin a run to keep it)"))
            self.delete(record.run_id)
        kept = [r for r in records if r.run_id not in doomed]
        total = sum(self.size(r.run_id) for r in kept)
        for record in sorted((r for r in kept if not r.pinned and self.has_snapshots(r.run_id)),
                             key=lambda r: -self.size(r.run_id)):
            if total <= self.max_bytes:
                break
            npz = self._files(record.run_id)[1]
            total -= npz.stat().st_size
            npz.unlink()
            removals.append(Removal(record.run_id, record.name, True, f"the saved runs took more than "
                                    f"{self.max_bytes / 2**20:.0f} MB; its curves and results stay"))
        return removals


def check_snapshot_arrays(path, arrays):
    """UserError naming `path` unless `arrays` are what `snapshot_arrays` makes: m snapshots of P parameters."""
    missing = [k for k in SNAPSHOT_KEYS if k not in arrays]
    if missing:
        raise UserError(f"{path}: not a run snapshot file (no {', '.join(missing)})")
    params, steps, epochs, sizes = (arrays[k] for k in ("params", "steps", "epochs", "sizes"))
    m = len(steps)
    n_params = int(sum(int(a) * int(b) + int(b) for a, b in zip(sizes[:-1], sizes[1:]))) \
        if sizes.ndim == 1 and sizes.dtype.kind == "i" else -1
    if "n_params" in arrays:      # a network with convolutions: its sizes do not give its parameter count
        given = arrays["n_params"]
        n_params = int(given) if given.shape == () and given.dtype.kind == "i" else -1
    if params.ndim != 2 or params.dtype != np.float32 or params.shape != (m, n_params) or not m \
            or steps.ndim != 1 or epochs.shape != (m,):
        raise UserError(f"{path}: damaged run snapshot file (params {params.dtype} {params.shape} for "
                        f"layer sizes {shorten(sizes.tolist())}, steps {steps.shape}, epochs {epochs.shape})")


def snapshot_arrays(sizes, steps, epochs, params, n_params=None):
    """The arrays a RunStore saves for a run's snapshots: params (m, P) float32, one row per snapshot;
    n_params: P of a network with convolutions (its sizes, the widths of each layer's input, do not give it)."""
    arrays = {"sizes": np.asarray(sizes, dtype=np.int64), "steps": np.asarray(steps, dtype=np.int64),
              "epochs": np.asarray(epochs, dtype=np.int64), "params": np.asarray(params, dtype=np.float32)}
    if n_params is not None:
        arrays["n_params"] = np.asarray(n_params, dtype=np.int64)
    return arrays
