"""Divergence rolls back to weights whose loss passed the check; a time budget counts training time."""

import math

import numpy as np
import pytest

from nnviz.core import BatchEnd, Diverged, EpochEnd, Finished, Network, TrainConfig, train

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
XOR_Y = np.array([0, 1, 1, 0])


def xor_net():
    return Network([2, 4, 2], hidden="tanh", output="softmax", loss="cross_entropy", init="xavier",
                   seed=0, dtype=np.float64)


@pytest.mark.parametrize("learning_rate", [1e6, 1e12])
def test_with_one_batch_an_epoch_rollback_restores_the_weights_before_the_diverging_update(learning_rate):
    net = xor_net()
    loss_before = xor_net().loss(XOR_X, XOR_Y)           # the initial weights, computed apart
    events = list(train(net, (XOR_X, XOR_Y), TrainConfig(optimizer="sgd", learning_rate=learning_rate,
                                                         batch_size=4, epochs=5)))
    diverged = next(e for e in events if isinstance(e, Diverged))
    assert diverged.epoch == 2 and diverged.batch == 1   # the first update blew up; epoch 2 saw it
    assert net.loss(XOR_X, XOR_Y) == pytest.approx(loss_before, rel=1e-12)
    assert "start of epoch 1" in diverged.message
    assert events[-1].reason == "diverged"


def test_at_an_epoch_boundary_rollback_restores_the_start_of_the_last_checked_epoch():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    net = Network([2, 8, 2], hidden="tanh", init="xavier", seed=0, dtype=np.float64)
    starts = {1: [p.copy() for p in net.params()]}        # epoch -> weights its first batch saw
    for event in train(net, (X, y), TrainConfig(learning_rate=0.1, batch_size=10, epochs=50)):
        if isinstance(event, EpochEnd):
            starts[event.epoch + 1] = [p.copy() for p in net.params()]
            if event.epoch == 3:                   # the last update of epoch 3 "explodes"
                for W in net.weights:
                    W *= 1e4
        if isinstance(event, Diverged):
            break
    assert isinstance(event, Diverged) and (event.epoch, event.batch) == (4, 1)
    for live, good in zip(net.params(), starts[3]):
        np.testing.assert_array_equal(live, good)  # epoch 3's start: its first batch passed the check
    assert "start of epoch 3" in event.message


def test_a_divergence_mid_epoch_restores_the_start_of_that_epoch():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 2))
    y = (X[:, 0] > 0).astype(int)
    net = Network([2, 8, 2], hidden="tanh", init="xavier", seed=0, dtype=np.float64)
    gen = train(net, (X, y), TrainConfig(learning_rate=0.1, batch_size=10, epochs=50))
    start_of_epoch_2 = None
    for event in gen:
        if isinstance(event, EpochEnd) and event.epoch == 1:
            start_of_epoch_2 = [p.copy() for p in net.params()]
        if isinstance(event, BatchEnd) and event.epoch == 2 and event.batch == 2:
            for W in net.weights:                  # batch 3's loss will fail the check
                W *= 1e4
        if isinstance(event, Diverged):
            break
    assert isinstance(event, Diverged) and (event.epoch, event.batch) == (2, 3)
    for live, good in zip(net.params(), start_of_epoch_2):
        np.testing.assert_array_equal(live, good)
    assert math.isfinite(net.loss(X, y))


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


@pytest.mark.parametrize("origin", [0.0, 1e9])
def test_a_pause_does_not_spend_the_time_budget_nor_move_the_cosine_schedule(origin):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 2))
    y = (X[:, 0] > 0).astype(int)
    clock = FakeClock(origin)

    def one_batch_of_training():                   # called inside the generator after every batch
        clock.now += 0.25
        return False

    config = TrainConfig(learning_rate=0.1, schedule="cosine", batch_size=1, epochs=1000, time_budget=2.0)
    gen = train(Network([2, 4, 2], seed=0), (X, y), config, should_stop=one_batch_of_training,
                clock=clock)
    lrs = {}
    for event in gen:
        if isinstance(event, BatchEnd):
            lrs[event.step] = event.learning_rate
            if event.step == 3:
                clock.now += 1.5                   # the consumer holds the run paused for 1.5 s
        if isinstance(event, Finished):
            break
    trained = 0.25 * 3                             # training time when step 4 chose its rate
    assert lrs[4] == pytest.approx(0.05 * (1 + math.cos(math.pi * trained / 2.0)), rel=1e-9)
    assert event.reason == "time_budget"
    # The budget is checked after each batch, before `should_stop` adds that batch's quarter second:
    # after step 9 it sees 8 × 0.25 s, the whole budget, in spite of the 1.5 s pause.
    assert len(lrs) == 9
    assert event.elapsed == pytest.approx(2.0)
