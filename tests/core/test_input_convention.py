"""One input convention: every consumer of a network with input features takes raw 2-D points.

Each check compares with the features written out by hand here (x1², x2², x1·x2, sin x1), fed
through an equivalent network without features, or with finite differences of a hand-written cost.
"""

import numpy as np
import pytest

from nnviz.core import Network, TrainConfig, lr_range_test
from nnviz.core.health import layer_report
from nnviz.core.inspector import inspect_batch
from nnviz.core.saliency import input_gradients

RNG = np.random.default_rng(11)
POINTS = RNG.uniform(-1.5, 1.5, (40, 2))
LABELS = (np.sum(POINTS ** 2, axis=1) < 1.2).astype(np.int64)

FEATURE_SETS = {
    2: (("x1^2", "x2^2"), lambda x: np.column_stack([x[:, 0] ** 2, x[:, 1] ** 2])),
    4: (("x1", "x2", "x1*x2", "sin(x1)"),
        lambda x: np.column_stack([x[:, 0], x[:, 1], x[:, 0] * x[:, 1], np.sin(x[:, 0])])),
}


def featured(width, hidden=(5,), dtype=np.float64, act="tanh"):
    names, by_hand = FEATURE_SETS[width]
    net = Network([width, *hidden, 2], hidden=act, init="xavier", seed=3, dtype=dtype, features=names)
    plain = Network.from_params(net.weights, net.biases, hidden=act)
    return net, plain, by_hand(POINTS).astype(dtype)


def hand_cost(weights, biases, F, labels):
    """Mean cross-entropy of a tanh network with a softmax output, written out independently."""
    a = F
    for W, b in zip(weights[:-1], biases[:-1]):
        a = np.tanh(a @ W + b)
    z = a @ weights[-1] + biases[-1]
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(labels)), labels])


@pytest.mark.parametrize("width", [2, 4])
def test_forward_cache_and_forward_cost_expand_the_points(width):
    net, plain, F = featured(width)
    Zs, As, _ = net.forward_cache(POINTS)
    np.testing.assert_allclose(As[0], F)
    np.testing.assert_allclose(As[-1], plain.forward_cache(F)[1][-1])
    cost = net.forward_cost(POINTS, net.targets(LABELS, len(POINTS)))[3]
    assert cost == pytest.approx(hand_cost(net.weights, net.biases, F, LABELS), rel=1e-12)


@pytest.mark.parametrize("width", [2, 4])
def test_the_range_test_trains_on_the_features(width):
    net, plain, F = featured(width, dtype=np.float32)
    config = TrainConfig(optimizer="adam", batch_size=8, seed=5)
    on_points = lr_range_test(net, (POINTS, LABELS), config, steps=30)
    on_features = lr_range_test(plain, (F, LABELS), config, steps=30)
    np.testing.assert_allclose(on_points.losses, on_features.losses, rtol=1e-5)
    assert on_points.suggestion == on_features.suggestion


@pytest.mark.parametrize("width", [2, 4])
def test_the_inspector_gradients_equal_finite_differences_of_the_cost_on_the_features(width):
    net, _, F = featured(width)
    inspection = inspect_batch(net, POINTS, LABELS)
    np.testing.assert_allclose(inspection.X, F)
    eps = 1e-6
    for l, trace in enumerate(inspection.layers):
        W = net.weights[l]
        numeric = np.empty_like(W)
        for idx in np.ndindex(W.shape):
            plus = [w.copy() for w in net.weights]
            minus = [w.copy() for w in net.weights]
            plus[l][idx] += eps
            minus[l][idx] -= eps
            numeric[idx] = (hand_cost(plus, net.biases, F, LABELS)
                            - hand_cost(minus, net.biases, F, LABELS)) / (2 * eps)
        np.testing.assert_allclose(trace.dW, numeric, atol=1e-8, rtol=1e-6)


@pytest.mark.parametrize("width", [2, 4])
def test_the_health_report_measures_the_layers_on_the_features(width):
    net, _, F = featured(width, hidden=(6, 4), act="relu")
    net.biases[0][:3] = -50.0                       # three units of layer 1 dead on every point
    grads = net.gradients(POINTS, LABELS)
    stats = layer_report(net, POINTS, grads)
    a1 = np.maximum(F @ net.weights[0] + net.biases[0], 0)
    a2 = np.maximum(a1 @ net.weights[1] + net.biases[1], 0)
    assert stats[0].dead_fraction == pytest.approx(np.mean(np.all(a1 == 0, axis=0)))
    assert stats[0].dead_fraction >= 0.5
    assert stats[0].activation_mean == pytest.approx(a1.mean(), rel=1e-12)
    assert stats[1].activation_std == pytest.approx(a2.std(), rel=1e-12)


@pytest.mark.parametrize("width", [2, 4])
def test_saliency_is_the_gradient_with_respect_to_the_features(width):
    net, plain, F = featured(width)
    got = input_gradients(net, POINTS[:3], classes=[0, 1, 0])
    eps = 1e-6
    for i, c in enumerate([0, 1, 0]):
        for j in range(width):
            up, down = F[i].copy(), F[i].copy()
            up[j] += eps
            down[j] -= eps
            logit = lambda f: plain.forward_cache(f[None, :])[0][-1][0, c]   # noqa: E731
            assert got[i, j] == pytest.approx((logit(up) - logit(down)) / (2 * eps), abs=1e-7)
