"""RunStore: one atomic file per run, snapshots alongside, unreadable files named, the pruning rule."""

import dataclasses
import io
import zipfile

import numpy as np
import pytest

from nnviz.core import EpochEnd
from nnviz.guard import UserError
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
    params = np.arange(18, dtype=np.float32).reshape(2, 9)     # 2-2-1: 4 + 2 + 2 + 1 parameters
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


# -- damaged files: each named with its problem, the other runs load as usual -----------------------

def _store_with_a_good_run(tmp_path):
    store = RunStore(tmp_path)
    good = _record("good", "2024-01-01T10:00:00")
    store.save(good, snapshot_arrays([2, 2, 1], [0, 5], [0, 1], np.ones((2, 9), dtype=np.float32)))
    return store, good


@pytest.mark.parametrize("content, problem", [
    (lambda text: text[:len(text) // 2], "line 1, column"),                               # truncated
    (lambda text: "\ufeff" + text, "byte-order mark"),                                      # not plain UTF-8
    (lambda text: text.replace('"name": "bad"', '"name": 7'), "'name' must be a string"),
    (lambda text: text.replace('"epochs": 1', '"epochs": 123456789012345678901'), "more than 20 digits"),
    (lambda text: text.replace('"name": "bad"', '"name": ' + "[" * 40 + "]" * 40), "nested more than 32"),
])
def test_a_damaged_run_file_is_named_and_the_other_runs_still_load(tmp_path, content, problem):
    store, good = _store_with_a_good_run(tmp_path)
    bad = _record("bad", "2024-01-01T11:00:00")
    store.save(bad)
    path = tmp_path / f"{bad.run_id}.json"
    path.write_bytes(content(path.read_text(encoding="utf-8")).encode("utf-8"))
    records, problems = store.load()
    assert records == [good]
    assert len(problems) == 1 and problems[0].startswith(f"{path.name}: ") and problem in problems[0]
    assert str(tmp_path) not in problems[0]                       # the name once, not the whole path again


def test_a_huge_run_file_is_refused_without_reading_it_all(tmp_path):
    store, good = _store_with_a_good_run(tmp_path)
    huge = tmp_path / "0123abcd.json"
    with open(huge, "wb") as f:                                    # sparse: 17 MB of nothing
        f.truncate(17 * 2**20)
    records, problems = store.load()
    assert records == [good]
    assert problems == ["0123abcd.json: too large for a run file (more than 16,777,216 bytes)"]


def test_a_run_file_holding_another_runs_id_is_refused(tmp_path):
    store, good = _store_with_a_good_run(tmp_path)
    copy = tmp_path / "00ff.json"
    copy.write_text((tmp_path / f"{good.run_id}.json").read_text())
    records, problems = store.load()
    assert records == [good] and problems == [f"00ff.json: it holds run {good.run_id}, not 00ff"]


def test_truncated_snapshots_are_a_clear_error_and_the_record_still_loads(tmp_path):
    store, good = _store_with_a_good_run(tmp_path)
    path = tmp_path / f"{good.run_id}.npz"
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(UserError, match=rf"^{path}: damaged or truncated run snapshot file"):
        store.snapshots(good.run_id)
    assert store.load() == ([good], [])


def test_snapshots_larger_than_the_store_cap_are_refused(tmp_path):
    store, good = _store_with_a_good_run(tmp_path)
    store.max_bytes = 100
    with pytest.raises(UserError, match=r"too large for a run snapshot file \([\d,]+ bytes; at most 100\)"):
        store.snapshots(good.run_id)


def test_snapshots_whose_header_claims_a_huge_array_are_refused_before_allocating(tmp_path):
    store, good = _store_with_a_good_run(tmp_path)
    path = tmp_path / f"{good.run_id}.npz"
    header = np.lib.format.header_data_from_array_1_0(np.zeros((1, 1), dtype=np.float32))
    header["shape"] = (100_000, 1_000_000)                        # 400 GB
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(member, header)
    member.write(b"\0" * 64)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("params.npy", member.getvalue())
    with pytest.raises(UserError, match=r"'params.npy': truncated or corrupt: the header claims a 100000x1000000"):
        store.snapshots(good.run_id)


def test_snapshots_that_do_not_match_their_layer_sizes_are_refused(tmp_path):
    store, good = _store_with_a_good_run(tmp_path)
    store.save(good, snapshot_arrays([2, 3, 1], [0, 5], [0, 1], np.ones((2, 9), dtype=np.float32)))
    with pytest.raises(UserError, match=r"damaged run snapshot file \(params float32 \(2, 9\) for layer sizes "
                                        r"\[2, 3, 1\]"):
        store.snapshots(good.run_id)
