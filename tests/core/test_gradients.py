"""Backpropagation against central finite differences, in float64, for every supported combination."""

import numpy as np
import pytest

from nnviz.core import HIDDEN, VALID_PAIRS, Network, gradient_check

PAIRS = [(output, loss) for output, losses in VALID_PAIRS.items() for loss in losses]
DEPTH_SIZES = {1: [4, 5, 3], 2: [4, 5, 4, 3], 3: [4, 5, 4, 6, 3]}


def _targets(loss, rng, n, k):
    if loss == "cross_entropy":
        return rng.integers(0, k, n)
    if loss == "binary_cross_entropy":
        return (rng.random((n, k)) > 0.5).astype(float)
    return rng.random((n, k))


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("output,loss", PAIRS)
@pytest.mark.parametrize("hidden", list(HIDDEN))
def test_backprop_matches_finite_differences(hidden, output, loss, depth, l2):
    rng = np.random.default_rng(depth)
    net = Network(DEPTH_SIZES[depth], hidden=hidden, output=output, loss=loss, init="xavier",
                  seed=depth, dtype=np.float64)
    # Biases away from zero keep ReLU-type units off their kink, where the derivative is undefined.
    for b in net.biases:
        b += rng.uniform(-0.5, 0.5, b.shape)
    X = rng.standard_normal((7, 4))
    Y = _targets(loss, rng, 7, 3)
    errors = gradient_check(net, X, Y, l2=l2)
    assert len(errors) == net.n_layers
    assert max(errors) <= 1e-6, errors


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    net = Network([3, 4, 2], hidden="tanh", output="softmax", loss="cross_entropy", init="xavier",
                  dtype=np.float64)
    X = np.random.default_rng(0).standard_normal((5, 3))
    y = np.array([0, 1, 1, 0, 1])
    correct = Network.gradients

    def off_by_a_factor(self, X, Y, l2=0.0):
        grads = correct(self, X, Y, l2)
        return [(1.1 * dW, db) for dW, db in grads]

    monkeypatch.setattr(Network, "gradients", off_by_a_factor)
    assert min(gradient_check(net, X, y)) > 1e-2


def test_gradients_have_the_shapes_of_the_parameters():
    net = Network([6, 5, 4, 3])
    grads = net.gradients(np.zeros((2, 6)), np.array([0, 2]))
    assert [(dW.shape, db.shape) for dW, db in grads] == [
        (W.shape, b.shape) for W, b in zip(net.weights, net.biases)]
    assert all(dW.dtype == np.float32 for dW, _ in grads)


def test_single_layer_softmax_gradient_by_hand():
    """One layer, one sample: ∂C/∂W = xᵀ(softmax(z) − y), ∂C/∂b = softmax(z) − y."""
    net = Network([2, 2], hidden="relu", output="softmax", loss="cross_entropy", dtype=np.float64)
    net.weights[0][...] = [[1.0, 0.0], [0.0, 1.0]]
    net.biases[0][...] = [0.0, 0.0]
    x = np.array([[np.log(3.0), 0.0]])          # z = (log 3, 0) → softmax = (3/4, 1/4)
    (dW, db), = net.gradients(x, np.array([1]))
    np.testing.assert_allclose(db, [0.75, -0.75])
    np.testing.assert_allclose(dW, [[0.75 * np.log(3.0), -0.75 * np.log(3.0)], [0.0, 0.0]])


def test_l1_gradient_matches_finite_differences_away_from_zero():
    rng = np.random.default_rng(3)
    net = Network([3, 4, 2], hidden="tanh", output="softmax", loss="cross_entropy", init="xavier",
                  seed=3, dtype=np.float64)
    for W in net.weights:   # |w| ≥ 0.1: a step of 1e-6 never crosses |w|'s kink at 0
        W[...] = np.sign(W + 1e-12) * (0.1 + np.abs(W))
    X, y, l1, eps = rng.standard_normal((6, 3)), rng.integers(0, 2, 6), 0.05, 1e-6
    grads = net.gradients(X, y, l1=l1)
    for (dW, _), W in zip(grads, net.weights):
        numeric = np.empty_like(W)
        for i in np.ndindex(W.shape):
            saved = W[i]
            W[i] = saved + eps
            up = net.loss(X, y, l1=l1)
            W[i] = saved - eps
            down = net.loss(X, y, l1=l1)
            W[i] = saved
            numeric[i] = (up - down) / (2 * eps)
        np.testing.assert_allclose(dW, numeric, rtol=1e-6, atol=1e-8)


def test_l1_adds_lambda_sum_of_absolute_weights_and_sign_gradient():
    net = Network([2, 2, 1], hidden="tanh", output="linear", loss="quadratic", dtype=np.float64)
    X, y = np.ones((3, 2)), np.zeros(3)
    absolute = sum(np.sum(np.abs(W)) for W in net.weights)
    assert net.loss(X, y, l1=0.2) - net.loss(X, y) == pytest.approx(0.2 * absolute)
    plain, with_l1 = net.gradients(X, y), net.gradients(X, y, l1=0.2)
    for (dW, _), (dW1, _), W in zip(plain, with_l1, net.weights):
        np.testing.assert_allclose(dW1 - dW, 0.2 * np.sign(W))
