"""Training settings changed while the generator runs apply from the next batch, weights carrying on."""

from dataclasses import replace

import numpy as np
import pytest

from nnviz.core import BatchEnd, EpochEnd, Network, TrainConfig, train


def points(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def test_a_new_learning_rate_applies_at_the_next_batch_as_a_plain_sgd_step():
    X, y = points()
    config = TrainConfig(optimizer="sgd", learning_rate=0.1, batch_size=60, epochs=4)
    net = Network([2, 4, 2], hidden="tanh", init="xavier", seed=1, dtype=np.float64)
    pending = []
    seen = []
    events = train(net, (X, y), config, settings=lambda: pending.pop() if pending else None)
    for event in events:
        if isinstance(event, BatchEnd):
            seen.append(event.learning_rate)
            if event.step == 2:
                pending.append(replace(config, learning_rate=0.02))
                before = [W.copy() for W in net.weights]
                # One batch is the whole (unshuffled order does not matter) set: the next step is
                # W − η ∇C over all 60 points, with the new η.
                grads = net.gradients(X, y)
            if event.step == 3:
                for W, W0, (dW, _) in zip(net.weights, before, grads):
                    np.testing.assert_allclose(W, W0 - 0.02 * dW, rtol=1e-9, atol=1e-12)
    assert seen == [0.1, 0.1, 0.02, 0.02]


def test_a_new_batch_size_waits_for_the_next_epoch_and_more_epochs_extend_the_run():
    X, y = points()
    config = TrainConfig(learning_rate=0.1, batch_size=20, epochs=2)
    net = Network([2, 4, 2], seed=0)
    pending = []
    per_epoch = {}
    for event in train(net, (X, y), config, settings=lambda: pending.pop() if pending else None):
        if isinstance(event, BatchEnd):
            per_epoch[event.epoch] = event.batches_per_epoch
            if event.step == 1:
                pending.append(replace(config, batch_size=30, epochs=3))
        if isinstance(event, EpochEnd):
            last = event
    assert per_epoch == {1: 3, 2: 2, 3: 2}
    assert last.epoch == 3 and last.epochs == 3


def test_doubling_the_batch_at_epoch_6_of_10_keeps_the_cosine_schedule():
    """40 points, batches of 10 (4 a batch) for 6 epochs, then of 20 (2 a batch). Before batch b of
    epoch e (0-based) the position is e + b / batches, and η = η₀ (1 + cos(π position / 10)) / 2."""
    X, y = points(40)
    config = TrainConfig(optimizer="sgd", learning_rate=0.1, batch_size=10, epochs=10, schedule="cosine")
    pending = []
    seen = {}
    for event in train(Network([2, 3, 2], seed=0), (X, y), config,
                       settings=lambda: pending.pop() if pending else None):
        if isinstance(event, BatchEnd):
            seen[(event.epoch, event.batch)] = event.learning_rate
            if (event.epoch, event.batch) == (6, 4):
                pending.append(replace(config, batch_size=20))
    cosine = [0.05 * (1 + np.cos(np.pi * p / 10)) for p in (6.0, 6.5, 7.0, 7.5, 9.0, 9.5)]
    got = [seen[k] for k in ((7, 1), (7, 2), (8, 1), (8, 2), (10, 1), (10, 2))]
    np.testing.assert_allclose(got, cosine, rtol=1e-12)
    assert seen[(6, 4)] == pytest.approx(0.05 * (1 + np.cos(np.pi * 5.75 / 10)), rel=1e-12)
    assert len(seen) == 6 * 4 + 4 * 2


def test_halving_the_batch_keeps_the_warm_up_rising_as_before():
    """Warm-up over the first 40% (4 epochs): η = η₀ · position / 4, before each batch."""
    X, y = points(40)
    config = TrainConfig(optimizer="sgd", learning_rate=0.1, batch_size=20, epochs=10, warmup=0.4)
    pending = []
    seen = {}
    for event in train(Network([2, 3, 2], seed=0), (X, y), config,
                       settings=lambda: pending.pop() if pending else None):
        if isinstance(event, BatchEnd):
            seen[(event.epoch, event.batch)] = event.learning_rate
            if (event.epoch, event.batch) == (1, 2):
                pending.append(replace(config, batch_size=10))
    expected = {(1, 2): 0.1 * 0.5 / 4, (2, 1): 0.1 * 1.0 / 4, (2, 4): 0.1 * 1.75 / 4, (4, 3): 0.1 * 3.5 / 4,
                (5, 1): 0.1}
    for key, value in expected.items():
        assert seen[key] == pytest.approx(value, rel=1e-12), key
