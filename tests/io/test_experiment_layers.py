"""The experiment file's "layers" list: read, checked with messages naming the entry, and built."""

import json

import numpy as np
import pytest

from nnviz.guard import MemoryLimitError
from nnviz.io import ConfigError, ExperimentConfig, load_experiment, save_experiment

LENET = [{"conv": 6, "kernel": 5, "padding": "same"}, {"maxpool": 2}, {"conv": 16, "kernel": 5}, {"maxpool": 2},
         {"dense": 120}, {"dense": 84}]


def test_a_layer_list_round_trips_through_json(tmp_path):
    path = tmp_path / "lenet.json"
    save_experiment(ExperimentConfig(dataset="mnist", layers=LENET), path)
    assert json.loads(path.read_text(encoding="utf-8"))["layers"] == LENET
    assert load_experiment(path).layers == LENET


def test_without_layers_hidden_layers_build_the_same_mlp_as_before():
    config = ExperimentConfig(dataset="digits8x8", hidden_layers=[32, 16])
    assert config.layers is None
    assert config.build_network(64, 10).sizes == [64, 32, 16, 10]


def test_layers_replace_hidden_layers_and_keep_images_two_dimensional():
    config = ExperimentConfig(dataset="mnist", hidden_layers=[999], layers=LENET).validate()
    net = config.build_network(784, 10, image_shape=(28, 28))
    assert net.sizes == [784, 1176, 400, 120, 84, 10]
    assert net.weights[0].shape == (6, 1, 5, 5)


@pytest.mark.parametrize("layers,message", [
    ([{"conv": 6}], r'layers\[0\]: a conv layer needs a "kernel"'),
    ([{"conv": 6, "kernel": 0}], r"layers\[0\].kernel: 0 is not allowed"),
    ([{"dense": 10}, {"maxpool": 2}], r"layers\[1\]: maxpool after a dense or flatten layer"),
    ("conv", r"layers: 'conv' is not allowed; must be a list or null"),
])
def test_a_bad_layer_list_names_the_field_and_the_entry(layers, message):
    with pytest.raises(ConfigError, match=message) as error:
        ExperimentConfig.from_dict({"dataset": "mnist", "layers": layers}).validate()
    assert error.value.field == "layers"


def test_a_file_with_a_bad_layer_names_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"dataset": "mnist", "layers": [{"conv": 6, "kernel": 5, "padding": "full"}]}))
    message = r"bad.json: layers\[0\].padding: 'full' is not allowed; allowed: valid, same"
    with pytest.raises(ConfigError, match=message):
        load_experiment(path)


def test_convolutions_on_points_are_refused_naming_the_dataset():
    config = ExperimentConfig(dataset="spirals", layers=[{"conv": 2, "kernel": 1}]).validate()
    with pytest.raises(ConfigError, match="layers: convolutions and pooling need images; dataset spirals") as error:
        config.build_network(2, 2)
    assert error.value.field == "layers"


def test_a_kernel_larger_than_the_image_is_a_config_error():
    config = ExperimentConfig(dataset="digits8x8", layers=[{"conv": 2, "kernel": 9}]).validate()
    with pytest.raises(ConfigError, match=r"layers\[0\]: conv: kernel 9 on a 8x8 map"):
        config.build_network(64, 10, image_shape=(8, 8))


def test_a_conv_network_too_big_for_memory_is_refused_before_allocating():
    config = ExperimentConfig(dataset="mnist", layers=[{"conv": 100_000, "kernel": 5, "padding": "same"}]).validate()
    with pytest.raises(MemoryLimitError, match="layers on 784 inputs"):
        config.build_network(784, 10, image_shape=(28, 28), n_samples=70_000)


def test_dense_only_layers_on_points_are_an_mlp():
    config = ExperimentConfig(dataset="xor", layers=[{"dense": 3}]).validate()
    net = config.build_network(2, 2)
    assert net.sizes == [2, 3, 2] and net.plan is None
    assert net.predict_proba(np.zeros((1, 2))).sum() == pytest.approx(1.0)
