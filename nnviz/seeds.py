"""The seed streams: one experiment seed, an independent random generator for each thing it decides.

An experiment's `seed` decides its dataset (toy points and their noise, the test split), its initial
weights, each epoch's batch order, the dropout masks and the augmentations. Drawn from one generator,
they would be tied together: blobs with ``init: normal`` once had first-layer weights equal to the
noise of the first eight points, and switching augmentation on changed the batch order. So each gets
its own stream, a child of the seed's `numpy.random.SeedSequence`:

    stream(seed, name)  ==  default_rng(SeedSequence(seed).spawn(len(STREAMS))[STREAMS.index(name)])

Children of one SeedSequence are independent by construction (each mixes its spawn key into the
seed's entropy), so changing how much one stream draws never moves another: dropout on or off leaves
the batch order as it was, and a different batch size leaves the initial weights alone. The same
seed always gives the same numbers. A stream's place in STREAMS is its spawn key: append new
streams, never reorder (that would change every run's numbers).

A run's training streams (TRAINING_STREAMS) are the ones that advance while it trains; their states
travel with its TrainState (nnviz.core.checkpoint), so that a resumed run draws what it would have.
"""

import numpy as np

STREAMS = (
    "dataset",        # toy points and their noise, the test split, a dataset's n_samples subset
    "weights",        # initial weights and biases
    "batch_order",    # each epoch's shuffle (training and the LR range test)
    "dropout",        # dropout masks
    "augmentation",   # shifts, rotations, elastic fields
    "subset",         # the train_subset shuffle
    "validation",     # the validation split
    "robustness",     # the robustness test's sample and its perturbations
    "gradcheck",      # a gradient check's kink offsets and the entries it checks
)
TRAINING_STREAMS = ("batch_order", "dropout", "augmentation")


def stream(seed, name: str) -> np.random.Generator:
    """A fresh generator for stream `name` (one of STREAMS) of `seed` (an int ≥ 0, or None for
    fresh entropy): the same (seed, name) always starts the same sequence."""
    if name not in STREAMS:
        raise ValueError(f"seed stream {name!r}: choose one of {', '.join(STREAMS)}")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAMS.index(name),)))
