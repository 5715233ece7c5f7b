"""Model files: save -> load gives the same network; every kind of damage is a ModelFileError naming the file."""

import json
import zipfile

import numpy as np
import pytest

import nnviz
from nnviz.core import Network
from nnviz.io import ExperimentConfig, ModelFileError, ModelMismatchError, check_compatible, load_model, save_model

X = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32)


@pytest.fixture
def net():
    return Network([4, 6, 5, 3], hidden="tanh", output="softmax", loss="cross_entropy", init="xavier", seed=1)


@pytest.fixture
def model_path(tmp_path, net):
    path = tmp_path / "model.npz"
    config = ExperimentConfig(dataset="blobs", hidden_layers=[6, 5], activation="tanh", init="xavier", seed=1)
    save_model(path, net, config, {"test_accuracy": 0.75, "per_class": np.array([1.0, np.nan])})
    return path


def rewrite(path, **changes):
    """Re-save the archive at `path` with some arrays replaced (or removed when None)."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays.update(changes)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})


def test_save_then_load_predicts_identically(model_path, net):
    loaded = load_model(model_path)
    assert loaded.network.sizes == net.sizes
    assert (loaded.network.hidden_name, loaded.network.output_name, loaded.network.loss_name) == \
        ("tanh", "softmax", "cross_entropy")
    np.testing.assert_array_equal(loaded.network.predict_proba(X), net.predict_proba(X))
    assert loaded.network.dtype == np.float32


def test_the_experiment_metrics_and_version_come_back(model_path):
    loaded = load_model(model_path)
    assert loaded.config.dataset == "blobs" and loaded.config.hidden_layers == [6, 5]
    assert loaded.metrics == {"test_accuracy": 0.75, "per_class": [1.0, None]}
    assert loaded.version == nnviz.__version__


def test_a_float64_network_without_config_round_trips(tmp_path):
    net = Network([3, 2], output="sigmoid", loss="binary_cross_entropy", dtype=np.float64, seed=2)
    save_model(tmp_path / "m.npz", net)
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.config is None and loaded.metrics == {}
    assert loaded.network.dtype == np.float64
    np.testing.assert_array_equal(loaded.network.weights[0], net.weights[0])


def test_the_archive_holds_the_documented_entries(model_path):
    with np.load(model_path, allow_pickle=False) as archive:
        assert set(archive.files) == {"format", "version", "architecture", "config", "metrics",
                                      "W0", "W1", "W2", "b0", "b1", "b2"}
        assert json.loads(str(archive["architecture"]))["sizes"] == [4, 6, 5, 3]


def test_saving_over_a_model_replaces_it_whole(model_path, net):
    other = Network([4, 3], seed=5)
    save_model(model_path, other)
    assert load_model(model_path).network.sizes == [4, 3]


def expect_error(path, pattern):
    with pytest.raises(ModelFileError) as error:
        load_model(path)
    message = str(error.value)
    assert message.startswith(str(path)), message
    assert pattern in message, message


def test_a_missing_file(tmp_path):
    expect_error(tmp_path / "nothing.npz", "no such file")


def test_a_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("these are not weights")
    expect_error(path, "not an nnviz model file")


def test_a_plain_npy_array(tmp_path):
    path = tmp_path / "array.npz"
    with open(path, "wb") as f:
        np.save(f, np.zeros(3))
    expect_error(path, "not an nnviz model file")


def test_a_zip_that_is_not_numpy(tmp_path):
    path = tmp_path / "archive.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    expect_error(path, "not an nnviz model file")


def test_a_truncated_file(model_path):
    data = model_path.read_bytes()
    model_path.write_bytes(data[:len(data) // 2])
    expect_error(model_path, "truncated")


def test_a_corrupted_file(model_path):
    data = bytearray(model_path.read_bytes())
    start = data.index(b"\x93NUMPY", data.index(b"W0.npy")) + 200   # inside W0's data
    data[start:start + 16] = b"\xff" * 16
    model_path.write_bytes(bytes(data))
    expect_error(model_path, "damaged")


def test_an_npz_without_the_format_marker(model_path):
    rewrite(model_path, format=None)
    expect_error(model_path, "not an nnviz model file")


def test_a_missing_weight_array(model_path):
    rewrite(model_path, W1=None)
    expect_error(model_path, "missing array W1")


def test_weights_whose_shape_disagrees_with_the_architecture(model_path):
    rewrite(model_path, W0=np.zeros((4, 7), dtype=np.float32))
    expect_error(model_path, "array W0 has shape (4, 7), the architecture needs (4, 6)")


def test_a_bias_of_the_wrong_shape(model_path):
    rewrite(model_path, b2=np.zeros(4, dtype=np.float32))
    expect_error(model_path, "array b2 has shape (4,)")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_weights(model_path, bad):
    with np.load(model_path) as archive:
        W = archive["W1"].copy()
    W[2, 3] = bad
    rewrite(model_path, W1=W)
    expect_error(model_path, "array W1 holds NaN or infinite values")


def test_an_unknown_activation_in_the_architecture(model_path):
    arch = {"sizes": [4, 6, 5, 3], "hidden": "swish", "output": "softmax", "loss": "cross_entropy"}
    rewrite(model_path, architecture=np.array(json.dumps(arch)))
    expect_error(model_path, "swish")


def test_architecture_that_is_not_json(model_path):
    rewrite(model_path, architecture=np.array("{sizes"))
    expect_error(model_path, "'architecture' entry is not valid JSON")


def test_a_wrong_input_size_is_named_with_both_sizes():
    net = Network([784, 10])
    with pytest.raises(ModelMismatchError, match="model expects 784 inputs, dataset digits8x8 has 64"):
        check_compatible(net, 64, 10, "digits8x8")


def test_a_wrong_number_of_classes_is_named():
    with pytest.raises(ModelMismatchError, match="model has 10 outputs, dataset moons has 2 classes"):
        check_compatible(Network([2, 10]), 2, 2, "moons")


def test_one_sigmoid_output_fits_two_classes():
    check_compatible(Network([2, 1], output="sigmoid", loss="binary_cross_entropy"), 2, 2, "xor")


def test_input_features_survive_save_and_load(tmp_path):
    net = Network([3, 4, 2], hidden="tanh", features=["x1^2", "x2^2", "x1*x2"], seed=2)
    save_model(tmp_path / "f.npz", net)
    loaded = load_model(tmp_path / "f.npz").network
    X = np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32)
    assert loaded.features == net.features and loaded.input_width == 2
    np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))
    check_compatible(loaded, 2, 2)
