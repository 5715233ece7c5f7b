"""A race's runners (same experiment and seed, another optimiser) start from the same weights and batches."""

import dataclasses

import numpy as np

from nnviz.core import train
from nnviz.io import ExperimentConfig
from nnviz.prepare import prepare


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
