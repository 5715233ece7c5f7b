"""The seed streams (nnviz/seeds.py): one experiment seed, an independent generator for the dataset, the
initial weights, the batch order, the dropout masks and the augmentations."""

import dataclasses

import numpy as np
import pytest

from nnviz.core import BatchEnd, train
from nnviz.io import ExperimentConfig
from nnviz.prepare import prepare
from nnviz.seeds import STREAMS, stream

BLOBS = ExperimentConfig(dataset="blobs", hidden_layers=[8], init="normal", batch_size=32, epochs=3, seed=0)
BLOB_NOISE = 0.25          # the blobs' default σ


def test_a_stream_is_the_child_of_the_seeds_sequence_at_its_place_in_streams():
    children = np.random.SeedSequence(11).spawn(len(STREAMS))
    for child, name in zip(children, STREAMS):
        np.testing.assert_array_equal(stream(11, name).random(4), np.random.default_rng(child).random(4))


def test_an_unknown_stream_is_refused_with_the_names_to_choose_from():
    with pytest.raises(ValueError, match="'shuffle'.*dataset, weights, batch_order"):
        stream(0, "shuffle")


def blob_noise(dataset):
    """Each point's noise draw z = (x − c) / σ, c its blob's centre: blob k sits on the unit circle at
    angle 2πk/3 + π/2."""
    X = np.concatenate([dataset.X_train, dataset.X_test]).astype(np.float64)
    y = np.concatenate([dataset.y_train, dataset.y_test])
    angle = 2 * np.pi * y / 3 + np.pi / 2
    return (X - np.stack([np.cos(angle), np.sin(angle)], axis=1)) / BLOB_NOISE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_first_layer_weights_are_not_the_noise_of_any_blob_point(seed):
    """With one stream, `init: normal` drew W[0, 0:2], W[0, 2:4], … as the first 8 points' noise."""
    prepared = prepare(dataclasses.replace(BLOBS, seed=seed))
    noise = blob_noise(prepared.dataset)
    pairs = prepared.network.weights[0].astype(np.float64).reshape(-1, 2)   # the order a generator fills them
    nearest = np.linalg.norm(pairs[:, None, :] - noise[None, :, :], axis=2).min(axis=1)
    assert nearest.min() > 1e-3          # float32 points give z to ~1e-6; by chance one in ~1000 seeds


def order_inside_epoch_2(config):
    """The batch order of the second epoch, taken after its first batch."""
    prepared = prepare(config)
    run = train(prepared.network, prepared.train_data, prepared.train_config)
    for event in run:
        if isinstance(event, BatchEnd) and (event.epoch, event.batch) == (2, 1):
            break
    state = run.state()
    run.close()
    assert state.batches_done == 1 and sorted(state.order) == list(range(len(prepared.train_data.X_train)))
    return state.order


@pytest.mark.parametrize("config, change", [
    (BLOBS, {"dropout": 0.5}),
    (ExperimentConfig(dataset="digits8x8", hidden_layers=[16], train_subset=200, batch_size=50, epochs=3),
     {"augment_shift": 1}),
])
def test_dropout_and_augmentation_leave_the_batch_order_as_it_was(config, change):
    """The first epoch's masks or shifts are drawn before the second epoch's shuffle: from one
    stream, switching them on would reshuffle every later epoch."""
    np.testing.assert_array_equal(order_inside_epoch_2(dataclasses.replace(config, **change)),
                                  order_inside_epoch_2(config))


def test_the_batch_size_leaves_the_initial_weights_and_the_data_as_they_were():
    a, b = prepare(BLOBS), prepare(dataclasses.replace(BLOBS, batch_size=7, dropout=0.3))
    np.testing.assert_array_equal(a.network.flat_params(), b.network.flat_params())
    np.testing.assert_array_equal(a.train_data.X_train, b.train_data.X_train)
