"""RunStore: one atomic file per run, snapshots alongside, unreadable files named, the pruning rule."""

import dataclasses
import io
import zipfile

import numpy as np
import pytest

from nnviz.core import EpochEnd, LayerStats
from nnviz.guard import MAX_JSON_BYTES, UserError
from nnviz.io import ExperimentConfig
from nnviz.io.run_store import (
    MAX_RUN_SNAPSHOT_BYTES,
    SNAPSHOT_BASE_BYTES,
    SNAPSHOT_EPOCH_BYTES,
    RunStore,
    snapshot_arrays,
    snapshot_budget,
)
from nnviz.io.runs import MAX_CURVE_ROWS, MAX_CURVE_VALUES, record_from_history


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


def test_prune_keeps_pinned_runs_and_the_newest_unpinned_ones_and_says_why(tmp_path):
    store = RunStore(tmp_path, keep_unpinned=2)
    runs = [_record(f"r{i}", f"2024-01-01T10:00:0{i}", pinned=i == 0) for i in range(5)]
    for run in runs:
        store.save(run)
    removals = store.prune(runs)
    assert [(r.run_id, r.snapshots_only) for r in removals] == [(runs[1].run_id, False), (runs[2].run_id, False)]
    assert removals[0].describe() == ("Removed the run “r1”: only the newest 2 unpinned runs of a dataset "
                                      "are kept (pin a run to keep it)")
    assert [r.name for r in store.load()[0]] == ["r0", "r3", "r4"]


def test_the_runs_of_one_dataset_never_push_out_those_of_another(tmp_path):
    store = RunStore(tmp_path, keep_unpinned=2)
    xor = dataclasses.replace(_record("xor", "2024-01-01T09:00:00"), config={"dataset": "xor"})
    mnist = [_record(f"m{i}", f"2024-01-01T10:00:0{i}") for i in range(4)]
    for run in (xor, *mnist):
        store.save(run)
    assert [r.name for r in store.prune([xor, *mnist])] == ["m0", "m1"]
    assert [r.name for r in store.load()[0]] == ["xor", "m2", "m3"]


def _snapshots(n, n_params):
    """n snapshots of a network of n_params parameters (n_params − 1 inputs, one output)."""
    return snapshot_arrays([n_params - 1, 1], range(n), range(n), np.zeros((n, n_params), dtype=np.float32))


def test_over_the_size_cap_the_largest_unpinned_runs_lose_their_snapshots_never_their_records(tmp_path):
    small = [_record(f"small {i}", f"2024-01-01T09:00:0{i}") for i in range(3)]
    pinned = _record("pinned", "2024-01-01T09:30:00", pinned=True)
    big = [_record(f"big {i}", f"2024-01-01T10:00:0{i}") for i in range(5)]
    store = RunStore(tmp_path, keep_unpinned=10)
    for run in small:
        store.save(run, _snapshots(2, 10))                 # 80 bytes of parameters
    store.save(pinned, _snapshots(100, 1000))               # 400 KB
    for run in big:
        store.save(run, _snapshots(100, 1000))
    records = [*small, pinned, *big]
    sizes = {r.name: store.size(r.run_id) for r in records}
    # Room for the small runs, the pinned one and two big ones.
    store.max_bytes = sum(sizes.values()) - 3 * store._files(big[0].run_id)[1].stat().st_size + 1
    removals = store.prune(records)
    assert {(r.name, r.snapshots_only) for r in removals} == {("big 0", True), ("big 1", True), ("big 2", True)}
    assert removals[0].describe().startswith("Removed the replay snapshots of “big ")
    assert [r.name for r in store.load()[0]] == [r.name for r in records]         # every record stays
    assert all(store.snapshots(r.run_id) is not None for r in (*small, pinned, *big[3:]))
    assert sum(store.size(r.run_id) for r in records) <= store.max_bytes


