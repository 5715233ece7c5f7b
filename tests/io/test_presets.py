"""The bundled presets: every file is a complete, valid experiment with a title, what to watch and what to expect."""

import dataclasses
import json

import pytest

from nnviz.io import ConfigError, ExperimentConfig, list_presets, load_preset, preset_names
from nnviz.resources import resource_path


def test_the_promised_presets_exist():
    assert {"xor", "digits8x8", "mnist-mlp"} <= set(preset_names())


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_is_complete_and_valid(name):
    data = json.loads(resource_path("presets", f"{name}.json").read_text(encoding="utf-8"))
    assert set(data) == {f.name for f in dataclasses.fields(ExperimentConfig)}, \
        "a preset spells out every field, so a changed default cannot change it"
    config = load_preset(name).validate()
    assert config.title and config.expected
    assert len(config.description.splitlines()) == 2


def test_list_presets_is_sorted_and_loaded():
    presets = list_presets()
    assert [name for name, _ in presets] == sorted(preset_names())
    assert all(isinstance(config, ExperimentConfig) for _, config in presets)


def test_an_unknown_preset_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown preset 'mnist'; presets: .*digits8x8.*mnist-mlp.*xor"):
        load_preset("mnist")


def test_digits8x8_is_the_specified_experiment():
    c = load_preset("digits8x8")
    assert (c.dataset, c.hidden_layers, c.activation, c.output, c.loss, c.init) == \
        ("digits8x8", [128], "relu", "softmax", "cross_entropy", "small")
    # η = 0.01 per sample summed over the batch of 32, as the reference does = 0.32 on our batch mean.
    assert (c.optimizer, c.learning_rate, c.batch_size, c.epochs, c.validation_split) == ("sgd", 0.32, 32, 100, 0.0)


def test_mnist_mlp_is_the_specified_experiment():
    c = load_preset("mnist-mlp")
    assert (c.dataset, c.hidden_layers, c.activation, c.init) == ("mnist", [128, 64], "relu", "he")
    assert (c.optimizer, c.learning_rate, c.batch_size, c.epochs, c.validation_split) == ("sgd", 0.1, 64, 10, 0.1)


def test_xor_is_a_2_2_1_sigmoid_network_on_the_four_points_with_full_batches():
    c = load_preset("xor")
    assert c.build_network(2, 2).sizes == [2, 2, 1]
    assert (c.dataset, c.n_samples, c.activation, c.output) == ("xor", 4, "sigmoid", "sigmoid")
    assert (c.optimizer, c.learning_rate, c.batch_size, c.epochs) == ("sgd", 0.1, 4, 10_000)
