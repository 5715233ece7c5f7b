"""Ablation: holding a unit's output at 0 is zeroing its outgoing weights, and bad units are named."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.ablation import ablated_copy, ablation_masks, unit_counts


@pytest.fixture
def net():
    return Network([4, 6, 5, 3], hidden="sigmoid", output="softmax", seed=1, dtype=np.float64)


def test_output_held_at_zero_equals_zeroed_outgoing_weights(net):
    X = np.random.default_rng(0).standard_normal((9, 4))
    units = [(1, 2), (2, 0), (2, 4)]
    zeroed = net.copy()
    zeroed.weights[1][2, :] = 0      # hidden layer 1, unit 2 feeds W² (index 1)
    zeroed.weights[2][[0, 4], :] = 0
    held = net.predict_proba(X, ablation_masks(net, units))
    np.testing.assert_allclose(held, zeroed.predict_proba(X), rtol=1e-12)
    np.testing.assert_allclose(ablated_copy(net, units).predict_proba(X), held, rtol=1e-12)
    assert not np.allclose(held, net.predict_proba(X))      # sigmoid units: never 0 by themselves


def test_masked_forward_holds_the_unit_at_zero_downstream(net):
    X = np.random.default_rng(1).standard_normal((3, 4))
    masks = ablation_masks(net, [(1, 0)])
    h1 = net.forward(X)[1] * masks[1]
    expected = 1 / (1 + np.exp(-(h1 @ net.weights[1] + net.biases[1])))
    np.testing.assert_allclose(net.forward(X, masks)[2], expected)


def test_ablated_copy_leaves_the_original_alone(net):
    before = net.weights[1].copy()
    ablated_copy(net, [(1, 1)])
    np.testing.assert_array_equal(net.weights[1], before)


@pytest.mark.parametrize("units,message", [([(0, 1)], "layer 0 is not a hidden layer"),
                                           ([(3, 0)], "hidden layers 1..2"),
                                           ([(2, 5)], "units 0..4, not 5")])
def test_a_unit_that_is_not_hidden_is_named(net, units, message):
    with pytest.raises(ValueError, match=message):
        ablation_masks(net, units)


def small_conv_net():
    """1x6x6 images → conv 3 filters 3x3 'same' → maxpool 2 → conv 2 filters 3x3 → dense 4 → 3 outputs."""
    layers = [{"conv": 3, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"conv": 2, "kernel": 2},
              {"dense": 4}]
    return Network([36, 3], hidden="relu", layers=layers, image_shape=(6, 6), seed=2, dtype=np.float64)


def test_a_knocked_out_filter_is_its_whole_map_held_at_zero():
    net = small_conv_net()
    X = np.random.default_rng(3).random((5, 36))
    assert unit_counts(net) == [3, 2, 4]               # filters, filters, dense units
    # By hand: the first map layer's channel 1 set to 0 after the first convolution, the rest as the network.
    A1 = net.forward(X)[1].copy()                       # (n, 3, 6, 6)
    A1[:, 1] = 0
    pooled = A1.reshape(5, 3, 3, 2, 3, 2).max(axis=(3, 5))           # maxpool 2: (n, 3, 3, 3)
    W2, b2 = net.weights[1], net.biases[1]                            # (2, 3, 2, 2)
    Z2 = np.zeros((5, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            Z2[:, :, i, j] = np.einsum("ncpq,fcpq->nf", pooled[:, :, i:i + 2, j:j + 2], W2) + b2
    A2 = np.maximum(Z2, 0).transpose(0, 2, 3, 1).reshape(5, -1)       # flatten in (h, w, c) order
    A3 = np.maximum(A2 @ net.weights[2] + net.biases[2], 0)
    Z4 = A3 @ net.weights[3] + net.biases[3]
    expected = np.exp(Z4 - Z4.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(net.predict_proba(X, ablation_masks(net, [(1, 1)])), expected, rtol=1e-10)
    np.testing.assert_allclose(ablated_copy(net, [(1, 1)]).predict_proba(X), expected, rtol=1e-10)


def test_a_knocked_out_filter_before_a_dense_layer_zeroes_its_pixels_rows():
    net = small_conv_net()
    X = np.random.default_rng(4).random((5, 36))
    A2 = net.forward(X)[2].copy()                       # (n, 2, 2, 2): the maps the dense layer reads
    A2[:, 0] = 0
    A3 = np.maximum(A2.transpose(0, 2, 3, 1).reshape(5, -1) @ net.weights[2] + net.biases[2], 0)
    Z4 = A3 @ net.weights[3] + net.biases[3]
    expected = np.exp(Z4 - Z4.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ablated_copy(net, [(2, 0)]).predict_proba(X), expected, rtol=1e-10)
    np.testing.assert_allclose(net.predict_proba(X, ablation_masks(net, [(2, 0)])), expected, rtol=1e-10)
    with pytest.raises(ValueError, match="hidden layer 2 has filters 0..1, not 2"):
        ablation_masks(net, [(2, 2)])
