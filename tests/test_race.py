"""A race's contestants (same experiment and seed, another optimiser or η) start from the same weights and batches."""

import dataclasses

import numpy as np
import pytest

from nnviz.core import train
from nnviz.io import ConfigError, ExperimentConfig
from nnviz.prepare import prepare, prepare_race


def batches_seen(config):
    """The initial weights and every training batch the run trains on (recorded through the augment hook)."""
    prepared = prepare(config)
    initial = prepared.network.flat_params().copy()
    seen = []
    data = dataclasses.replace(prepared.train_data, augment=lambda X, rng: seen.append(X.copy()) or X)
    for _ in train(prepared.network, data, prepared.train_config):
        pass
    return initial, seen


def test_runners_with_other_optimisers_start_from_identical_weights_and_batch_order():
    base = ExperimentConfig(dataset="digits8x8", train_subset=200, hidden_layers=[16], batch_size=32,
                            epochs=2, seed=7)
    w_sgd, b_sgd = batches_seen(dataclasses.replace(base, optimizer="sgd", learning_rate=0.1))
    w_adam, b_adam = batches_seen(dataclasses.replace(base, optimizer="adam", learning_rate=0.001))
    np.testing.assert_array_equal(w_sgd, w_adam)
    assert len(b_sgd) == len(b_adam) == 2 * 6              # 2 epochs of ⌈160/32⌉ batches (20% held out)
    for a, b in zip(b_sgd, b_adam):
        np.testing.assert_array_equal(a, b)


def test_prepare_race_gives_each_contestant_its_own_copy_of_the_seeds_initial_weights():
    base = ExperimentConfig(dataset="digits8x8", train_subset=200, hidden_layers=[16], batch_size=32,
                            epochs=2, seed=7, optimizer="sgd", learning_rate=0.1)
    contestants = prepare_race(base, [("sgd", 0.1), ("sgd", 0.5), ("adam", 0.001)])
    assert [c.name for c in contestants] == ["sgd η 0.1", "sgd η 0.5", "adam η 0.001"]
    assert [(c.config.optimizer, c.config.learning_rate) for c in contestants] == [("sgd", 0.1), ("sgd", 0.5),
                                                                                 ("adam", 0.001)]
    assert [c.prepared.train_config for c in contestants] == [c.config.train_config() for c in contestants]
    fresh = base.build_network(64, 10)                      # the initialisation the seed draws
    nets = [c.prepared.network for c in contestants]
    for net in nets:
        np.testing.assert_array_equal(net.flat_params(), fresh.flat_params())
    assert len({id(net.flat_params()) for net in nets}) == 3             # copies: training one moves no other
    nets[0].flat_params()[:] = 0
    np.testing.assert_array_equal(nets[1].flat_params(), fresh.flat_params())
    assert all(c.prepared.train_data is contestants[0].prepared.train_data for c in contestants)


@pytest.mark.parametrize("variants, message", [
    ([("sgd", 0.1)], "2 to 4 optimisers or learning rates, got 1"),
    ([("sgd", 0.1)] * 2, "must differ"),
    ([("sgd", 0.1), ("adagrad", 0.1)], "optimizer"),
    ([("sgd", 0.1), ("adam", -1.0)], "learning_rate"),
])
def test_a_race_of_the_wrong_contestants_is_refused_with_a_clear_message(variants, message):
    with pytest.raises(ConfigError, match=message):
        prepare_race(ExperimentConfig(dataset="xor"), variants)
