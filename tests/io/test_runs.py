"""Run records: built from training events, saved and loaded as JSON, compared as CSV."""

import csv
import dataclasses
import io
import json

import numpy as np
import pytest

from nnviz.core import EpochEnd, LayerStats
from nnviz.io import ExperimentConfig
from nnviz.io.runs import (
    RunRecord,
    RunsFileError,
    compared_settings,
    differing_settings,
    format_value,
    load_runs,
    record_from_history,
    runs_to_csv,
    save_runs,
)


def _epoch(epoch, train_loss, val_accuracy=None, seconds=1.5, lr=0.1):
    return EpochEnd(epoch, 3, train_loss, 1 - train_loss, None if val_accuracy is None else train_loss + 0.1,
                    val_accuracy, lr, (), epoch * seconds, seconds, 1000.0)


def _record(name, seed=0, learning_rate=0.1, hidden=(32,), test_accuracy=0.9):
    config = ExperimentConfig(hidden_layers=list(hidden), learning_rate=learning_rate, seed=seed, epochs=2)
    events = [_epoch(1, 0.8, 0.7), _epoch(2, 0.4, 0.85)]
    return record_from_history(name, config, events, {"test_accuracy": test_accuracy},
                               timestamp="2024-05-01T10:00:00")


def test_a_record_holds_the_config_the_curves_and_final_metrics():
    r = _record("a")
    assert r.name == "a" and r.timestamp == "2024-05-01T10:00:00"
    assert r.config == ExperimentConfig(hidden_layers=[32], learning_rate=0.1, epochs=2).to_dict()
    assert r.curves["epoch"] == [1, 2]
    assert r.curves["train_loss"] == [0.8, 0.4]
    assert r.curves["val_accuracy"] == [0.7, 0.85]
    assert r.curves["learning_rate"] == [0.1, 0.1]
    assert r.curves["elapsed"] == [1.5, 3.0]
    assert r.final_metrics == {"epochs": 2, "train_loss": 0.4, "train_accuracy": 0.6, "val_loss": 0.5,
                               "val_accuracy": 0.85, "seconds": 3.0, "test_accuracy": 0.9}


def test_a_continued_run_numbers_its_epochs_on_and_sums_their_time():
    events = [_epoch(1, 0.9), _epoch(2, 0.7), _epoch(1, 0.5), _epoch(2, 0.3)]     # Train pressed twice
    r = record_from_history("b", {"epochs": 2}, events)
    assert r.curves["epoch"] == [1, 2, 3, 4]
    assert r.curves["elapsed"] == [1.5, 3.0, 4.5, 6.0]
    assert r.final_metrics["epochs"] == 4


def test_a_records_epochs_come_back_as_epoch_ends_for_the_health_lights_of_a_replay():
    events = [_epoch(1, 0.8, 0.7), _epoch(2, float("inf"))]            # the second diverged, no validation
    back = record_from_history("d", {}, events).epoch_events()
    assert [(e.epoch, e.epochs, e.val_loss, e.val_accuracy, e.learning_rate, e.layers) for e in back] == \
        [(1, 2, pytest.approx(0.9), 0.7, 0.1, ()), (2, 2, None, None, 0.1, ())]
    assert (back[0].train_loss, back[0].train_accuracy) == (0.8, pytest.approx(0.2))
    assert np.isnan(back[1].train_loss) and np.isnan(back[1].train_accuracy)   # saved as null: not finite
    assert [(e.elapsed, e.epoch_seconds) for e in back] == [(1.5, 1.5), (3.0, 1.5)]


def test_a_records_layer_numbers_come_back_with_its_epochs():
    stats = [(LayerStats(0.5 * e, 1.0, 0.01, 0.25, 0.0, 0.3, 0.1), LayerStats(0.2, 2.0, 0.02, 0.0, 0.0, 0.0, 1.0))
             for e in (1, 2)]
    events = [dataclasses.replace(_epoch(e, 0.8), layers=layers) for e, layers in zip((1, 2), stats)]
    record = record_from_history("layers", {}, events)
    assert record.curves["layer1_grad_norm"] == [0.5, 1.0] and record.n_layers == 2
    back = record.epoch_events()
    assert [e.layers for e in back] == stats
    assert [e.grad_norms for e in back] == [(0.5, 0.2), (1.0, 0.2)] and back[0].dead_fractions == (0.25,)


