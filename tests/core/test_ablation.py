"""Ablation: holding a unit's output at 0 is zeroing its outgoing weights, and bad units are named."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.ablation import ablated_copy, ablation_masks


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
