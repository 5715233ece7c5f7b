"""The backprop inspector on a network with convolutions: every δˡ = ∂C/∂zˡ of the batch, conv maps
included, is what central finite differences of a forward pass written here by hand give."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.inspector import inspect_batch

LAYERS = [{"conv": 3, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"conv": 2, "kernel": 2}, {"dense": 4}]


@pytest.fixture(scope="module")
def case():
    net = Network([36, 3], hidden="tanh", layers=LAYERS, image_shape=(6, 6), seed=2, dtype=np.float64)
    X = np.random.default_rng(0).random((4, 36))
    y = np.array([0, 1, 2, 1])
    return net, X, y


def cost_from(net, y, z1=None, z2=None):
    """C (softmax + cross-entropy, mean over the batch) from z¹ (n, 6, 6, 3) or from z² (n, 2, 2, 2),
    channels-last as the network keeps them, by hand."""
    W2, b2 = net.weights[1], net.biases[1]
    if z2 is None:
        a1 = np.tanh(z1)
        n = len(a1)
        pooled = a1.reshape(n, 3, 2, 3, 2, 3).max(axis=(2, 4))                 # (n, 3, 3, 3), maxpool 2
        z2 = np.zeros((n, 2, 2, 2))
        for i in range(2):
            for j in range(2):
                z2[:, i, j, :] = np.einsum("npqc,gcpq->ng", pooled[:, i:i + 2, j:j + 2, :], W2) + b2
    a2 = np.tanh(z2).reshape(len(z2), -1)                                     # flatten in (h, w, c) order
    a3 = np.tanh(a2 @ net.weights[2] + net.biases[2])
    z4 = a3 @ net.weights[3] + net.biases[3]
    log_p = z4 - z4.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(y)), y])


def finite_differences(f, z, eps=1e-6):
    grad = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[index] += eps
        down[index] -= eps
        grad[index] = (f(up) - f(down)) / (2 * eps)
    return grad


def test_the_conv_layers_deltas_are_the_finite_differences_of_the_cost_in_z(case):
    net, X, y = case
    inspection = inspect_batch(net, X, y)
    first, second = inspection.layers[:2]
    assert first.z.shape == first.delta.shape == (4, 6, 6, 3) and second.delta.shape == (4, 2, 2, 2)
    assert cost_from(net, y, z1=first.z) == pytest.approx(inspection.loss, rel=1e-12)    # the hand pass is the net's
    for trace, keyword in ((first, "z1"), (second, "z2")):
        expected = finite_differences(lambda z: cost_from(net, y, **{keyword: z}), np.array(trace.z))
        np.testing.assert_allclose(trace.delta, expected, rtol=1e-5, atol=1e-9)
    assert np.abs(first.delta).max() > 1e-4                   # not a vacuous comparison of zeros


def test_a_conv_layers_bias_gradient_is_its_delta_summed_over_samples_and_pixels(case):
    net, X, y = case
    inspection = inspect_batch(net, X, y)
    for trace, (_, db) in zip(inspection.layers[:2], net.gradients(X, y)):
        np.testing.assert_allclose(trace.db, np.array(trace.delta).sum(axis=(0, 1, 2)), rtol=1e-10)
        np.testing.assert_allclose(trace.db, db, rtol=1e-12)
