"""The backprop inspector's δ, ∂C/∂b and ∂C/∂W agree with finite differences computed independently."""

import numpy as np
import pytest

from nnviz.core import Network, gradient_check
from nnviz.core.inspector import check_batch, inspect_batch, step

RNG = np.random.default_rng(7)
X = RNG.standard_normal((5, 4))
LABELS = np.array([0, 2, 1, 2, 0])

# An independent reference: the activations and costs written out again, not taken from the core.
SIGMA = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
    "linear": lambda z: z,
}


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cost(name, a, y):
    n = len(y)
    if name == "cross_entropy":
        return -np.sum(y * np.log(a)) / n
    if name == "binary_cross_entropy":
        return -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / n
    return 0.5 * np.sum((a - y) ** 2) / n


def cost_from_z(net, l, z, Y):
    """C as a function of zˡ (l 0-based): run the layers above l by hand, then the cost."""
    last = net.n_layers - 1
    out = softmax if net.output_name == "softmax" else SIGMA[net.output_name]
    a = out(z) if l == last else SIGMA[net.hidden_name](z)
    for k in range(l + 1, net.n_layers):
        z_k = a @ net.weights[k] + net.biases[k]
        a = out(z_k) if k == last else SIGMA[net.hidden_name](z_k)
    return cost(net.loss_name, a, Y)


def one_hot(labels, k):
    return np.eye(k)[labels]


NETS = [
    ([4, 6, 5, 3], "tanh", "softmax", "cross_entropy", one_hot(LABELS, 3)),
    ([4, 6, 5, 3], "sigmoid", "softmax", "quadratic", one_hot(LABELS, 3)),
    ([4, 7, 3], "relu", "sigmoid", "binary_cross_entropy", one_hot(LABELS, 3)),
    ([4, 6, 5, 2], "elu", "linear", "quadratic", RNG.standard_normal((5, 2))),
    ([4, 6, 3], "leaky_relu", "softmax", "cross_entropy", one_hot(LABELS, 3)),
]


@pytest.mark.parametrize("sizes, hidden, output, loss, Y", NETS)
def test_each_delta_is_the_derivative_of_the_cost_with_respect_to_z(sizes, hidden, output, loss, Y):
    net = Network(sizes, hidden=hidden, output=output, loss=loss, init="xavier", seed=1, dtype=np.float64)
    inspection = inspect_batch(net, X, Y)
    eps = 1e-6
    for l, trace in enumerate(inspection.layers):
        numeric = np.zeros_like(trace.z)
        for idx in np.ndindex(trace.z.shape):
            z = trace.z.copy()
            z[idx] += eps
            plus = cost_from_z(net, l, z, Y)
            z[idx] -= 2 * eps
            numeric[idx] = (plus - cost_from_z(net, l, z, Y)) / (2 * eps)
        np.testing.assert_allclose(trace.delta, numeric, rtol=1e-5, atol=1e-9, err_msg=f"layer {l + 1}")
    assert inspection.loss == pytest.approx(cost_from_z(net, 0, inspection.layers[0].z, Y))


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_gradients_are_bp3_and_bp4_of_the_deltas_and_match_the_network(l2):
    net = Network([4, 6, 5, 3], hidden="tanh", seed=2, dtype=np.float64)
    inspection = inspect_batch(net, X, LABELS, l2=l2)
    expected = net.gradients(X, LABELS, l2=l2)
    a_prev = X
    for trace, W, (dW, db) in zip(inspection.layers, net.weights, expected):
        np.testing.assert_allclose(trace.dW, a_prev.T @ trace.delta + l2 * W, rtol=1e-12)   # BP4
        np.testing.assert_allclose(trace.db, trace.delta.sum(axis=0), rtol=1e-12)           # BP3
        np.testing.assert_array_equal(trace.dW, dW)
        np.testing.assert_array_equal(trace.db, db)
        np.testing.assert_array_equal(trace.a_prev, a_prev)
        assert trace.z.shape == trace.a.shape == trace.delta.shape == (5, W.shape[1])
        a_prev = trace.a
    assert inspection.loss == pytest.approx(net.loss(X, LABELS, l2=l2))


def test_gradient_check_of_the_batch_is_tiny_in_float64_and_matches_the_core():
    net = Network([4, 6, 5, 3], hidden="sigmoid", seed=3, dtype=np.float64)
    errors = check_batch(net, X, LABELS)
    assert len(errors) == 3 and max(errors) <= 1e-6
    assert errors == gradient_check(net, X, LABELS)
    assert len(check_batch(net, X, LABELS, max_entries=3)) == 3


def test_the_arrays_are_read_only_copies_in_the_networks_dtype():
    net = Network([4, 6, 3], seed=0, dtype=np.float32)
    inspection = inspect_batch(net, X, LABELS)
    for trace in inspection.layers:
        for a in (trace.z, trace.a, trace.a_prev, trace.delta, trace.dW, trace.db):
            assert a.dtype == np.float32 and not a.flags.writeable
    before = inspection.layers[0].z.copy()
    step(net, inspection, 0.5)
    np.testing.assert_array_equal(inspection.layers[0].z, before)


def test_step_moves_the_weights_by_minus_lr_times_the_gradient_and_lowers_the_loss():
    net = Network([4, 6, 5, 3], hidden="tanh", seed=4, dtype=np.float64)
    weights = [W.copy() for W in net.weights]
    biases = [b.copy() for b in net.biases]
    inspection = inspect_batch(net, X, LABELS)
    step(net, inspection, 0.05)
    for W, W0, b, b0, t in zip(net.weights, weights, net.biases, biases, inspection.layers):
        np.testing.assert_allclose(W, W0 - 0.05 * t.dW)
        np.testing.assert_allclose(b, b0 - 0.05 * t.db)
    assert net.loss(X, LABELS) < inspection.loss


def test_bad_batches_and_mismatched_inspections_are_refused():
    net = Network([4, 6, 3], seed=0)
    with pytest.raises(ValueError, match="X"):
        inspect_batch(net, np.zeros((2, 5)), [0, 1])
    with pytest.raises(ValueError, match="inspection"):
        step(Network([4, 7, 3]), inspect_batch(net, X, LABELS), 0.1)
