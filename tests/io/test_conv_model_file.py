"""Model files of networks with convolutions: the layer list and the filters survive save and load."""

import json

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.io import ExperimentConfig, ModelFileError, load_model, save_model

LAYERS = [{"conv": 3, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"conv": 4, "kernel": 3, "stride": 2},
          {"dense": 6}]


@pytest.fixture
def net():
    return Network([100, 3], layers=LAYERS, image_shape=(10, 10), hidden="tanh", seed=2)


@pytest.fixture
def model_path(tmp_path, net):
    path = tmp_path / "conv.npz"
    config = ExperimentConfig(dataset="digits8x8", layers=LAYERS, activation="tanh", seed=2)
    save_model(path, net, config, {"test_accuracy": 0.5})
    return path


def rewrite(path, **changes):
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays.update(changes)
    np.savez(path, **arrays)


def test_a_conv_network_round_trips_and_predicts_identically(model_path, net):
    loaded = load_model(model_path)
    X = np.random.default_rng(0).random((7, 100)).astype(np.float32)
    np.testing.assert_array_equal(loaded.network.predict_proba(X), net.predict_proba(X))
    assert loaded.network.image_shape == (1, 10, 10)
    assert loaded.network.layer_list == net.layer_list
    assert [W.shape for W in loaded.network.weights] == [(3, 1, 3, 3), (4, 3, 3, 3), (16, 6), (6, 3)]
    assert loaded.config.layers == LAYERS


def test_the_architecture_names_the_layers_and_the_image_shape(model_path):
    with np.load(model_path, allow_pickle=False) as archive:
        arch = json.loads(str(archive["architecture"]))
    assert arch["image_shape"] == [1, 10, 10] and arch["layers"][0] == {"conv": 3, "kernel": 3, "stride": 1,
                                                                         "padding": "same"}


def test_filters_of_the_wrong_shape_are_named(model_path):
    rewrite(model_path, W0=np.zeros((3, 1, 5, 5), np.float32))
    message = r"array W0 has shape \(3, 1, 5, 5\), the architecture needs \(3, 1, 3, 3\)"
    with pytest.raises(ModelFileError, match=message):
        load_model(model_path)


@pytest.mark.parametrize("change,message", [
    ({"image_shape": [1, 10]}, "architecture image_shape must be 3 whole numbers"),
    ({"image_shape": [1, 3, 3]}, r"bad architecture: layers\[2\]: conv: kernel 3 on a 1x1 map"),
    ({"layers": [{"conv": 3}]}, r"a conv layer needs a \"kernel\""),
    ({"sizes": [100, 300, 16, 6, 3]}, "architecture sizes"),
])
def test_a_bad_layer_architecture_is_named(model_path, change, message):
    with np.load(model_path, allow_pickle=False) as archive:
        arch = json.loads(str(archive["architecture"]))
    arch.update(change)
    rewrite(model_path, architecture=np.array(json.dumps(arch)))
    with pytest.raises(ModelFileError, match=message):
        load_model(model_path)
