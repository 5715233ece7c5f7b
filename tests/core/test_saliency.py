"""Saliency gradients against central finite differences of the class score, in float64."""

import numpy as np
import pytest

from nnviz.core import HIDDEN, Network
from nnviz.core.saliency import input_gradient, input_gradients

EPS = 1e-6


def _score(net, x, c, score):
    """The class score computed independently of the saliency code: logit or output of class c."""
    Zs, As, _ = net.forward_cache(x.reshape(1, -1))
    values = Zs[-1][0] if score == "logit" else As[-1][0]
    if len(values) == 1:                                    # one sigmoid output: class 0 is −z or 1 − a
        return values[0] if c == 1 else (-values[0] if score == "logit" else 1 - values[0])
    return values[c]


def _finite_difference(net, x, c, score):
    grad = np.empty_like(x)
    for i in range(len(x)):
        step = np.zeros_like(x)
        step[i] = EPS
        grad[i] = (_score(net, x + step, c, score) - _score(net, x - step, c, score)) / (2 * EPS)
    return grad


def _net(sizes, hidden, output, seed):
    loss = {"softmax": "cross_entropy", "sigmoid": "binary_cross_entropy", "linear": "quadratic"}[output]
    net = Network(sizes, hidden=hidden, output=output, loss=loss, init="xavier", seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed)
    for b in net.biases:        # biases away from zero keep ReLU units off their kink
        b += rng.uniform(-0.5, 0.5, b.shape)
    return net


@pytest.mark.parametrize("score", ["logit", "output"])
@pytest.mark.parametrize("output", ["softmax", "sigmoid", "linear"])
@pytest.mark.parametrize("hidden", list(HIDDEN))
def test_input_gradient_matches_finite_differences(hidden, output, score):
    net = _net([6, 5, 4, 3], hidden, output, seed=1)
    x = np.random.default_rng(2).uniform(0, 1, 6)
    for c in range(3):
        np.testing.assert_allclose(input_gradient(net, x, c, score), _finite_difference(net, x, c, score),
                                   rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("score", ["logit", "output"])
def test_one_sigmoid_output_explains_class_0_by_the_opposite_score(score):
    net = _net([4, 5, 1], "tanh", "sigmoid", seed=3)
    x = np.random.default_rng(4).uniform(0, 1, 4)
    for c in (0, 1):
        np.testing.assert_allclose(input_gradient(net, x, c, score), _finite_difference(net, x, c, score),
                                   rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(input_gradient(net, x, 0, score), -input_gradient(net, x, 1, score))


def test_without_a_class_the_predicted_class_is_explained():
    net = _net([6, 8, 4], "relu", "softmax", seed=5)
    X = np.random.default_rng(6).uniform(0, 1, (5, 6))
    predicted = net.predict(X)
    np.testing.assert_array_equal(input_gradients(net, X), input_gradients(net, X, predicted))
    np.testing.assert_array_equal(input_gradient(net, X[2]), input_gradient(net, X[2], predicted[2]))


def test_a_network_without_hidden_layers_has_the_weight_column_as_logit_gradient():
    net = _net([5, 3], "relu", "softmax", seed=7)
    x = np.random.default_rng(8).uniform(0, 1, 5)
    np.testing.assert_allclose(input_gradient(net, x, 2), net.weights[0][:, 2])     # z = xW + b


def test_float32_networks_give_float32_gradients_of_the_input_size():
    net = Network([64, 16, 10], seed=0)
    g = input_gradient(net, np.zeros(64, np.float32) + 0.5)
    assert g.shape == (64,) and g.dtype == np.float32


@pytest.mark.parametrize("kwargs,field", [({"class_index": 3}, "class_index"),
                                          ({"class_index": -1}, "class_index"),
                                          ({"score": "probability"}, "score")])
def test_bad_class_or_score_is_a_value_error_naming_it(kwargs, field):
    net = _net([4, 5, 3], "relu", "softmax", seed=0)
    with pytest.raises(ValueError, match=field):
        input_gradient(net, np.zeros(4), **kwargs)
