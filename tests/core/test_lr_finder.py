"""The learning-rate range test: η schedule, recorded losses, smoothing, suggestion and early stop."""

import numpy as np
import pytest

from nnviz.core import Network, TrainConfig, lr_range_test
from nnviz.core.lr_finder import steepest_descent


@pytest.fixture
def blobs():
    """Three Gaussian blobs in 2-D, 90 points."""
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    y = np.repeat(np.arange(3), 30)
    X = centres[y] + 0.6 * rng.standard_normal((90, 2))
    return X, y


def centred_mean(losses, k):
    return np.array([np.mean(losses[max(i - k, 0):i + k + 1]) for i in range(len(losses))])


def independent_steepest(etas, smoothed):
    """Index of the most negative slope of smoothed vs ln η, by hand-written differences up to the minimum."""
    last = int(np.argmin(smoothed))
    x = np.log(etas)
    slopes = []
    for i in range(last + 1):
        lo, hi = max(i - 1, 0), min(i + 1, last)
        if 0 < i < last:     # second-order central difference on a non-uniform grid
            h1, h2 = x[i] - x[i - 1], x[i + 1] - x[i]
            slopes.append((h1 ** 2 * smoothed[i + 1] - h2 ** 2 * smoothed[i - 1]
                           + (h2 ** 2 - h1 ** 2) * smoothed[i]) / (h1 * h2 * (h1 + h2)))
        else:
            slopes.append((smoothed[hi] - smoothed[lo]) / (x[hi] - x[lo]))
    return int(np.argmin(slopes))


def test_the_suggestion_is_where_the_smoothed_loss_falls_fastest(blobs):
    net = Network([2, 8, 3], hidden="tanh", seed=1, dtype=np.float64)
    result = lr_range_test(net, blobs, TrainConfig(batch_size=16, seed=2), min_lr=1e-3, max_lr=30.0, steps=80)
    n = len(result.losses)
    assert n >= 20
    np.testing.assert_allclose(result.smoothed, centred_mean(result.losses, 80 // 20), rtol=1e-12)
    i = independent_steepest(result.learning_rates, result.smoothed)
    assert result.suggestion == result.learning_rates[i]
    assert f"falls fastest at η = {result.suggestion:.3g}" in result.reason
    # η grows geometrically from η_min to η_max over the planned 80 steps.
    np.testing.assert_allclose(result.learning_rates, 1e-3 * (30.0 / 1e-3) ** (np.arange(n) / 79))


def test_each_batch_trains_at_its_learning_rate_from_the_current_initialisation(blobs):
    X, y = blobs
    net = Network([2, 5, 3], hidden="tanh", seed=4, dtype=np.float64)
    before = [W.copy() for W in net.weights]
    result = lr_range_test(net, (X, y), TrainConfig(batch_size=len(X)), min_lr=0.1, max_lr=1.0, steps=3)
    # Whole-batch SGD, done by hand: loss at the start, then after a step of η₀, then of η₁ more.
    expected, by_hand = [], net.copy()
    for eta in result.learning_rates:
        expected.append(by_hand.loss(X, y))
        grads = by_hand.gradients(X, y)
        for (W, b), (dW, db) in zip(zip(by_hand.weights, by_hand.biases), grads):
            W -= eta * dW
            b -= eta * db
    np.testing.assert_allclose(result.losses, expected, rtol=1e-10)
    assert all(np.array_equal(W, W0) for W, W0 in zip(net.weights, before))   # the network is untouched


def test_the_test_stops_early_when_the_loss_explodes(blobs):
    net = Network([2, 8, 3], hidden="relu", seed=0, dtype=np.float64)
    result = lr_range_test(net, blobs, TrainConfig(batch_size=16), min_lr=1e-2, max_lr=1e6, steps=200)
    assert result.exploded and len(result.losses) < 200
    assert result.suggestion is not None and result.suggestion < result.learning_rates[-1]
    assert f"exploded at η = {result.learning_rates[-1]:.3g}" in result.reason


def test_steepest_descent_on_a_hand_made_curve():
    etas = np.exp(np.arange(8.0))                  # ln η = 0, 1, ..., 7: slopes are plain differences
    smoothed = np.array([3.0, 2.9, 2.5, 1.5, 1.2, 1.1, 1.5, 3.0])
    # central slopes up to the minimum (index 5): -0.1, -0.25, -0.7, -0.65, -0.2, -0.1
    assert steepest_descent(etas, smoothed) == (2, pytest.approx(-0.7))
    assert steepest_descent(etas, np.sort(smoothed)) == (None, None)   # never falls


@pytest.mark.parametrize("kwargs, message", [
    ({"min_lr": 1.0, "max_lr": 0.1}, "0 < η_min < η_max"),
    ({"min_lr": 0.0}, "0 < η_min < η_max"),
    ({"steps": 2}, "steps: 2 is not allowed"),
])
def test_bad_settings_are_named(blobs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        lr_range_test(Network([2, 3]), blobs, **kwargs)


def test_asked_to_stop_the_test_ends_before_the_next_batch_with_the_curve_so_far(blobs):
    net = Network([2, 8, 3], hidden="tanh", seed=1, dtype=np.float64)
    asked = []
    result = lr_range_test(net, blobs, TrainConfig(batch_size=16, seed=2), steps=80,
                           should_stop=lambda: asked.append(1) or len(asked) > 5)
    whole = lr_range_test(net, blobs, TrainConfig(batch_size=16, seed=2), steps=80)
    assert len(asked) == 6 and len(result.losses) == 5
    np.testing.assert_array_equal(result.losses, whole.losses[:5])