def test_missing_validation_values_are_none_in_the_record_and_nan_in_the_curve():
    r = record_from_history("c", {}, [_epoch(1, 0.9), _epoch(2, 0.5)])
    assert r.curves["val_loss"] == [None, None]
    assert np.isnan(r.curve("val_loss")).all()
    np.testing.assert_array_equal(r.curve("train_loss"), [0.9, 0.5])


def test_records_accept_epoch_rows_as_dicts():
    rows = [{"train_loss": 1.0, "train_accuracy": 0.5, "val_loss": None, "val_accuracy": None,
             "learning_rate": 0.01, "epoch_seconds": 2.0}]
    r = record_from_history("d", {}, rows)
    assert r.curves["train_loss"] == [1.0] and r.final_metrics["seconds"] == 2.0


def test_save_and_load_give_back_the_same_runs(tmp_path):
    runs = [_record("a"), dataclasses.replace(_record("b", learning_rate=0.5), race="5eed", group="")]
    path = tmp_path / "runs.json"
    save_runs(path, runs)
    assert load_runs(path) == runs
    assert json.loads(path.read_text())["format"] == "nnviz-runs"


def test_a_failed_save_leaves_the_old_file(tmp_path):
    path = tmp_path / "runs.json"
    save_runs(path, [_record("a")])
    with pytest.raises(TypeError):
        save_runs(path, [RunRecord("x", {"bad": object()}, {"epoch": []}, {})])
    assert [r.name for r in load_runs(path)] == ["a"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.json"]


@pytest.mark.parametrize("text,message", [
    ("{not json", "line 1, column 2: Expecting property name"),
    ('{"format": "other", "runs": []}', "not a runs file"),
    ('{"format": "nnviz-runs", "version": 99, "runs": []}', "version 99"),
    ('{"format": "nnviz-runs", "version": 1, "runs": [{"name": 3}]}', "run 1: 'name' must be a string"),
    ('{"format": "nnviz-runs", "version": 1, "runs": [{"name": "a", "timestamp": "t", "config": {}, '
     '"curves": {"epoch": [1, 2], "train_loss": [1]}, "final_metrics": {}}]}', "run 1: 'curves'"),
    ('{"format": "nnviz-runs", "version": 1, "runs": [{"name": "a", "timestamp": "t", "config": {}, '
     '"curves": {"epoch": []}, "final_metrics": {}, "race": 7}]}', "run 1: 'pinned' must be true or false, "
     "'group' and 'race' strings"),
])
def test_a_corrupt_file_is_a_value_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "broken.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as error:
        load_runs(path)
    assert isinstance(error.value, RunsFileError)
    assert str(error.value).startswith(str(path))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(RunsFileError, match="no such file"):
        load_runs(tmp_path / "nope.json")


def test_differing_settings_are_those_not_equal_in_every_run():
    runs = [_record("a", seed=1, hidden=(32,)), _record("b", seed=1, hidden=(32, 16)),
            _record("c", seed=2, hidden=(32,))]
    assert differing_settings(runs) == ["hidden_layers", "seed"]
    assert differing_settings(runs[:1]) == []
    settings = compared_settings(runs)
    assert settings[:3] == ["dataset", "hidden_layers", "activation"] and settings[-1] == "seed"


def test_csv_has_a_row_per_run_with_settings_and_final_metrics():
    runs = [_record("a", learning_rate=0.1, test_accuracy=0.9), _record("b", learning_rate=0.5, hidden=(64, 32),
                                                                       test_accuracy=0.95)]
    rows = list(csv.DictReader(io.StringIO(runs_to_csv(runs))))
    assert [r["name"] for r in rows] == ["a", "b"]
    assert [r["learning_rate"] for r in rows] == ["0.1", "0.5"]
    assert [r["hidden_layers"] for r in rows] == ["[32]", "[64, 32]"]
    assert [r["test_accuracy"] for r in rows] == ["0.9", "0.95"]
    assert rows[0]["val_accuracy"] == "0.85" and rows[0]["epochs"] == "2"
    assert rows[0]["timestamp"] == "2024-05-01T10:00:00"


def test_a_metric_named_like_a_setting_gets_its_own_column():
    r = record_from_history("a", {"learning_rate": 0.1}, [], {"learning_rate": 0.01})
    header = runs_to_csv([r]).splitlines()[0].split(",")
    assert "learning_rate" in header and "final_learning_rate" in header


def test_values_format_as_short_cells():
    assert [format_value(v) for v in ([128, 64], [], 0.1, 3, None, "relu")] == ["128-64", "none", "0.1", "3", "",
                                                                               "relu"]
