"""Model files keep the class names and the input standardisation a CSV-trained network needs."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.io import ModelFileError, load_model, save_model


def test_class_names_and_standardisation_round_trip_and_apply_to_raw_rows(tmp_path):
    net = Network([3, 4, 2], seed=0)
    mean, std = np.float32([1, 2, 3]), np.float32([0.5, 1, 4])
    save_model(tmp_path / "m.npz", net, class_names=("cat", "dog"), standardization=(mean, std))
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.class_names == ("cat", "dog") and loaded.class_name(1) == "dog"
    X = np.array([[2.0, 2.0, 11.0]])
    np.testing.assert_allclose(loaded.standardize(X), [[2.0, 0.0, 2.0]])
    assert loaded.standardize(X).dtype == np.float32


def test_a_model_without_them_uses_indices_and_raw_inputs(tmp_path):
    save_model(tmp_path / "m.npz", Network([3, 2], seed=0))
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.class_names is None and loaded.class_name(1) == "1"
    X = np.ones((1, 3))
    assert loaded.standardize(X) is X


@pytest.mark.parametrize("names, standardization, message", [
    (("a", "b", "c"), None, "'class_names' entry must be a list of 2 strings"),
    (None, (np.zeros(2), np.ones(2)), "array input_mean has shape (2,)"),
    (None, (np.zeros(3), np.float32([1, 0, 1])), "input_std must be > 0"),
])
def test_bad_class_names_or_statistics_are_model_file_errors(tmp_path, names, standardization, message):
    save_model(tmp_path / "m.npz", Network([3, 2], seed=0), class_names=names, standardization=standardization)
    with pytest.raises(ModelFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_model(tmp_path / "m.npz")
