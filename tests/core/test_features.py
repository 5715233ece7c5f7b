"""Input features of 2-D points: each column by hand, and a network taking points through them."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.features import FEATURES, expand_features


def test_every_feature_by_hand():
    X = np.array([[2.0, -3.0], [0.5, 0.0]])
    F = expand_features(list(FEATURES), X)
    expected = [[2.0, -3.0, 4.0, 9.0, -6.0, np.sin(2.0), np.sin(-3.0)],
                [0.5, 0.0, 0.25, 0.0, 0.0, np.sin(0.5), 0.0]]
    np.testing.assert_array_equal(F, expected)


def test_any_subset_in_the_order_given():
    X = np.array([[2.0, -3.0]])
    np.testing.assert_array_equal(expand_features(["x1*x2", "x1^2"], X), [[-6.0, 4.0]])


@pytest.mark.parametrize("names,message", [([], "at least one"), (["x3"], "'x3' is not allowed"),
                                           (["x1", "x1"], "twice")])
def test_bad_feature_lists_are_named(names, message):
    with pytest.raises(ValueError, match=message):
        Network([max(len(names), 1), 2], features=names)


def test_network_input_size_follows_the_features_and_takes_points():
    net = Network([2, 3, 2], hidden="tanh", features=["x1^2", "x2^2"], dtype=np.float64)
    assert net.sizes[0] == 2 and net.input_width == 2
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    first = np.tanh(np.array([[1.0, 4.0], [0.25, 9.0]]) @ net.weights[0] + net.biases[0])
    np.testing.assert_allclose(net.forward(X)[1], first)
    wide = Network([5, 2], features=["x1", "x2", "x1*x2", "sin(x1)", "sin(x2)"])
    assert wide.input_width == 2 and wide.predict_proba(np.zeros((4, 2))).shape == (4, 2)
    with pytest.raises(ValueError, match="3 input features need 3 inputs"):
        Network([2, 2], features=["x1", "x2", "x1^2"])


def test_default_features_are_the_raw_point():
    assert Network([2, 2], features=["x1", "x2"]).features is None
