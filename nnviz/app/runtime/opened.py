"""Datasets a training process has opened (File → Open dataset), kept there for the runs that follow.

The window never reads a dataset file itself: `OpenDataset` runs in a training process (a
`ProcessJob`), which reads and checks the file and keeps the dataset; the window gets a short
`DatasetSummary`. The next Train (`NewRun`), taken by that same idle process, prepares its run from
the kept dataset: a 200 MB CSV is read once, and never in the UI's process.
"""

from dataclasses import dataclass

from nnviz.guard import UserError, describe
from nnviz.io import ExperimentConfig
from nnviz.prepare import load_config_dataset, prepare

_kept = {}          # in a training process: dataset_key(config) -> the Dataset it opened last (one)


def dataset_key(config):
    """What the dataset `load_config_dataset(config)` reads depends on (a file's name and options)."""
    return (config.dataset, config.label_column, config.image_size, config.seed, config.test_fraction,
            config.n_samples, config.noise, config.classes)


@dataclass(frozen=True)
class DatasetSummary:
    """What the window says about an opened dataset."""

    name: str
    samples: int
    features: int
    class_names: tuple

    def __str__(self):
        return (f"Dataset {self.name}: {self.samples:,} samples, {self.features} features, "
                f"classes {', '.join(self.class_names)}")


@dataclass(frozen=True)
class OpenDataset:
    """Read and check `config`'s dataset in the training process; keep it there; return its summary."""

    config: ExperimentConfig

    def __call__(self, context=None):
        try:
            dataset = load_config_dataset(self.config)
        except (OSError, ValueError) as error:      # a bad file is the user's to fix: said, not a bug
            raise UserError(describe(error)) from error
        _kept.clear()
        _kept[dataset_key(self.config)] = dataset
        return DatasetSummary(dataset.name, len(dataset.X_train) + len(dataset.X_test), dataset.n_features,
                              tuple(dataset.class_names))


@dataclass(frozen=True)
class NewRun:
    """The setup of a new run of `config`: its dataset as this process opened it, if it did, else read."""

    config: ExperimentConfig

    def __call__(self):
        return prepare(self.config, _kept.get(dataset_key(self.config)))
