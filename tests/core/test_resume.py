"""Exact continuation: a run stopped and resumed from its TrainState ends with the weights of one
uninterrupted run, bit for bit (Adam, dropout, augmentation, cosine schedule)."""

from dataclasses import replace

import numpy as np
import pytest

from nnviz.core import BatchEnd, EpochEnd, Network, TrainConfig, TrainData, train
from nnviz.core.checkpoint import TrainState, rng_from_words, rng_words


def jitter(X, rng):
    """An augmentation that draws from the training stream, as shifts and rotations do."""
    return X + 0.05 * rng.standard_normal(X.shape)


def data():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((90, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return TrainData(X, y, augment=jitter)


CONFIG = TrainConfig(optimizer="adam", learning_rate=0.01, batch_size=16, epochs=4, dropout=0.3,
                     schedule="cosine", seed=3)


def fresh():
    return Network([2, 12, 2], seed=1)


def whole_run():
    net = fresh()
    events = list(train(net, data(), CONFIG))
    return net, events


def stopped_after(stop_at):
    """Train with CONFIG until `stop_at(event)` is true; return the network and the run's state then."""
    net = fresh()
    run = train(net, data(), CONFIG)
    for event in run:
        if stop_at(event):
            break
    state = run.state()
    run.close()
    return net, state


def resumed(net, state):
    return list(train(net, data(), CONFIG, resume=TrainState.from_arrays(state.arrays())))


@pytest.mark.parametrize("where, stop_at", [
    ("after epoch 2", lambda e: isinstance(e, EpochEnd) and e.epoch == 2),
    ("after epoch 2's last batch", lambda e: isinstance(e, BatchEnd) and (e.epoch, e.batch) == (2, 6)),
    ("inside epoch 3", lambda e: isinstance(e, BatchEnd) and (e.epoch, e.batch) == (3, 2)),
])
def test_a_resumed_run_ends_with_the_weights_of_one_run_bit_for_bit(where, stop_at):
    whole, whole_events = whole_run()
    net, state = stopped_after(stop_at)
    events = resumed(net, state)
    np.testing.assert_array_equal(net.flat_params(), whole.flat_params())
    whole_batches = [replace(e, elapsed=0) for e in whole_events if isinstance(e, BatchEnd)]
    batches = [replace(e, elapsed=0) for e in events if isinstance(e, BatchEnd)]
    assert batches == whole_batches[-len(batches):]      # same steps, losses, η and counters (elapsed aside)
    assert [e.epoch for e in events if isinstance(e, EpochEnd)][-1] == 4
    assert events[-1].epochs_completed == 4


def test_without_the_state_the_continuation_differs():
    """The check above can fail: restarting the optimiser and the stream gives other weights."""
    whole, _ = whole_run()
    net, _ = stopped_after(lambda e: isinstance(e, EpochEnd) and e.epoch == 2)
    list(train(net, data(), CONFIG))
    assert np.max(np.abs(net.flat_params() - whole.flat_params())) > 1e-3


def test_the_state_counts_whole_epochs_and_the_batches_of_the_next():
    _, state = stopped_after(lambda e: isinstance(e, BatchEnd) and (e.epoch, e.batch) == (3, 2))
    assert (state.epochs_done, state.batches_done, state.step, state.samples) == (2, 2, 14, 2 * 90 + 32)
    assert sorted(state.order) == list(range(90)) and state.optimizer == "adam"
    assert int(state.optimizer_state["t"]) == 14


def test_a_run_stopped_inside_an_epoch_has_completed_only_the_whole_epochs():
    net = fresh()
    calls = iter(range(10 ** 6))
    events = list(train(net, data(), CONFIG, should_stop=lambda: next(calls) == 8))   # after batch 9
    assert events[-1].reason == "stopped" and events[-1].epochs_completed == 1
    assert isinstance(events[-2], EpochEnd) and events[-2].epoch == 2          # the partial epoch reports


def test_a_state_of_one_stream_from_before_the_seed_streams_is_refused_naming_the_entry():
    _, state = stopped_after(lambda e: isinstance(e, EpochEnd) and e.epoch == 1)
    arrays = state.arrays()
    assert arrays["train_state_rng"].shape == (3, 6)        # batch order, dropout, augmentation
    arrays["train_state_rng"] = arrays["train_state_rng"][0]
    with pytest.raises(ValueError, match="train_state_rng: expected 3x6 .*cannot be resumed"):
        TrainState.from_arrays(arrays)


def test_the_random_stream_survives_its_words():
    rng = np.random.default_rng(42)
    rng.standard_normal(3)
    rng.integers(0, 10, dtype=np.uint32)          # leaves a buffered 32-bit half
    copy = rng_from_words(rng_words(rng))
    assert np.array_equal(copy.integers(0, 1 << 30, 8, dtype=np.uint32), rng.integers(0, 1 << 30, 8, dtype=np.uint32))
    assert np.array_equal(copy.standard_normal(5), rng.standard_normal(5))
