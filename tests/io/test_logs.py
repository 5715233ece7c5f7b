"""Metric logs: per-epoch rows as CSV / JSON lines, and events as strict-JSON records."""

import csv
import json

import pytest

from nnviz.core import Diverged, EpochEnd, LayerStats, Network, TrainConfig, train
from nnviz.data import xor_points
from nnviz.io import epoch_row, event_record, write_metrics


@pytest.fixture(scope="module")
def epochs():
    X, y = xor_points()
    net = Network([2, 3, 1], hidden="tanh", output="sigmoid", loss="binary_cross_entropy", seed=0)
    events = train(net, (X, y, X, y), TrainConfig(epochs=4, batch_size=4))
    return [e for e in events if isinstance(e, EpochEnd)]


def test_an_epoch_row_is_flat_with_numbered_layer_columns(epochs):
    row = epoch_row(epochs[0])
    assert row["epoch"] == 1 and row["val_accuracy"] == epochs[0].val_accuracy
    assert row["layer1_grad_norm"] == epochs[0].layers[0].grad_norm
    assert row["layer2_dead_fraction"] == 0.0
    assert all(not isinstance(v, (dict, list, tuple)) for v in row.values())


def test_csv_log_has_a_header_and_one_row_per_epoch(tmp_path, epochs):
    path = tmp_path / "run.csv"
    write_metrics(path, [epoch_row(e) for e in epochs])
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4]
    assert float(rows[-1]["train_loss"]) == pytest.approx(epochs[-1].train_loss)


def test_jsonl_log_has_one_object_per_epoch(tmp_path, epochs):
    path = tmp_path / "run.jsonl"
    write_metrics(path, [epoch_row(e) for e in epochs])
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["epoch"] for r in rows] == [1, 2, 3, 4]


def test_missing_validation_is_an_empty_csv_cell(tmp_path):
    event = EpochEnd(1, 1, 0.5, 0.75, None, None, 0.1, (LayerStats(*[0.0] * 7),), 1.0, 1.0, 4.0)
    path = tmp_path / "run.csv"
    write_metrics(path, [epoch_row(event)])
    with open(path, newline="") as f:
        row = next(csv.DictReader(f))
    assert row["val_loss"] == "" and row["train_accuracy"] == "0.75"


def test_an_unknown_log_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"run\.txt must end in one of \.csv"):
        write_metrics(tmp_path / "run.txt", [])


def test_event_records_carry_the_type_and_every_field_as_strict_json(epochs):
    record = event_record(epochs[-1])
    assert record["type"] == "EpochEnd"
    assert record["layers"][0]["grad_norm"] == epochs[-1].layers[0].grad_norm
    assert set(record["layers"][0]) == set(LayerStats.__dataclass_fields__)
    json.dumps(record, allow_nan=False)


def test_non_finite_numbers_become_null():
    record = event_record(Diverged(2, 3, float("inf"), "the loss exploded"))
    assert record == {"type": "Diverged", "epoch": 2, "batch": 3, "loss": None, "message": "the loss exploded"}
