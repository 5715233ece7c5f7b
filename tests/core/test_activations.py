"""Forward values of every activation against its formula, computed by hand (no NumPy reference)."""

import math

import numpy as np
import pytest

from nnviz.core.activations import HIDDEN, OUTPUT, hidden_activation, output_activation

Z = np.array([[-2.0, -0.5, 0.0, 1.0, 3.0]])

# f(z) at z = -2, -0.5, 0, 1, 3, written out from each definition
EXPECTED = {
    "sigmoid": [1 / (1 + math.e ** 2), 1 / (1 + math.e ** 0.5), 0.5, 1 / (1 + math.e ** -1), 1 / (1 + math.e ** -3)],
    "tanh": [-0.9640275800758169, -0.46211715726000974, 0.0, 0.7615941559557649, 0.9950547536867305],
    "relu": [0.0, 0.0, 0.0, 1.0, 3.0],
    "leaky_relu": [-0.02, -0.005, 0.0, 1.0, 3.0],
    "elu": [math.exp(-2) - 1, math.exp(-0.5) - 1, 0.0, 1.0, 3.0],
    "linear": [-2.0, -0.5, 0.0, 1.0, 3.0],
}


@pytest.mark.parametrize("name", sorted(set(HIDDEN) | set(OUTPUT) - {"softmax"}))
def test_elementwise_activations_compute_their_formula(name):
    activation = hidden_activation(name) if name in HIDDEN else output_activation(name)
    np.testing.assert_allclose(activation.forward(Z.copy())[0], EXPECTED[name], rtol=1e-12, atol=1e-15)


def test_every_activation_is_covered():
    assert set(HIDDEN) | set(OUTPUT) == set(EXPECTED) | {"softmax"}


def test_softmax_is_exp_over_the_sum_of_exps():
    # e^1, e^2, e^3 over their sum: 0.0900, 0.2447, 0.6652
    total = math.e + math.e ** 2 + math.e ** 3
    expected = [math.e / total, math.e ** 2 / total, math.e ** 3 / total]
    P = output_activation("softmax").forward(np.array([[1.0, 2.0, 3.0], [1001.0, 1002.0, 1003.0]]))
    np.testing.assert_allclose(P, [expected, expected], rtol=1e-12)   # shift-invariant, no overflow


def test_sigmoid_of_large_logits_saturates_without_overflow():
    A = output_activation("sigmoid").forward(np.array([[-1000.0, 1000.0]]))
    np.testing.assert_array_equal(A, [[0.0, 1.0]])
