"""`nnviz train --seeds N`: the same experiment with N seeds, one after another, and the spread of results."""

import dataclasses
import time

from nnviz.core import Finished, accuracy, mean_std, train
from nnviz.prepare import prepare


def train_seeds(config, n_seeds, quiet=False, should_stop=lambda: False):
    """Train `config` with seeds config.seed, …, config.seed + n_seeds − 1; print each seed's test
    accuracy and their mean ± sample std. Returns the list of accuracies."""
    accuracies = []
    for seed in range(config.seed, config.seed + n_seeds):
        started = time.perf_counter()
        prepared = prepare(dataclasses.replace(config, seed=seed))
        finished = None
        for event in train(prepared.network, prepared.train_data, prepared.train_config, should_stop):
            if isinstance(event, Finished):
                finished = event
        dataset = prepared.dataset
        accuracies.append(accuracy(dataset.y_test, prepared.network.predict(dataset.X_test)))
        if not quiet:
            print(f"seed {seed}: test accuracy {accuracies[-1]:.2%} ({finished.epochs_completed} epochs, "
                  f"{time.perf_counter() - started:.1f} s, {finished.reason})", flush=True)
        if finished.reason == "stopped":
            break
    mean, std = mean_std(accuracies)
    print(f"test accuracy over {len(accuracies)} seeds: {mean:.2%} ± {std:.2%} (mean ± sample std)")
    return accuracies
