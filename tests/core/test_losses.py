"""Forward values of every loss against its formula, computed by hand on tiny batches."""

import math

import numpy as np
import pytest

from nnviz.core.activations import output_activation
from nnviz.core.losses import LOSSES, get_loss


def cost(loss, output, Z, Y):
    Z, Y = np.array(Z, dtype=float), np.array(Y, dtype=float)
    return get_loss(loss, output).forward(Z, Y, output_activation(output))[1]


def test_quadratic_is_half_the_squared_error_summed_over_outputs_averaged_over_samples():
    # linear outputs a = z: sample 1 ‖(0.2, 0.8) − (0, 1)‖² = 0.08; sample 2 ‖(1, −1) − (0, 0)‖² = 2
    assert cost("quadratic", "linear", [[0.2, 0.8], [1.0, -1.0]], [[0, 1], [0, 0]]) == pytest.approx(
        0.5 * (0.08 + 2.0) / 2, rel=1e-12)


def test_quadratic_on_a_sigmoid_output_uses_the_activations():
    a = 1 / (1 + math.e ** -1)                                   # σ(1)
    assert cost("quadratic", "sigmoid", [[1.0]], [[0.0]]) == pytest.approx(0.5 * a * a, rel=1e-12)


def test_cross_entropy_is_minus_the_log_probability_of_the_target():
    p = math.e ** 3 / (math.e + math.e ** 2 + math.e ** 3)      # softmax(1, 2, 3) of class 2
    q = math.e / (math.e + math.e ** 2 + math.e ** 3)           # ... of class 0
    value = cost("cross_entropy", "softmax", [[1, 2, 3], [1, 2, 3]], [[0, 0, 1], [1, 0, 0]])
    assert value == pytest.approx(-(math.log(p) + math.log(q)) / 2, rel=1e-12)


def test_cross_entropy_of_huge_logits_stays_finite():
    # softmax(1000, 0) gives class 1 probability e^−1000: −log of it is 1000
    assert cost("cross_entropy", "softmax", [[1000.0, 0.0]], [[0, 1]]) == pytest.approx(1000.0, rel=1e-12)


def test_binary_cross_entropy_is_the_log_loss_of_each_unit():
    # z = 0, y = 1: −log σ(0) = log 2;  z = 2, y = 0: −log(1 − σ(2)) = log(1 + e²)
    value = cost("binary_cross_entropy", "sigmoid", [[0.0], [2.0]], [[1], [0]])
    assert value == pytest.approx((math.log(2) + math.log(1 + math.e ** 2)) / 2, rel=1e-12)
    assert cost("binary_cross_entropy", "sigmoid", [[-1000.0]], [[1]]) == pytest.approx(1000.0, rel=1e-12)


def test_every_loss_is_covered():
    assert set(LOSSES) == {"quadratic", "cross_entropy", "binary_cross_entropy"}
