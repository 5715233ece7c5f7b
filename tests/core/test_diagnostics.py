"""Dead and saturated units, detected on networks crafted to have them."""

import numpy as np

from nnviz.core import Network
from nnviz.core.diagnostics import dead_fraction, layer_stats, saturated_fraction


def test_relu_units_with_very_negative_bias_are_reported_dead():
    net = Network([4, 10, 2], hidden="relu", seed=0)
    net.biases[0][:6] = -100.0
    X = np.random.default_rng(0).standard_normal((50, 4))    # both signs: no other unit is 0 on all 50
    stats = layer_stats(net, X, np.ones(2), np.zeros(2))
    assert stats[0].dead_fraction == 0.6
    assert stats[1].dead_fraction == 0.0  # the output layer is not judged


def test_healthy_relu_layer_has_no_dead_units():
    net = Network([4, 10, 2], hidden="relu", init="he", seed=0)
    X = np.random.default_rng(0).standard_normal((200, 4))
    assert dead_fraction(net.forward(X)[1]) == 0.0


def test_sigmoid_units_with_huge_weights_are_saturated():
    net = Network([4, 8, 2], hidden="sigmoid", init="normal", seed=0, dtype=np.float64)
    X = np.random.default_rng(1).standard_normal((100, 4))
    Zs, As, _ = net.forward_cache(X)
    calm = saturated_fraction(net.hidden, Zs[0], As[1])
    net.weights[0] *= 1000
    Zs, As, _ = net.forward_cache(X)
    assert calm < 0.5
    assert saturated_fraction(net.hidden, Zs[0], As[1]) == 1.0


def test_relu_never_counts_as_saturated():
    net = Network([4, 8, 2], hidden="relu")
    Zs, As, _ = net.forward_cache(np.ones((3, 4)) * 100)
    assert saturated_fraction(net.hidden, Zs[0], As[1]) == 0.0
