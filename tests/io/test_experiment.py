"""ExperimentConfig: the flat JSON experiment format, its validation messages, and atomic saves."""

import dataclasses
import json

import numpy as np
import pytest

from nnviz.core import TrainConfig
from nnviz.data import DATASETS
from nnviz.io import DATASET_NAMES, ConfigError, ExperimentConfig, atomic_write, load_experiment, save_experiment


def changed_config():
    """A config where every field differs from its default (and is still valid)."""
    return ExperimentConfig(
        title="t", description="line one\nline two", expected="≥ 90% test", dataset="moons", n_samples=120,
        noise=0.2, classes=2, train_subset=100, validation_split=0.25, augment_shift=0, augment_rotation=0.0,
        hidden_layers=[7, 5], activation="tanh", output="sigmoid", loss="quadratic", init="xavier",
        optimizer="adam", learning_rate=0.003, momentum=0.8, beta1=0.85, beta2=0.99, rho=0.95,
        epsilon=1e-7, schedule="cosine", step_epochs=3, step_gamma=0.3, min_learning_rate=1e-4, warmup=0.1,
        batch_size=16, epochs=7, l2=1e-4, dropout=0.1, input_dropout=0.05, clip_norm=5.0, early_stopping=3,
        early_stopping_metric="val_accuracy", restore_best=True, time_budget=30.0, seed=11, probe_size=64)


def test_training_fields_are_exactly_train_configs_with_the_same_defaults():
    experiment = {f.name: f for f in dataclasses.fields(ExperimentConfig)}
    for f in dataclasses.fields(TrainConfig):
        assert f.name in experiment
        assert experiment[f.name].default == f.default


def test_dataset_names_are_the_data_registrys():
    assert DATASET_NAMES == DATASETS


def test_the_elastic_limit_is_the_augmenters():
    from nnviz.data.augment import MAX_ELASTIC as augmenter_limit
    from nnviz.io.experiment import MAX_ELASTIC

    assert MAX_ELASTIC == augmenter_limit


def test_json_is_flat_and_round_trips_every_field():
    config = changed_config().validate()
    data = json.loads(config.to_json())
    assert all(not isinstance(v, dict) for v in data.values())
    assert set(data) == {f.name for f in dataclasses.fields(ExperimentConfig)}
    assert ExperimentConfig.from_dict(data) == config


def test_own_fields_come_first_in_the_json():
    keys = list(json.loads(ExperimentConfig().to_json()))
    assert keys[:4] == ["title", "description", "expected", "dataset"]
    assert keys.index("init") < keys.index("optimizer")


def test_missing_keys_take_their_defaults_and_whole_numbers_fill_float_fields():
    config = ExperimentConfig.from_dict({"learning_rate": 1, "hidden_layers": []})
    assert config.learning_rate == 1.0 and isinstance(config.learning_rate, float)
    assert config.hidden_layers == [] and config.epochs == TrainConfig.epochs
    config.validate()


def test_train_config_carries_every_training_field():
    config = changed_config()
    tc = config.train_config()
    assert type(tc) is TrainConfig
    for name in TrainConfig.field_names():
        assert getattr(tc, name) == getattr(config, name)


@pytest.mark.parametrize("field, value", [
    ("learning_rate", -0.5), ("epochs", 0), ("batch_size", 2.5), ("optimizer", "lbfgs"), ("dropout", 1.0),
    ("hidden_layers", [64, 0]), ("hidden_layers", [3.5]), ("hidden_layers", "128"),
    ("activation", "softmax"), ("output", "relu"), ("loss", "hinge"), ("init", "zeros"),
    ("dataset", "imagenet"), ("dataset", "idx:  "), ("validation_split", 1.0), ("validation_split", -0.1),
    ("augment_shift", -1), ("augment_rotation", -5.0), ("augment_rotation", 200.0), ("n_samples", 0),
    ("augment_elastic", -1.0), ("augment_elastic", 500.0), ("augment_elastic", float("nan")),
    ("noise", -0.1), ("classes", 1), ("train_subset", -3), ("title", 3), ("restore_best", 1),
    ("test_fraction", 0.0), ("test_fraction", 1.0), ("test_fraction", "0.2"),
])
def test_an_invalid_field_is_named_with_its_value(field, value):
    config = dataclasses.replace(ExperimentConfig(), **{field: value})
    with pytest.raises(ConfigError) as error:
        config.validate()
    message = str(error.value)
    assert message.startswith(f"{field}:")
    assert repr(value) in message


