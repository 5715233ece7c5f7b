"""Test-wide settings: Qt runs offscreen, and float warnings never pass silently."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest


@pytest.fixture(scope="session")
def mnist_model(tmp_path_factory):
    """A small MNIST network (784-64-10, 4,000 training digits, 3 epochs; ~93% test) saved as .npz."""
    from nnviz.core import train
    from nnviz.io import ExperimentConfig, save_model
    from nnviz.prepare import prepare

    config = ExperimentConfig(dataset="mnist", train_subset=4000, validation_split=0.0, hidden_layers=[64],
                              epochs=3, batch_size=32, learning_rate=0.1)
    job = prepare(config)
    for _ in train(job.network, job.train_data, job.train_config):
        pass
    path = tmp_path_factory.mktemp("mnist_model") / "mnist.npz"
    save_model(path, job.network, config)
    return path
