"""Each optimiser's first step against a hand-computed update, and each one learning a toy task."""

import numpy as np
import pytest

from nnviz.core import OPTIMIZERS, Network, TrainConfig, make_optimizer, train

THETA = np.array([1.0, -2.0])
GRAD = np.array([0.5, -0.25])
LR = 0.1


def _first_step(name, **kwargs):
    theta, grad = THETA.copy(), GRAD.copy()
    make_optimizer(name, **kwargs).step([theta], [grad], LR)
    return theta


def test_sgd_first_step():
    np.testing.assert_allclose(_first_step("sgd"), THETA - LR * GRAD)


def test_momentum_first_step_is_plain_sgd_then_accumulates():
    opt = make_optimizer("momentum", momentum=0.9)
    theta = THETA.copy()
    opt.step([theta], [GRAD.copy()], LR)
    np.testing.assert_allclose(theta, THETA - LR * GRAD)
    opt.step([theta], [GRAD.copy()], LR)
    # v₂ = 0.9·(−ηg) − ηg
    np.testing.assert_allclose(theta, THETA - LR * GRAD - 1.9 * LR * GRAD)


def test_nesterov_first_step_looks_ahead():
    # v = −ηg; θ ← θ + μv − ηg = θ − (1 + μ)ηg
    np.testing.assert_allclose(_first_step("nesterov", momentum=0.9), THETA - 1.9 * LR * GRAD)


def test_rmsprop_first_step():
    s = 0.1 * GRAD ** 2
    expected = THETA - LR * GRAD / (np.sqrt(s) + 1e-8)
    np.testing.assert_allclose(_first_step("rmsprop", rho=0.9, epsilon=1e-8), expected)


def test_adam_first_step_is_learning_rate_times_sign():
    # m̂ = g, v̂ = g², so the step is η g / (|g| + ε) ≈ η sign(g).
    expected = THETA - LR * GRAD / (np.abs(GRAD) + 1e-8)
    np.testing.assert_allclose(_first_step("adam"), expected, rtol=1e-6)


def test_adam_second_step_by_hand():
    b1, b2, eps = 0.9, 0.999, 1e-8
    opt = make_optimizer("adam", beta1=b1, beta2=b2, epsilon=eps)
    theta = THETA.copy()
    g1, g2 = GRAD, np.array([-1.0, 2.0])
    opt.step([theta], [g1.copy()], LR)
    opt.step([theta], [g2.copy()], LR)
    m = (1 - b1) * (b1 * g1 + g2)
    v = (1 - b2) * (b2 * g1 ** 2 + g2 ** 2)
    m_hat, v_hat = m / (1 - b1 ** 2), v / (1 - b2 ** 2)
    expected = THETA - LR * g1 / (np.abs(g1) + eps) - LR * m_hat / (np.sqrt(v_hat) + eps)
    np.testing.assert_allclose(theta, expected, rtol=1e-6)


def test_unknown_optimiser_is_named():
    with pytest.raises(ValueError, match="optimizer.*'adagrad'.*allowed"):
        make_optimizer("adagrad")


@pytest.mark.parametrize("name,lr", [("sgd", 0.5), ("momentum", 0.1), ("nesterov", 0.1),
                                     ("rmsprop", 0.01), ("adam", 0.01)])
def test_every_optimiser_reduces_the_loss_on_blobs(name, lr):
    assert set(OPTIMIZERS) == {"sgd", "momentum", "nesterov", "rmsprop", "adam"}
    rng = np.random.default_rng(0)
    centres = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    y = rng.integers(0, 3, 300)
    X = centres[y] + 0.3 * rng.standard_normal((300, 2))
    net = Network([2, 8, 3], hidden="tanh", init="xavier", seed=0)
    before = net.loss(X, y)
    for _ in train(net, (X, y), TrainConfig(optimizer=name, learning_rate=lr, batch_size=30, epochs=20)):
        pass
    assert net.loss(X, y) < 0.5 * before
    assert np.mean(net.predict(X) == y) > 0.9