@pytest.mark.parametrize("dataset", ["mnist", "idx:/data/fashion"])
def test_a_test_fraction_for_a_dataset_with_its_own_test_set_is_refused(dataset):
    with pytest.raises(ConfigError, match=r"test_fraction: 0.3 is not allowed; .* comes with its own test set"):
        ExperimentConfig(dataset=dataset, test_fraction=0.3).validate()
    ExperimentConfig(dataset=dataset).validate()


def test_a_loss_that_does_not_fit_the_output_names_both_and_the_allowed_losses():
    with pytest.raises(ConfigError, match=r"loss: 'cross_entropy' does not go with output 'sigmoid'.*"
                                          r"binary_cross_entropy, quadratic"):
        ExperimentConfig(output="sigmoid", loss="cross_entropy").validate()


@pytest.mark.parametrize("field", ["early_stopping", "restore_best"])
def test_early_stopping_and_restore_best_need_a_validation_split(field):
    value = 3 if field == "early_stopping" else True
    config = ExperimentConfig(validation_split=0.0, **{field: value})
    with pytest.raises(ConfigError, match=f"{field}: .*validation_split"):
        config.validate()
    dataclasses.replace(config, validation_split=0.1).validate()


def test_no_hidden_layer_and_idx_folders_are_allowed():
    ExperimentConfig(hidden_layers=[], dataset="idx:/data/fashion").validate()


def test_an_unknown_key_is_named_with_close_matches():
    with pytest.raises(ConfigError, match=r"unknown setting 'learnig_rate'; did you mean learning_rate"):
        ExperimentConfig.from_dict({"learnig_rate": 0.1})


def test_an_unknown_key_without_close_match_lists_the_allowed_keys():
    with pytest.raises(ConfigError, match=r"unknown setting 'zzz'; allowed: title, .*probe_size"):
        ExperimentConfig.from_dict({"zzz": 1})


@pytest.mark.parametrize("key, value", [("epochs", "10"), ("hidden_layers", 128), ("restore_best", 1),
                                        ("learning_rate", "0.1"), ("n_samples", 4.0), ("noise", [0.1])])
def test_a_value_of_the_wrong_type_is_named(key, value):
    with pytest.raises(ConfigError) as error:
        ExperimentConfig.from_dict({key: value})
    assert str(error.value).startswith(f"{key}: {value!r} is not allowed")


def test_a_non_object_is_refused():
    with pytest.raises(ConfigError, match="JSON object"):
        ExperimentConfig.from_dict([1, 2])


@pytest.mark.parametrize("output, n_classes, expected", [("sigmoid", 2, 1), ("softmax", 2, 2),
                                                          ("sigmoid", 3, 3), ("linear", 10, 10)])
def test_n_outputs(output, n_classes, expected):
    assert ExperimentConfig(output=output).n_outputs(n_classes) == expected


def test_the_targets_of_many_classes_count_against_the_memory_available(monkeypatch):
    from nnviz.guard import MemoryLimitError, memory

    monkeypatch.setattr(memory, "available_bytes", lambda: 4 * 10**9)
    config = ExperimentConfig(dataset="blobs", hidden_layers=[4])
    # 20,000 classes of 100,000 samples: 100,000 x 20,000 float32 targets are 8 GB; with the cached
    # z, a, δ of a batch and a prediction chunk, 3 x (32 + 8192) rows x 20,006 units x 4 B = 1.97 GB.
    with pytest.raises(MemoryLimitError, match="needs about 9.98 GB of memory; 4 GB is available"):
        config.build_network(2, 20_000, n_samples=100_000)
    assert config.build_network(2, 20_000, n_samples=1_000).sizes == [2, 4, 20_000]   # 80 MB of targets