def test_snapshots_are_thinned_to_a_budget_that_grows_with_the_run(tmp_path):
    store = RunStore(tmp_path)
    assert snapshot_budget(1) == SNAPSHOT_BASE_BYTES + SNAPSHOT_EPOCH_BYTES
    assert snapshot_budget(10_000) == MAX_RUN_SNAPSHOT_BYTES
    row = 4 * 110_000                                       # an MNIST MLP's snapshot: 0.44 MB
    arrays = snapshot_arrays([109_999, 1], range(200), np.arange(200) // 20,
                             np.arange(200, dtype=np.float32)[:, None] * np.ones(110_000, np.float32))
    run = _record("mnist", "2024-01-01T10:00:00")           # one epoch: a budget of 6 MB
    store.save(run, arrays)
    saved = store.snapshots(run.run_id)
    assert len(saved["params"]) == snapshot_budget(1) // row == 14
    assert saved["steps"][0] == 0 and saved["steps"][-1] == 199         # the first and the final weights
    np.testing.assert_array_equal(saved["params"][:, 0], saved["steps"])   # rows stay with their steps
    assert np.all(np.diff(saved["steps"]) >= 199 // 13)                 # evenly spaced


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
    # Valid JSON, wrong types: each once stopped the app from starting.
    (lambda text: text.replace('"test_accuracy": 0.8', '"test_accuracy": "high"'),
     "'final_metrics' 'test_accuracy' must be a number or null, got 'high'"),
    (lambda text: text.replace('"seconds": 1.0', '"seconds": "slow"'), "'seconds' must be a number or null"),
    (lambda text: text.replace('"test_accuracy": 0.8', '"finish_reason": ["completed"]'),
     "'finish_reason' must be a string, got ['completed']"),
    (lambda text: text.replace('"seed": 0', '"seed": "one"'), "'config': seed: 'one' is not allowed"),
    (lambda text: text.replace('"hidden_layers": [', '"hidden_layers": ["a", '), "'config': hidden_layers:"),
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


@pytest.mark.parametrize("n_layers", [0, 33])
def test_the_largest_run_the_store_writes_is_read_back(tmp_path, n_layers):
    """A toy set trains ~1,000 epochs a second: a run of 7 minutes once wrote a file the store then
    refused (over 16 MB) at the next start. Its curves are now bounded, whatever the run's length."""
    n = 6 * MAX_CURVE_ROWS + 1                         # unthinned: a 21 MB file
    long = -1.2345678901234567e-300                     # the longest a number prints
    layers = (LayerStats(*[long] * 7),) * n_layers
    rows = [dict(train_loss=long, train_accuracy=long, val_loss=long, val_accuracy=long, learning_rate=long,
                 epoch_seconds=1.2345678901234567, layers=layers) for _ in range(n)]
    config = ExperimentConfig(title="t" * 500, description="d" * 4000, expected="e" * 2000,
                              hidden_layers=[512] * 32)
    record = record_from_history("n" * 1000, config, rows, {"test_accuracy": long, "finish_reason": "completed"})
    store = RunStore(tmp_path)
    store.save(record)
    assert store.load() == ([record], [])
    assert record.n_epochs == (MAX_CURVE_ROWS if n_layers == 0 else MAX_CURVE_VALUES // (7 + 7 * n_layers))
    assert record.final_metrics["epochs"] == n and record.n_layers == n_layers
    assert record.curves["epoch"][0] == 1 and record.curves["epoch"][-1] == n      # first and last kept
    assert record.curves["elapsed"][-1] == pytest.approx(n * 1.2345678901234567)


def test_a_record_too_large_to_read_back_is_not_written(tmp_path):
    record = dataclasses.replace(_record("huge", "2024-01-01T10:00:00"), name="x" * MAX_JSON_BYTES)
    store = RunStore(tmp_path)
    with pytest.raises(UserError, match=r"not saved: [\d,]+ bytes is more than a run file may hold"):
        store.save(record)
    assert not list(tmp_path.iterdir())


def test_snapshots_of_a_conv_network_carry_their_parameter_count_and_load(tmp_path):
    """LeNet's sizes [784, 1176, 400, 120, 84, 10] (each layer's input width) would imply 1.4 million
    dense parameters; its 61,706 are stored beside them."""
    store, good = _store_with_a_good_run(tmp_path)
    params = np.ones((2, 61_706), dtype=np.float32)
    store.save(good, snapshot_arrays([784, 1176, 400, 120, 84, 10], [0, 5], [0, 1], params, n_params=61_706))
    np.testing.assert_array_equal(store.snapshots(good.run_id)["params"], params)
    store.save(good, snapshot_arrays([784, 1176, 400, 120, 84, 10], [0, 5], [0, 1], params, n_params=61_705))
    with pytest.raises(UserError, match=r"damaged run snapshot file"):
        store.snapshots(good.run_id)
