"""interleave: several training runs stepped in turn advance together and train exactly as they would alone."""

import numpy as np
import pytest

from nnviz.core import BatchEnd, EpochEnd, Finished, Network, TrainConfig, train
from nnviz.core.race import interleave

from .test_training import blobs

CONFIGS = [TrainConfig(optimizer="sgd", learning_rate=0.2, batch_size=50, epochs=3, seed=5),
           TrainConfig(optimizer="adam", learning_rate=0.01, batch_size=50, epochs=3, seed=5),
           TrainConfig(optimizer="momentum", learning_rate=0.05, batch_size=50, epochs=2, seed=5)]


def numbers(event):
    """What an event says about training, without its clock readings."""
    if isinstance(event, BatchEnd):
        return ("batch", event.step, event.loss, event.accuracy)
    if isinstance(event, EpochEnd):
        return ("epoch", event.epoch, event.train_loss, event.train_accuracy)
    return ("finished", event.reason, event.epochs_completed)


def networks():
    return [Network([2, 6, 3], hidden="tanh", init="xavier", seed=1) for _ in CONFIGS]


@pytest.mark.parametrize("batches", [1, 2])
def test_runs_interleaved_advance_together_and_train_exactly_as_alone(batches):
    data = blobs()
    racing = networks()
    steps, seen, finished = [0, 0, 0], [[], [], []], set()
    for i, event in interleave([train(net, data, c) for net, c in zip(racing, CONFIGS)], batches=batches):
        seen[i].append(numbers(event))
        if isinstance(event, BatchEnd):
            steps[i] = event.step
            # Every run still going is at most one turn (`batches` batches) ahead of or behind this one.
            assert all(abs(steps[j] - event.step) <= batches for j in range(3) if j not in finished)
        finished |= {i} if isinstance(event, Finished) else set()
    alone = networks()
    for net, config, events in zip(alone, CONFIGS, seen):
        assert events == [numbers(e) for e in train(net, data, config)]
    for a, b in zip(racing, alone):
        np.testing.assert_array_equal(a.flat_params(), b.flat_params())


def test_a_run_that_finishes_first_leaves_the_rotation_and_the_others_go_on():
    order = [(i, type(e).__name__) for i, e in interleave([train(n, blobs(), c) for n, c in zip(networks(), CONFIGS)])]
    finished = [i for i, kind in order if kind == "Finished"]
    assert finished == [2, 0, 1]                  # 2 epochs before 3; then in turn
    last_of_2 = order.index((2, "Finished"))
    assert {i for i, _ in order[last_of_2 + 1:]} == {0, 1}


def test_closing_the_race_closes_every_run():
    runs = [train(n, blobs(), c) for n, c in zip(networks(), CONFIGS)]
    race = interleave(runs)
    next(race)
    race.close()
    assert all(next(run, None) is None for run in runs)
    with pytest.raises(ValueError, match="batches"):
        next(interleave(runs, batches=0))