def test_build_network_follows_the_architecture_and_the_seed():
    config = ExperimentConfig(hidden_layers=[6, 4], activation="tanh", output="sigmoid",
                              loss="binary_cross_entropy", init="xavier", seed=3)
    net = config.build_network(5, 2)
    assert net.sizes == [5, 6, 4, 1]
    assert (net.hidden_name, net.output_name, net.loss_name) == ("tanh", "sigmoid", "binary_cross_entropy")
    assert net.dtype == np.float32
    again = config.build_network(5, 2, dtype=np.float64)
    assert again.dtype == np.float64
    np.testing.assert_allclose(again.weights[0], net.weights[0], rtol=1e-6)
    other = dataclasses.replace(config, seed=4).build_network(5, 2)
    assert not np.allclose(other.weights[0], net.weights[0])


def test_save_then_load_gives_the_same_config(tmp_path):
    path = tmp_path / "exp.json"
    save_experiment(changed_config(), path)
    assert load_experiment(path) == changed_config()
    assert "≥ 90% test" in path.read_text(encoding="utf-8")


def test_load_names_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.json: no such file"):
        load_experiment(tmp_path / "nope.json")


def test_load_names_the_file_and_line_of_bad_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "epochs": 3,\n  "seed": ,\n}\n')
    with pytest.raises(ConfigError, match=r"bad\.json: line 3, column \d+: "):
        load_experiment(path)


def test_load_names_the_file_and_the_bad_field(tmp_path):
    path = tmp_path / "exp.json"
    path.write_text(json.dumps({"learning_rate": -1}))
    with pytest.raises(ConfigError, match=r"exp\.json: learning_rate: -1(\.0)? is not allowed"):
        load_experiment(path)


def test_saving_an_invalid_config_leaves_the_old_file(tmp_path):
    path = tmp_path / "exp.json"
    save_experiment(ExperimentConfig(title="old"), path)
    with pytest.raises(ConfigError):
        save_experiment(ExperimentConfig(title="new", epochs=0), path)
    assert load_experiment(path).title == "old"


def test_a_failing_atomic_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "exp.json"
    save_experiment(ExperimentConfig(title="old"), path)
    before = path.read_bytes()

    def half_then_fail(f):
        f.write(b'{"title": "ne')
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, half_then_fail)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["exp.json"]


def test_atomic_write_into_a_missing_folder_names_the_target(tmp_path):
    target = tmp_path / "missing" / "exp.json"
    with pytest.raises(FileNotFoundError) as error:
        atomic_write(target, lambda f: f.write(b"{}"))
    assert error.value.filename == str(target)


def test_input_features_and_l1_round_trip_through_json(tmp_path):
    config = ExperimentConfig(dataset="circles", input_features=["x1^2", "x2^2"], l1=0.001)
    save_experiment(config, tmp_path / "e.json")
    loaded = load_experiment(tmp_path / "e.json")
    assert loaded.input_features == ["x1^2", "x2^2"] and loaded.l1 == 0.001
    assert loaded.train_config().l1 == 0.001


@pytest.mark.parametrize("value,message", [(["x1", "x3"], "input_features: 'x3' is not allowed"),
                                           ([1, 2], "input_features: [1, 2] is not allowed; must be a list of strings"),
                                           ([], "input_features: choose at least one")])
def test_bad_input_features_are_named(value, message):
    with pytest.raises(ConfigError) as error:
        ExperimentConfig.from_dict({"dataset": "circles", "input_features": value}).validate()
    assert message in str(error.value)


def test_the_network_input_size_follows_the_features():
    config = ExperimentConfig(dataset="circles", input_features=["x1", "x1*x2", "sin(x2)"], hidden_layers=[4])
    assert config.build_network(2, 2).sizes == [3, 4, 2]
    assert ExperimentConfig(dataset="circles").build_network(2, 2).sizes == [2, 128, 2]
    with pytest.raises(ConfigError, match="input_features: .* need 2-D points; this dataset has 64 inputs"):
        dataclasses.replace(config, dataset="digits8x8").build_network(64, 10)
