"""RunStore: one atomic file per run, snapshots alongside, unreadable files named, the pruning rule."""

import dataclasses

import numpy as np
import pytest

from nnviz.core import EpochEnd
from nnviz.io import ExperimentConfig
from nnviz.io.run_store import RunStore, snapshot_arrays
from nnviz.io.runs import record_from_history


def _record(name, timestamp, pinned=False):
    events = [EpochEnd(1, 1, 0.5, 0.8, None, None, 0.1, (), 1.0, 1.0, 100.0)]
    record = record_from_history(name, ExperimentConfig(), events, {"test_accuracy": 0.8}, timestamp=timestamp)
    return dataclasses.replace(record, pinned=pinned)


def test_runs_and_their_snapshots_round_trip(tmp_path):
    store = RunStore(tmp_path / "runs")
    a, b = _record("a", "2024-01-01T10:00:00"), _record("b", "2024-01-01T09:00:00")
    params = np.arange(12, dtype=np.float32).reshape(2, 6)
    store.save(a, snapshot_arrays([2, 2, 1], [10, 20], [1, 2], params))
    store.save(b)
    records, problems = store.load()
    assert records == [b, a] and problems == []                 # oldest first
    saved = store.snapshots(a.run_id)
    np.testing.assert_array_equal(saved["params"], params)
    assert saved["steps"].tolist() == [10, 20] and saved["sizes"].tolist() == [2, 2, 1]
    assert store.snapshots(b.run_id) is None


def test_an_unreadable_run_file_is_skipped_and_named(tmp_path):
    store = RunStore(tmp_path)
    store.save(_record("fine", "2024-01-01T10:00:00"))
    (tmp_path / "0123abcd.json").write_text("{broken")
    records, problems = store.load()
    assert [r.name for r in records] == ["fine"]
    assert len(problems) == 1 and problems[0].startswith("0123abcd.json: ")


def test_prune_keeps_pinned_runs_and_the_newest_unpinned_ones(tmp_path):
    store = RunStore(tmp_path, keep_unpinned=2)
    runs = [_record(f"r{i}", f"2024-01-01T10:00:0{i}", pinned=i == 0) for i in range(5)]
    for run in runs:
        store.save(run)
    assert store.prune(runs) == [runs[1].run_id, runs[2].run_id]
    assert [r.name for r in store.load()[0]] == ["r0", "r3", "r4"]


def test_prune_removes_the_oldest_unpinned_runs_while_over_the_size_cap(tmp_path):
    runs = [_record(f"r{i}", f"2024-01-01T10:00:0{i}") for i in range(3)]
    store = RunStore(tmp_path, keep_unpinned=10)
    for run in runs:
        store.save(run, snapshot_arrays([2, 1], [1], [1], np.zeros((1, 3000))))
    sizes = [store.size(r.run_id) for r in runs]
    store.max_bytes = sizes[1] + sizes[2]                           # room for two
    assert store.prune(runs) == [runs[0].run_id]
    assert not (tmp_path / f"{runs[0].run_id}.npz").exists()


def test_delete_refuses_a_name_that_is_not_a_run_id(tmp_path):
    with pytest.raises(ValueError, match="not a run id"):
        RunStore(tmp_path).delete("../settings")
